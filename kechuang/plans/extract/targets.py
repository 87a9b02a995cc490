"""Quantitative targets: "新认定高新技术企业10家", "两所高校", "百分之十五", "全覆盖", "增长20%以上".

Numbers that are not targets are left alone: dates, document numbers and quoted codes ("51020"),
ordinals (第十四个, 一是), ranks (前10名, 全省第3位), achieved results (去年完成, 已建成, 现有), and
money that a policy pays out (奖励10万元).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿点"
MEASURES = ["亿元", "万元", "元", "个百分点", "%", "家", "个", "名", "项", "所", "件", "篇", "人", "次", "场"]
_CN_END = "零〇一二两三四五六七八九十百千点"
# A Chinese numeral never ends in 万/亿 here: "两亿元" is 两 + 亿元, "一万人" is 一 + 万 + 人.
_NUM = (rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
        rf"|[零〇一二两三四五六七八九十](?:[{CN_DIGITS}]*[{_CN_END}])?)")
_MEASURE = "|".join(re.escape(m) for m in MEASURES)
VALUE_RE = re.compile(rf"{_NUM}\s*(?:(?P<mult>万|亿)(?!元))?(?P<measure>{_MEASURE})")
PERCENT_WORDS_RE = re.compile(rf"百分之(?P<num>\d+(?:\.\d+)?|[{CN_DIGITS}]+)")
FULL_COVERAGE_RE = re.compile(r"全覆盖")

GTE_BEFORE = ["不少于", "不低于", "至少", "突破", "超过", "达到", "提高到", "提升到", "提升至", "提高至", "增长",
              "新增", "力争", "达", "≥"]
LTE_BEFORE = ["不超过", "不高于", "控制在", "低于", "少于", "压减到", "降至", "≤"]
EQ_BEFORE = ["保持在", "稳定在"]
GTE_AFTER = ["以上", "及以上"]
LTE_AFTER = ["以内", "以下"]
GROWTH_WORDS = ["增长", "增速", "增幅"]
ACHIEVED_WORDS = ["已", "去年", "上年", "上一年", "截至", "截止", "目前", "现有", "共有", "累计完成", "实际完成",
                  "完成了", "同期"]
POLICY_MONEY_WORDS = ["奖励", "奖补", "补助", "补贴", "资助", "给予", "扶持资金", "一次性"]
NOT_AFTER_GE = re.compile(r"^(工作日|月|季度|小时|星期|周|年度|批次|方面|环节|一)")
STOCK_WORDS = ["突破", "总数", "总量", "年底", "年末", "累计"]
# Leading words that carry no meaning for the indicator's name.
NOISE_PREFIX = re.compile(
    r"^(力争|确保|争取|全年|年底|年末|年内|到年底|全市|实现|完成|其中|共|并|同时|与|和|及|的|使)+")
NOISE_SUFFIX = re.compile(
    r"(不少于|不低于|至少|突破|超过|达到|提高到|提升到|提升至|提高至|控制在|保持在|稳定在|力争|达|为|至|数|共|总计|合计)+$")
KEY_NOISE = re.compile(r"新增|新|本年|年度|全年|总数|数量|数|力争|确保|全市|规模以上|规上")

SEPARATORS = ",;。:\n\t"


@dataclass
class Target:
    value: Decimal
    measure: str
    comparator: str
    kind: str
    progress: str
    name: str
    start: int  # normalised span of the value expression
    end: int
    sentence: tuple[int, int]  # normalised span of the sentence
    growth: bool = False
    task: object = None
    in_goals: bool = False
    code: str = ""
    key: str = field(default="", repr=False)

    @property
    def number(self):
        return int(self.value) if self.value == self.value.to_integral_value() else float(self.value)


def to_decimal(num: str) -> Decimal | None:
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", num):
        return Decimal(num.replace(",", ""))
    try:
        value = cn2an.cn2an(num, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in [start, end): ended by 。 ; or a line break, the ending kept."""
    spans = []
    pos = start
    for index in range(start, end):
        if text[index] in "。;\n":
            s = pos
            while s < index and text[s] in " \t":
                s += 1
            stop = index + 1 if text[index] != "\n" else index
            if stop > s:
                spans.append((s, stop))
            pos = index + 1
    if pos < end:
        s = pos
        while s < end and text[s] in " \t":
            s += 1
        if end > s:
            spans.append((s, end))
    return spans


def _quoted(text: str, sent_start: int, index: int) -> bool:
    """True when ``index`` sits inside “…”, ‘…’, 《…》 or "…" within the sentence."""
    seg = text[sent_start:index]
    if seg.count("“") > seg.count("”") or seg.count("‘") > seg.count("’"):
        return True
    if seg.count("《") > seg.count("》") or seg.count("「") > seg.count("」"):
        return True
    return seg.count('"') % 2 == 1


def _clause_start(text: str, sent_start: int, index: int, floor: int) -> int:
    pos = index
    while pos > max(sent_start, floor) and text[pos - 1] not in SEPARATORS:
        pos -= 1
    return pos


