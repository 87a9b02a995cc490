"""Quantitative targets: "新认定高新技术企业10家", "两所高校", "百分之十五", "全覆盖", "增长20%以上".

Numbers that are not targets are left alone: dates, document numbers and quoted codes ("51020"),
ordinals (第十四个, 一是), ranks (前10名, 全省第3位), achieved results (去年完成, 已建成, 现有), and
money that a policy pays out (奖励10万元).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import cn2an
import yaml

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿点"
MEASURES_FILE = Path(__file__).with_name("measures.yaml")


def _load_measures() -> tuple[dict, dict, dict]:
    """(written form → unit, unit → kind, unit → characters that may not follow it) from measures.yaml."""
    written: dict[str, str] = {}
    kinds: dict[str, str] = {}
    after_not: dict[str, str] = {}
    for entry in yaml.safe_load(MEASURES_FILE.read_text(encoding="utf-8")):
        unit = str(entry["unit"])
        kinds[unit] = entry.get("kind", "count")
        after_not[unit] = entry.get("after_not", "")
        for form in [unit] + [str(x) for x in entry.get("synonyms", [])]:
            written[unicodedata.normalize("NFKC", form)] = unit
    return written, kinds, after_not


MEASURE_OF, KIND_OF, AFTER_NOT = _load_measures()
MEASURES = sorted(MEASURE_OF, key=len, reverse=True)
_CN_END = "零〇一二两三四五六七八九十百千点"
# A Chinese numeral never ends in 万/亿 here: "两亿元" is 两 + 亿元, "一万人" is 一 + 万 + 人.
_NUM_BODY = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
             rf"|[零〇一二两三四五六七八九十](?:[{CN_DIGITS}]*[{_CN_END}])?")
_NUM = rf"(?P<num>{_NUM_BODY})"
_RANGE = rf"(?:\s*[-–—~～至到]\s*(?P<high>{_NUM_BODY}))?"
_MEASURE = "|".join(re.escape(m) for m in MEASURES)
VALUE_RE = re.compile(rf"{_NUM}{_RANGE}\s*(?P<about>余|多)?(?:(?P<mult>万|亿)(?!元|美元))?(?P<measure>{_MEASURE})")
PERCENT_WORDS_RE = re.compile(rf"百分之(?P<num>\d+(?:\.\d+)?|[{CN_DIGITS}]+)")
FULL_COVERAGE_RE = re.compile(r"全覆盖")
DOUBLING_RE = re.compile(r"翻(?P<times>一|两|二|三)番")
RANK_RE = re.compile(r"(?P<pre>前|第)\s*(?P<num>\d{1,3}|[一二两三四五六七八九十百]{1,4})\s*(?P<measure>位|名|强)?")
RANK_CONTEXT = re.compile(r"全省|全市|全国|全州|全区|全盟|同类|排名|排位|位次|位居|位列|跃居|跻身|稳居|进入|保持|"
                          r"争进|挺进|晋级")
# A rank is a target when something is to be reached or kept ("力争进入全省前十名", "保持全市前3");
# "综合实力全省排名第5位" only describes.
RANK_INTENT = re.compile(r"力争|确保|保持|稳居|稳定在|进入|跃居|跻身|争创|争取|争进|挺进|晋级|提升|提高|达到|实现|冲刺|"
                         r"迈入|进位|跨入|居于|巩固")
# Verbs that describe what a plan works on rather than what it is to reach: "围绕5个重点产业", "优化四个平台".
DESCRIBING_VERBS = re.compile(r"围绕|聚焦|依托|立足|突出|涵盖|包括|包含|分为|优化|完善|整合|做强|做优|用好|抓好|深化|"
                              r"按照|对照|"
                              r"结合|对接|融入|服务于|面向")
# Words that put a clause in the plan's own year, whatever year the sentence named before.
CURRENT_WORDS = re.compile(r"力争|确保|争取|今年|本年|全年|年内|年底|计划|预计|目标|到20\d\d年|将|要")
FREQUENCY = re.compile(r"每(年|半年|季度|季|月|周|旬|两月|双月)")
# A number standing for an index after a verb of achievement: "创新指数达到160以上".
INDEX_RE = re.compile(r"(?P<verb>达到|达|突破|超过|不低于|不少于|提高到|提升到|提升至|提高至|保持在|稳定在|控制在|"
                      r"不超过|不高于)"
                      r"\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<suffix>以上|以内|以下|左右)?(?=$|[,;。、:\n\t)])")
# Chinese-numeral counts are descriptions ("进一步优化四个平台", "两大中心") unless a verb of achievement governs them.
ACHIEVE_VERBS = re.compile(
    r"达到|达|新增|净增|突破|培育|力争|确保|新建|建成|建设|创建|争创|打造|引进|引育|招引|培养|培训|认定|入库|备案|"
    r"登记|完成|实现|举办|开展|组织|签订|签约|申报|获批|争取|选派|组建|设立|落地|转化|授权|推广|服务|支持|扶持|"
    r"新认定|评选|命名|发放|投放|提高|提升|增长|增加|超过|不少于|不低于|至少")
GTE_BEFORE = ["不少于", "不低于", "至少", "突破", "超过", "达到", "提高到", "提升到", "提升至", "提高至", "增长",
              "新增", "净增", "力争", "达", "≥", ">="]
LTE_BEFORE = ["不超过", "不高于", "控制在", "低于", "少于", "压减到", "降至", "≤", "<="]
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


ASSESSMENT_WORDS = re.compile(r"权重|分值|考评|考核|计分|扣分|加分")


def _candidates(text: str, sent_start: int, sent_end: int) -> list[tuple]:
    """(start, end, num, mult, measure, high, how) of every quantity in the sentence, in order."""
    out = []
    for m in VALUE_RE.finditer(text, sent_start, sent_end):
        measure = MEASURE_OF[m.group("measure")]
        after = text[m.end():m.end() + 1]
        if after and after in AFTER_NOT.get(measure, ""):
            continue
        out.append((m.start(), m.end(), m.group("num"), m.group("mult"), measure, m.group("high"), "value"))
    for m in PERCENT_WORDS_RE.finditer(text, sent_start, sent_end):
        out.append((m.start(), m.end(), m.group("num"), None, "%", None, "value"))
    for m in FULL_COVERAGE_RE.finditer(text, sent_start, sent_end):
        out.append((m.start(), m.end(), "100", None, "%", None, "full"))
    for m in DOUBLING_RE.finditer(text, sent_start, sent_end):
        times = {"一": 1, "两": 2, "二": 2, "三": 3}[m.group("times")]
        out.append((m.start(), m.end(), str(2 ** times * 100 - 100), None, "%", None, "doubling"))
    for m in RANK_RE.finditer(text, sent_start, sent_end):
        out.append((m.start(), m.end(), m.group("num"), None, "位", None, "rank"))
    for m in INDEX_RE.finditer(text, sent_start, sent_end):
        out.append((m.start("num"), m.end(), m.group("num"), None, "", None, "index"))
    # Where two readings overlap, the one starting first (then the longest) wins.
    out.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    return out


def restated(goal: Target, body: Target) -> bool:
    """A goal restated in a task body: same value and unit, and names that share something."""
    if same_target(goal, body):
        return True
    if goal.value != body.value or goal.measure != body.measure or goal.comparator != body.comparator:
        return False
    generic = r"增长|增速|增幅|达到|总量|总额|比重|占比|全区|全县|全市|全省|以上|同比|年均|企业"
    ka, kb = re.sub(generic, "", dedupe_key(goal.name)), re.sub(generic, "", dedupe_key(body.name))
    if not ka or not kb:
        return True
    bigrams = {ka[i:i + 2] for i in range(len(ka) - 1)}
    return any(kb[i:i + 2] in bigrams for i in range(len(kb) - 1)) or \
        difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.3


def find_targets(text: str, start: int, end: int, plan_year: int | None = None,
                 rejected: list | None = None) -> list[Target]:
    """Targets in the normalised span [start, end) of ``text``.

    Quantities that are read but are not targets go to ``rejected`` as (start, end, reason) when given.
    """
    found: list[Target] = []
    for sent_start, sent_end in sentences(text, start, end):
        previous_name = ""
        floor = sent_start
        last_end = -1
        for cstart, cend, num, mult, measure, _high, how in _candidates(text, sent_start, sent_end):
            if cstart < last_end:
                continue
            after = text[cend:sent_end]
            before = text[_clause_start(text, sent_start, cstart, floor):cstart]
            sentence_before = text[sent_start:cstart]
            reason = _not_a_target(text, sent_start, cstart, cend, num, measure, how, before, after) \
                or _not_this_years_goal(measure, before, sentence_before, plan_year)
            if reason:
                if reason != SKIP and rejected is not None:
                    rejected.append((cstart, cend, reason))
                continue
            value = _scaled(num, mult)
            if value is None:
                continue
            kind, progress, comparator = _kind_of(text, cstart, measure, how, before)
            name = _name(before, after, previous_name)
            target = Target(
                value=value, measure=measure, comparator=comparator or _comparator(before, after), kind=kind,
                progress=progress, name=name, start=cstart, end=cend, sentence=(sent_start, sent_end),
                growth=kind == "growth",
            )
            found.append(target)
            previous_name = re.sub(r"(复审|重新认定|新认定|新增|总数)$", "", name) if len(name) >= 3 else previous_name
            last_end = cend
            floor = cend
    return found


# A quantity passed over without a word (it is no quantity at all, or not one worth reporting).
SKIP = "skip"


def _not_a_target(text: str, sent_start: int, cstart: int, cend: int, num: str, measure: str, how: str,
                  before: str, after: str) -> str:
    """Why the quantity, as read, is not a target: ``SKIP``, a reason for the office, or "" (it may be one)."""
    prev_char = text[cstart - 1] if cstart > sent_start else ""
    if how == "rank":
        if not RANK_CONTEXT.search(before):
            return SKIP  # 第十四个五年规划, 前3季度: no rank
        if not RANK_INTENT.search(before):
            return "现状排名（没有“力争、保持、进入”等目标用语）"
        if text[cstart] == "第" and not re.search(r"位|名|排名|位次", text[cstart:cend] + before[-4:]):
            return SKIP
        if re.match(r"\s*(季度|个月|年|批|次|天|周)", after):
            return SKIP
    elif how == "index":
        if _quoted(text, sent_start, cstart) or re.match(r"\s*(年|月|日|号|%|家|个)", after):
            return SKIP
    elif how not in ("full", "doubling"):
        if prev_char and (prev_char.isascii() and prev_char.isalnum() or prev_char == "."):
            return SKIP
        if prev_char in "第前每约近" or before.endswith("排名") or before.endswith("位列"):
            return "序数、频次或约数"
        if _quoted(text, sent_start, cstart):
            return "引号中的名称或口号"
        if measure == "个" and NOT_AFTER_GE.match(after):
            return SKIP
        if measure in ("次", "场") and FREQUENCY.search(before):
            return "工作频次"
        if num == "一" and not any(before.endswith(w) for w in GTE_BEFORE + LTE_BEFORE):
            return SKIP
        if KIND_OF.get(measure) == "count" and DESCRIBING_VERBS.search(before) \
                and not ACHIEVE_VERBS.search(before):
            return "描述性数量（“围绕、聚焦、优化”等，不是要达到的数）"
        if not re.match(r"[\d]", num) and KIND_OF.get(measure) == "count" \
                and not ACHIEVE_VERBS.search(before) and not (
                re.search(r"[与同和]$", before.strip())
                and re.match(r"[^,;。]*?(签订|签约|共建|合作|建立)", after)):
            return "描述性数量（前面没有“达到、新增、培育”等动词）"
    return ""


def _not_this_years_goal(measure: str, before: str, sentence_before: str, plan_year: int | None) -> str:
    """Why a quantity is not a goal of the plan's year (done already, an earlier year, money granted, a weight),
    or "" when it is."""
    achieved = any(w in before for w in ACHIEVED_WORDS)
    if achieved and "已" not in before and any(w in before for w in GROWTH_WORDS):
        achieved = False  # 较去年同期增长10%: a growth target, not a result
    if achieved:
        return "已完成或往年的数值"
    if plan_year:
        years = [int(y) for y in re.findall(r"(20\d\d)年", before)]
        # The last year named earlier in the sentence also dates the figure ("2023年…55家，位居全省第6位").
        last_year = re.findall(r"(20\d\d)年", sentence_before)
        if last_year and not years and not CURRENT_WORDS.search(before):
            years = [int(last_year[-1])]
        if any(y < plan_year for y in years) and not any(
                w in before for w in GROWTH_WORDS + ["较", "比", "基础"]):
            return "往年的数值"
    if measure.endswith("元") and any(w in sentence_before[-20:] for w in POLICY_MONEY_WORDS):
        return "奖补金额（政策兑现，不是目标）"
    if measure in ("%", "") and ASSESSMENT_WORDS.search(sentence_before):
        return "考核权重或分值"
    return ""


def _scaled(num: str, mult: str | None) -> Decimal | None:
    value = to_decimal(num)
    if value is None:
        return None
    if mult == "万":
        value *= 10000
    elif mult == "亿":
        value *= 100000000
    return value


def _kind_of(text: str, cstart: int, measure: str, how: str, before: str) -> tuple[str, str, str | None]:
    """(kind, progress, comparator or None to read it from the words around the value)."""
    if how == "rank":
        comparator = "<="
        if text[cstart] == "第" and re.search(r"保持|稳居|稳定", before):
            comparator = "<="
        return "count", "level", comparator
    growth = how == "doubling" or (
        measure in ("%", "个百分点", "倍") and any(w in before for w in GROWTH_WORDS))
    base_kind = KIND_OF.get(measure, "count")
    kind = "growth" if growth else base_kind
    if growth:
        progress = "growth"
    elif kind == "ratio" or how == "index":
        progress = "level"
    elif any(w in before for w in STOCK_WORDS):
        progress = "level"
    else:
        progress = "cumulative"
    return kind, progress, None


def quantities(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of every number with a unit of measure in [start, end) (for the report of what was not placed)."""
    spans = []
    for sent_start, sent_end in sentences(text, start, end):
        last = -1
        for cstart, cend, num, _mult, measure, _high, how in _candidates(text, sent_start, sent_end):
            if cstart < last or how in ("rank", "index") or not measure:
                continue
            if not re.match(r"\d", num):
                continue
            prev = text[cstart - 1] if cstart > sent_start else ""
            if prev in "第前每" or (prev.isascii() and prev.isalnum()):
                continue
            spans.append((cstart, cend))
            last = cend
    return spans


