"""The quarterly bulletin as a GB/T 9704 .docx: layout, fonts, figures, rank changes, no PII."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import transaction
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kechuang.bulletins import services
from kechuang.bulletins.compose import ID_PATTERN, LIGHT_LONG, PHONE_PATTERN, REDACTED
from kechuang.bulletins.tests.factories import quarter_data
from kechuang.documents.gbt9704 import OfficialDocument, document_text
from kechuang.supervision import engine

pytestmark = pytest.mark.django_db


def east_asian_font(run) -> str | None:
    rfonts = run._element.rPr.rFonts
    return rfonts.get(qn("w:eastAsia")) if rfonts is not None else None


def paragraph_starting(doc, prefix):
    for p in doc.paragraphs:
        if p.text.startswith(prefix):
            return p
    raise AssertionError(f"no paragraph starts with {prefix}")


def assert_font(paragraph, name, size_pt):
    runs = [r for r in paragraph.runs if r.text.strip()]
    assert runs, paragraph.text
    for run in runs:
        assert east_asian_font(run) == name, (paragraph.text, east_asian_font(run))
        assert run.font.size == Pt(size_pt), (paragraph.text, run.font.size)


@pytest.fixture(scope="module")
def q2_rendered(django_db_setup, django_db_blocker):
    """The Q2 draft bulletin on the quarter's data, composed and rendered once for the module (~3 s each time), with
    the supervision engine's indicator statuses for 30 June on the same data, all inside one transaction that is
    rolled back. The tests only read them. The plan and the personas are the session's (conftest.django_db_setup)."""
    from kechuang.accounts.models import User
    from kechuang.core.testing import PERSONAS
    from kechuang.plans.models import Plan

    with django_db_blocker.unblock(), transaction.atomic():
        plan = Plan.objects.get(code="guangshui-2022")
        personas = {u.username: u for u in User.objects.filter(username__in=list(PERSONAS))}
        quarter_data(plan, personas)
        bulletin = services.draft_bulletin(plan, 2022, 2, user=personas["office"])
        doc = Document(io.BytesIO(services.render(bulletin)))
        statuses = engine.indicator_statuses(plan, dt.date(2022, 6, 30))
        transaction.set_rollback(True)
    return bulletin, doc, statuses


@pytest.fixture
def q2(q2_rendered):
    bulletin, doc, _statuses = q2_rendered
    return bulletin, doc