def _clause_end(text: str, index: int, sent_end: int) -> int:
    pos = index
    while pos < sent_end and text[pos] not in SEPARATORS:
        pos += 1
    return pos


def _comparator(before: str, after: str) -> str:
    for word in LTE_AFTER:
        if after.startswith(word):
            return "<="
    for word in GTE_AFTER:
        if after.startswith(word):
            return ">="
    tail = before[-6:]
    words = [(w, ">=") for w in GTE_BEFORE] + [(w, "<=") for w in LTE_BEFORE] + [(w, "=") for w in EQ_BEFORE]
    # The longest cue wins ("不少于" over "少于"), then the one nearest the number.
    hits = [(len(w), tail.rfind(w), comp) for w, comp in words if w in tail]
    if hits:
        return max(hits)[2]
    return ">="


def _name(before: str, after: str, previous: str) -> str:
    name = NOISE_SUFFIX.sub("", NOISE_PREFIX.sub("", before)).strip(" 的")
    if len(name) < 3:
        tail = re.split(r"[,;。:\n\t]", after, maxsplit=1)[0]
        for word in GTE_AFTER + LTE_AFTER:
            if tail.startswith(word):
                tail = tail[len(word):]
        tail = tail[:24]
        if len(tail) >= 3 and not name:
            return tail
        if previous:
            return previous + name
        return name or tail
    return name


def dedupe_key(name: str) -> str:
    return KEY_NOISE.sub("", name)


def same_target(a: Target, b: Target) -> bool:
    if a.value != b.value or a.measure != b.measure:
        return False
    ka, kb = dedupe_key(a.name), dedupe_key(b.name)
    if not ka or not kb:
        return ka == kb
    if ka in kb or kb in ka:
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.6


def find_targets(text: str, start: int, end: int, plan_year: int | None = None) -> list[Target]:
    """Targets in the normalised span [start, end) of ``text``."""
    found: list[Target] = []
    for sent_start, sent_end in sentences(text, start, end):
        previous_name = ""
        floor = sent_start
        candidates = []
        for m in VALUE_RE.finditer(text, sent_start, sent_end):
            candidates.append((m.start(), m.end(), m.group("num"), m.group("mult"), m.group("measure")))
        for m in PERCENT_WORDS_RE.finditer(text, sent_start, sent_end):
            candidates.append((m.start(), m.end(), m.group("num"), None, "%"))
        for m in FULL_COVERAGE_RE.finditer(text, sent_start, sent_end):
            candidates.append((m.start(), m.end(), "100", None, "%full"))
        candidates.sort()
        last_end = -1
        for cstart, cend, num, mult, measure in candidates:
            if cstart < last_end:
                continue
            full = measure == "%full"
            measure = "%" if full else measure
            prev_char = text[cstart - 1] if cstart > sent_start else ""
            after = text[cend:sent_end]
            clause_start = _clause_start(text, sent_start, cstart, floor)
            before = text[clause_start:cstart]
            sentence_before = text[sent_start:cstart]
            if not full:
                if prev_char and (prev_char.isascii() and prev_char.isalnum() or prev_char == "."):
                    continue
                if prev_char in "第前每约近" or before.endswith("排名") or before.endswith("位列"):
                    continue
                if _quoted(text, sent_start, cstart):
                    continue
                if measure == "个" and NOT_AFTER_GE.match(after):
                    continue
                if num == "一" and not any(before.endswith(w) for w in GTE_BEFORE + LTE_BEFORE):
                    continue
            achieved = any(w in before for w in ACHIEVED_WORDS)
            if achieved and "已" not in before and any(w in before for w in GROWTH_WORDS):
                achieved = False  # 较去年同期增长10%: a growth target, not a result
            if achieved:
                continue
            if plan_year:
                years = [int(y) for y in re.findall(r"(20\d\d)年", before)]
                if any(y < plan_year for y in years) and not any(w in before for w in GROWTH_WORDS + ["较"]):
                    continue
            if measure.endswith("元") and any(w in sentence_before[-20:] for w in POLICY_MONEY_WORDS):
                continue
            value = to_decimal(num)
            if value is None:
                continue
            if mult == "万":
                value *= 10000
            elif mult == "亿":
                value *= 100000000
            growth = measure in ("%", "个百分点") and any(w in before for w in GROWTH_WORDS)
            kind = "growth" if growth else "ratio" if measure in ("%", "个百分点") else (
                "amount" if measure.endswith("元") else "count")
            if growth:
                progress = "growth"
            elif kind == "ratio":
                progress = "level"
            elif any(w in before for w in STOCK_WORDS):
                progress = "level"
            else:
                progress = "cumulative"
            name = _name(before, after, previous_name)
            target = Target(
                value=value, measure=measure, comparator=_comparator(before, after), kind=kind, progress=progress,
                name=name, start=cstart, end=cend, sentence=(sent_start, sent_end), growth=growth,
            )
            found.append(target)
            previous_name = re.sub(r"(复审|重新认定|新认定|新增|总数)$", "", name) if len(name) >= 3 else previous_name
            last_end = cend
            floor = cend
    return found