def target_from_cells(text: str, name: str, target_span, measure_span, sentence) -> Target | None:
    """A target from an indicator table row: the 目标 cell ("35", "≥35", "35以上", "前10") and the 单位 cell."""
    cell = text[target_span[0]:target_span[1]].strip()
    measure_written = re.sub(r"\s+", "", text[measure_span[0]:measure_span[1]]) if measure_span else ""
    m = re.search(rf"(?P<num>{_NUM_BODY})", cell)
    if not m:
        return None
    value = to_decimal(m.group("num"))
    if value is None:
        return None
    before, after = cell[:m.start()], cell[m.end():]
    measure = MEASURE_OF.get(measure_written, measure_written)
    rank = measure in ("位", "名") and re.search(r"排名|位次|排位|前", name + before)
    if rank:
        measure, comparator = "位", "<="
    elif before.startswith(("≤", "<")) or "以内" in after or "以下" in after or "不超过" in before:
        comparator = "<="
    else:
        comparator = _comparator(before, after)
    kind = "growth" if measure in ("%", "个百分点") and any(w in name for w in GROWTH_WORDS) else \
        KIND_OF.get(measure, "count")
    progress = "growth" if kind == "growth" else "level" if kind == "ratio" or rank or any(
        w in name for w in STOCK_WORDS) else "cumulative"
    start = target_span[0] + cell_offset(text, target_span) + m.start()
    return Target(value=value, measure=measure, comparator=comparator, kind=kind, progress=progress, name=name,
                  start=start, end=start + len(m.group("num")), sentence=sentence, growth=kind == "growth")


def cell_offset(text: str, span) -> int:
    raw = text[span[0]:span[1]]
    return len(raw) - len(raw.lstrip())