def test_the_bulletin_has_the_gbt9704_page_and_the_official_fonts(q2):
    bulletin, doc = q2
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.right_margin - Mm(26)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    # 28 characters per 156 mm line: 3号 condensed to a pitch of at most 442.2 pt / 28.
    condense = int(doc.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert (16 + condense) * 28 <= 156 / 25.4 * 72 < (16 + condense) * 29

    assert_font(paragraph_starting(doc, "关于2022年第二季度"), "方正小标宋简体", 22)
    assert_font(paragraph_starting(doc, "一、总体情况"), "黑体", 16)
    assert_font(paragraph_starting(doc, "附件1"), "黑体", 16)
    assert_font(paragraph_starting(doc, "镇（街道）"), "楷体_GB2312", 16)
    assert_font(paragraph_starting(doc, "截至2022年6月30日"), "仿宋_GB2312", 16)
    body = paragraph_starting(doc, "截至2022年6月30日")
    assert body.paragraph_format.line_spacing == Pt(28.95)
    # The Normal style carries the body font for East-Asian text too.
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_page_numbers_are_dashed_4hao_songti_at_the_outer_edge(q2):
    _, doc = q2
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for p in (odd, even):
        assert "PAGE" in p._p.xml and p.text.startswith("— ") and p.text.endswith(" —")
        for run in p.runs:
            assert east_asian_font(run) == "宋体" and run.font.size == Pt(14)
    assert odd.alignment == 2  # right
    assert even.alignment == 0  # left


def test_lower_heading_levels_use_fangsong():
    builder = OfficialDocument()
    builder.heading(1, "总体情况")
    builder.heading(2, "指标")
    builder.heading(3, "新认定")
    builder.heading(4, "细项")
    builder.heading(4, "细项二")
    doc = Document(io.BytesIO(builder.to_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["一、总体情况", "（一）指标", "1.新认定", "（1）细项", "（2）细项二"]
    assert_font(doc.paragraphs[2], "仿宋_GB2312", 16)
    assert_font(doc.paragraphs[3], "仿宋_GB2312", 16)


def test_fonts_are_configurable():
    builder = OfficialDocument(fonts={"body": "仿宋", "h2": "楷体"})
    builder.heading(2, "指标", number=1)
    builder.paragraph("正文")
    doc = Document(io.BytesIO(builder.to_bytes()))
    assert_font(doc.paragraphs[0], "楷体", 16)
    assert_font(doc.paragraphs[1], "仿宋", 16)


def test_the_indicator_table_shows_the_supervision_engines_figures(q2_rendered):
    _, doc, statuses = q2_rendered  # the engine's statuses for 30 June, on the data the bulletin was drafted from
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "指标", "年度目标", "完成值", "完成率", "序时进度",
                                                     "较上季度", "灯"]
    assert len(table.rows) - 1 == len(statuses)
    for row, st in zip(table.rows[1:], statuses, strict=True):
        cells = [c.text for c in row.cells]
        assert cells[1] == st.indicator.name
        assert cells[2] == st.indicator.target_display
        if st.completion_pct is None:
            assert cells[4] == "—"
        else:
            assert cells[4] == f"{st.completion_pct.quantize(Decimal('0.1'))}%"
        assert cells[5] == f"{st.time_progress_pct.quantize(Decimal('0.1'))}%"
        assert cells[7] == LIGHT_LONG[st.light]


def test_unit_narratives_stay_out_of_the_document_and_open_orders_are_in_attachment_4(q2):
    bulletin, doc = q2
    text = document_text(services.render(bulletin))
    town_task = next(t for t in bulletin.snapshot["tasks"] if t["number"] == "（六）")
    assert {p["unit"] for p in town_task["progress"]} == {"武胜关镇", "杨寨镇"}
    assert {p["period"] for p in town_task["progress"]} == {"2022年6月"}
    assert any("6月完成校企对接3次" in p["narrative"] for p in town_task["progress"])  # kept for the HTML view
    assert "校企对接" not in text  # … not printed
    orders = doc.tables[-1]
    assert [c.text for c in orders.rows[0].cells][:3] == ["编号", "督办事项", "责任单位"]
    row = [c.text for c in orders.rows[1].cells]
    assert row[0] == "〔2022〕第3号" and row[2] == "杨寨镇" and row[5] == "已下发（逾期）"


def test_no_id_or_phone_number_ever_appears_in_the_bulletin(q2):
    bulletin, _ = q2
    text = document_text(services.render(bulletin))
    narratives = " ".join(p["narrative"] for t in bulletin.snapshot["tasks"] for p in t["progress"])
    assert REDACTED in narratives  # the narrative did contain them
    for blob in (text, narratives):
        assert not ID_PATTERN.search(blob)
        assert not PHONE_PATTERN.search(blob)
    assert not re.search(r"(?<!\d)\d{18}(?!\d)|(?<!\d)1\d{10}(?!\d)", text)


# Slow by nature (~5 s): composes and issues two bulletins (figures for every unit, two .docx renderings).
def test_rank_changes_are_measured_within_each_group_against_the_previous_issued_bulletin(plan, personas):
    quarter_data(plan, personas)
    office = personas["office"]
    q1 = services.issue_bulletin(services.draft_bulletin(plan, 2022, 1, user=office), user=office)
    q2 = services.draft_bulletin(plan, 2022, 2, user=office)
    assert q2.snapshot["previous_bulletin"]["id"] == q1.pk
    q1_rank = {r["unit_id"]: r["group_rank"] for r in q1.snapshot["rankings"]}
    # Hand-computed: group ranks by today's scores, ties sharing a rank.
    now = {}
    for r in engine.unit_rankings(plan, dt.date(2022, 6, 30)):
        group = "towns" if r.unit.is_town else ("zone" if r.unit.kind == "zone" else "departments")
        now.setdefault(group, []).append((r.score, r.unit.pk))
    expected = {}
    for rows in now.values():
        for score, uid in rows:
            expected[uid] = q1_rank[uid] - (1 + sum(1 for s, _ in rows if s > score))
    changes = {r["unit_id"]: r["change"] for r in q2.snapshot["rankings"]}
    assert changes == expected
    assert any(changes.values()), "the Q2 data should move some unit"
    doc = Document(io.BytesIO(services.render(q2)))
    by_unit = {}
    for table in doc.tables:
        if table.rows[0].cells[0].text == "位次":
            by_unit.update({row.cells[1].text: row.cells[6].text for row in table.rows[1:]})
    for r in q2.snapshot["rankings"]:
        change = r["change"]
        assert by_unit[r["unit"]] == ("持平" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}"))


def test_the_draft_shows_caogao_not_an_empty_issue_number(q2):
    bulletin, doc = q2
    texts = [p.text for p in doc.paragraphs]
    assert "（草稿）" in texts
    assert not any("第　期" in t or "第 期" in t for t in texts)


def test_body_sections_attachment_list_signature_and_attachments_in_gbt9704_order(q2):
    bulletin, doc = q2
    texts = [p.text for p in doc.paragraphs]
    heads = [texts.index(h) for h in ("一、总体情况", "二、工作亮点", "三、存在问题", "四、下步工作")]
    assert heads == sorted(heads)
    notice = texts.index("附件：1. 主要指标完成情况表")
    assert texts[notice + 1:notice + 4] == ["2. 单位排名情况表", "3. 重点任务推进情况表", "4. 督办事项清单"]
    issuer = services.meta_for(bulletin)["issuer"]
    sign = texts.index(issuer, notice)
    assert texts[sign + 1] == "2022年6月30日"
    # From the last line of 下步工作 to the issuer every paragraph keeps with the next: the date never
    # stands alone on a page.
    assert all(doc.paragraphs[i].paragraph_format.keep_with_next for i in range(notice - 2, sign + 1))
    starts = [i for i, t in enumerate(texts) if re.fullmatch(r"附件\d", t)]
    assert [texts[i] for i in starts] == ["附件1", "附件2", "附件3", "附件4"] and starts[0] > sign
    assert all(doc.paragraphs[i].paragraph_format.page_break_before for i in starts)
    for table in doc.tables:
        header = table.rows[0]._tr.trPr
        assert header.find(qn("w:tblHeader")) is not None  # repeats on every page
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


# Slow by nature (~5 s): issues three bulletins, each composed and rendered to .docx.
def test_issuing_numbers_the_bulletins_per_year(plan, personas):
    office = personas["office"]
    q1 = services.issue_bulletin(services.draft_bulletin(plan, 2022, 1, user=office), user=office)
    q2 = services.issue_bulletin(services.draft_bulletin(plan, 2022, 2, user=office), user=office)
    assert (q1.issue_no, q2.issue_no) == (1, 2)
    assert "2022年第2期" in document_text(services.docx_bytes(q2))
    with pytest.raises(services.BulletinError):
        services.draft_bulletin(plan, 2022, 2, user=office)
