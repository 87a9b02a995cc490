"""The extractor over the hand-labelled corpus: every style, every trap, and precision/recall ≥ 0.95."""

from __future__ import annotations

import json
import shutil
import subprocess

import docx
import pytest

from kechuang.plans.extract import draft, extract_path, extract_text, summary
from kechuang.plans.extract.evaluate import (
    CORPUS_DIR,
    corpus_documents,
    expected_for,
    materialise,
    score_corpus,
    target_facts,
    unit_facts,
)
from kechuang.plans.loader import load_plan
from kechuang.plans.models import Plan

DOCUMENTS = [p.name for p in corpus_documents() if p.stem != "guangshui-2022"]
REQUIRED_LAYOUTS = {"space-table", "cell-per-line", "goals-bullets", "bracket-top", "wrapped", "indicator-table",
                    "docx-table", "pdf", "numbered-sections", "bullets"}


def test_the_corpus_has_twenty_labelled_documents_in_every_layout_the_field_uses():
    documents = corpus_documents()
    assert len(documents) >= 20
    layouts = {expected_for(p).get("layout") for p in documents}
    assert len(layouts) >= 8 and REQUIRED_LAYOUTS <= layouts
    assert {p.suffix for p in documents} >= {".txt", ".pdf"}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_labelled_document_is_extracted_exactly(name, tmp_path):
    path = CORPUS_DIR / name
    expected = expected_for(path)
    result = summary(extract_path(materialise(path, tmp_path)))
    got_tasks = [[t["number"], t["lead_units"], t["responsible_units"]] for t in result["tasks"]]
    assert [t[0] for t in got_tasks] == [t[0] for t in expected["tasks"]]
    assert unit_facts(got_tasks) == unit_facts(expected["tasks"])
    got_targets = [[t["value"], t["unit"], t["comparator"], t["task"]] for t in result["targets"]]
    assert target_facts(got_targets) == target_facts(expected["targets"])


def test_table_documents_are_read_from_a_real_docx_table(tmp_path):
    path = materialise(CORPUS_DIR / "table-tasks.txt", tmp_path)
    assert path.suffix == ".docx"
    assert len(docx.Document(path).tables) == 1
    result = summary(extract_path(path))
    assert result["tasks"][0]["title"] == "培育高新技术企业"
    # The 完成情况 column (last year's results) yields nothing.
    assert 28 not in {t["value"] for t in result["targets"]}
    assert 6 not in {t["value"] for t in result["targets"]}


def test_precision_and_recall_are_at_least_95_percent_in_every_layout(tmp_path):
    score = score_corpus(tmp_path)
    assert score.documents >= 20
    for layout, part in [("overall", score)] + sorted(score.layouts.items()):
        assert part.target_precision >= 0.95, (layout, score.details)
        assert part.target_recall >= 0.95, (layout, score.details)
        assert part.unit_precision >= 0.95, (layout, score.details)
        assert part.unit_recall >= 0.95, (layout, score.details)
    assert score.seconds / score.documents < 0.5


@pytest.mark.parametrize("phrase, expected", [
    ("力争新认定高新技术企业10家。", [(10, "家", ">=")]),
    ("与两所高校签订协议。", [(2, "所", ">=")]),
    ("完成科技成果转化十二项。", [(12, "项", ">=")]),
    ("覆盖率提高到百分之十五。", [(15, "%", ">=")]),
    ("技术合同登记达2.4亿元。", [(2.4, "亿元", ">=")]),
    ("技术合同登记达２．４亿元。", [(2.4, "亿元", ">=")]),  # full-width digits
    ("投入一千万元以上。", [(1000, "万元", ">=")]),
    ("研发机构全覆盖。", [(100, "%", ">=")]),
    ("研发费用同比增长20%以上。", [(20, "%", ">=")]),
    ("引进团队不少于1个。", [(1, "个", ">=")]),
    ("能耗增幅控制在3%以内。", [(3, "%", "<=")]),
    ("审批时间不超过5个工作日。", []),
    ("2022年5月5日印发，5月底前报送。", []),
    ("广政办函〔2022〕8号", []),
    ("结合第十四个五年规划，对接“51020”“2236”产业集群。", []),
    ("一是开展活动，二是建设平台。", []),
    ("去年完成技术合同登记1.8亿元。", []),
    ("2021年新认定高新技术企业8家。", []),
    ("综合实力位列全省第3位，进入全国百强，跻身前10名。", [(10, "位", "<=")]),
    ("力争跃居全省前40位。", [(40, "位", "<=")]),
    ("保持全市前3。", [(3, "位", "<=")]),
    ("区域创新指数达到160以上。", [(160, "", ">=")]),
    ("新增孵化面积2万平方米，研发人员投入500人年。", [(20000, "平方米", ">="), (500, "人年", ">=")]),
    ("研发投入占比提高1.5个百分点。", [(1.5, "个百分点", ">=")]),
    ("新培育专精特新企业10–15家。", [(10, "家", ">=")]),
    ("高新技术企业数量较2020年翻一番。", [(100, "%", ">=")]),
    ("进一步优化四个平台，建好两大中心。", []),
    ("新建四个平台。", [(4, "个", ">=")]),
    ("每季度召开1次调度会。", []),
    ("培育科技型中小企业50余家。", [(50, "家", ">=")]),
    ("围绕5个重点产业，新增高新技术企业10家。", [(10, "家", ">=")]),
    ("聚焦3大领域，优化4个平台。", []),
    ("考核结果纳入年度综合考评，权重不低于5%。", []),
    ("对新认定企业奖励10万元。", []),
    ("开展“百名博士进企业”活动，实行“一人一策”。", []),
    ("推动每万人口发明专利拥有量攀升。", []),
])
def test_target_phrases(phrase, expected):
    text = f"某县2022年科技创新工作方案\n一、重点任务\n（一）测试任务。{phrase}"
    result = summary(extract_text(text))
    assert [(t["value"], t["unit"], t["comparator"]) for t in result["targets"]] == expected


def test_half_and_full_width_unit_labels_read_the_same():
    full = summary(extract_text("一、主要任务\n（一）任务甲。（牵头单位：市科技局；责任单位：市财政局、市统计局）"))
    half = summary(extract_text("一、主要任务\n(一)任务甲。(牵头单位:市科技局;责任单位:市财政局,市统计局)"))
    assert full["tasks"][0]["lead_units"] == half["tasks"][0]["lead_units"] == ["市科技局"]
    assert full["tasks"][0]["responsible_units"] == half["tasks"][0]["responsible_units"] == ["市财政局", "市统计局"]
    assert half["tasks"][0]["number"] == "(一)"  # kept as written


@pytest.mark.django_db
def test_a_draft_for_a_county_not_yet_in_the_tree_proposes_its_units_and_loads(tmp_path):
    result = extract_path(CORPUS_DIR / "dash-bullets.txt")
    data = draft(result, code="dongchuan-2023-draft")
    assert data["owner_unit"] == "东川区"
    proposed = data["settings"]["extraction"]["proposed_units"]
    assert "区科技局" in proposed and "各街道" in proposed  # no streets yet: proposed for review
    plan = load_plan(data, status="draft")
    assert Plan.objects.get(code="dongchuan-2023-draft").status == "draft"
    task = plan.tasks.get(number="一1")
    assert [u.name for u in task.lead_units()] == ["区科技局"]
    assert plan.indicators.count() == 8


@pytest.mark.parametrize("name", ["table-tasks", "main-responsible-table"])
def test_tables_in_plain_text_read_the_same_as_in_word(name, tmp_path):
    path = CORPUS_DIR / f"{name}.txt"
    from_docx = summary(extract_path(materialise(path, tmp_path)))
    from_text = summary(extract_path(path))
    assert from_text == from_docx
    tabbed = tmp_path / f"{name}-tabs.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    tabbed.write_text("\n".join(line[1:].replace("|", "\t") if line.startswith("|") else line for line in lines),
                      encoding="utf-8")
    assert summary(extract_path(tabbed)) == from_docx


@pytest.mark.parametrize("line, lead, responsible", [
    ("（一）任务甲。（市科技局牵头，市财政局、市统计局配合）", ["市科技局"], ["市财政局", "市统计局"]),
    ("（一）任务甲。（市科技局、市发改局牵头）", ["市科技局", "市发改局"], []),
    ("（一）任务甲。（责任单位：市科技局（牵头）、市财政局、各镇办）", ["市科技局"], ["市财政局", "各镇办"]),
    ("（一）任务甲。（牵头单位：市科技局；责任单位：市财政局等）", ["市科技局"], ["市财政局"]),
    ("（一）任务甲。（责任单位：开发区（高新区）管委会、市财政局）", [], ["开发区（高新区）管委会", "市财政局"]),
])
def test_other_ways_of_writing_who_leads(line, lead, responsible):
    task = summary(extract_text(f"某县2023年科技工作要点\n一、主要任务\n{line}"))["tasks"][0]
    assert (task["lead_units"], task["responsible_units"]) == (lead, responsible)


def test_thousands_separators_are_one_number():
    result = summary(extract_text("某县2023年科技工作要点\n一、主要任务\n（一）任务甲。新增科技型中小企业1,200家。"))
    assert [(t["value"], t["unit"]) for t in result["targets"]] == [(1200, "家")]


def test_task_numbers_stay_unique_when_two_sections_both_count_from_one():
    text = ("某县2023年科技工作要点\n一、重点任务\n（一）任务甲。新增企业5家。（牵头：县科技局）\n（二）任务乙。\n"
            "二、重点工作\n（一）任务丙。新增平台2个。（牵头：县经信局）\n")
    result = summary(extract_text(text))
    assert [t["number"] for t in result["tasks"]] == ["一（一）", "一（二）", "二（一）"]
    assert [(t["value"], t["task"]) for t in result["targets"]] == [(5, "一（一）"), (2, "二（一）")]


def test_a_wrapped_line_is_joined_so_the_figure_stays_with_what_it_measures():
    text = ("某县2024年科技创新工作方案\n一、重点任务\n（一）加大投入。全社会研发经费投入总量达到\n3.2亿元，高新技\n"
            "术企业新增8家。（牵头单位：县科技局；责任单位：县税务\n局）\n")
    result = summary(extract_text(text))
    assert [(t["value"], t["unit"]) for t in result["targets"]] == [(3.2, "亿元"), (8, "家")]
    assert result["tasks"][0]["responsible_units"] == ["县税务局"]  # the name as written, without the wrap


def test_a_document_whose_layout_is_not_understood_says_what_it_could_not_read():
    text = ("某县2024年科技创新工作方案\n主要任务\n"
            "培育高新技术企业，全年新认定高新技术企业12家，技术合同成交额达到3亿元。\n"
            "工作任务  完成进度\n")
    result = summary(extract_text(text))
    messages = [w["message"] for w in result["warnings"]]
    assert result["tasks"] == [] and result["targets"] == []
    assert any("没有识别出任何任务" in m for m in messages)
    assert any("带单位的数值" in m and "没有识别出任何量化目标" in m for m in messages)
    assert any("未识别的标题" in m and "主要任务" in m for m in messages)
    # Each warning about a place in the text points at it in the original.
    located = [w for w in result["warnings"] if "ostart" in w]
    assert located and all(text[w["ostart"]:w["oend"]] for w in located)


def test_numbers_that_are_not_targets_are_reported_with_the_reason():
    text = ("某县2024年科技创新工作方案\n一、重点任务\n（一）培育企业。2023年新认定高新技术企业6家，"
            "2024年新认定高新技术企业9家，对新认定企业奖励10万元。（牵头单位：县科技局）\n")
    result = summary(extract_text(text))
    assert [(t["value"], t["unit"]) for t in result["targets"]] == [(9, "家")]
    messages = " ".join(w["message"] for w in result["warnings"])
    assert "6家" in messages and "往年" in messages
    assert "10万元" in messages and "奖补" in messages


def test_a_scanned_pdf_without_text_asks_for_the_text_version(tmp_path):
    from kechuang.plans.extract import ExtractError

    # A one-page PDF with nothing but a drawn rectangle (what a scan without OCR gives: no text layer).
    content = b"0 0 0 rg 100 100 200 200 re f"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = tmp_path / "scan.pdf"
    path.write_bytes(out)
    with pytest.raises(ExtractError, match="请上传文字版"):
        extract_path(path)


def test_a_pdf_text_layer_reads_like_the_word_table_it_was_printed_from(tmp_path):
    from_pdf = summary(extract_path(CORPUS_DIR / "pdf-table.pdf"))
    from_docx = summary(extract_path(materialise(CORPUS_DIR / "table-tasks.txt", tmp_path)))
    assert [(t["number"], t["lead_units"], t["responsible_units"]) for t in from_pdf["tasks"]] == [
        (t["number"], t["lead_units"], t["responsible_units"]) for t in from_docx["tasks"]]
    assert [(t["value"], t["unit"], t["task"]) for t in from_pdf["targets"]] == [
        (t["value"], t["unit"], t["task"]) for t in from_docx["targets"]]


UNREAD = ("某县2024年科技创新工作方案\n主要任务\n"
          "培育高新技术企业，全年新认定高新技术企业12家，技术合同成交额达到3亿元。\n")


@pytest.mark.django_db
def test_the_command_warns_and_exits_2_when_the_document_has_numbers_but_no_targets(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "plan.txt"
    path.write_text(UNREAD, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("extract", str(path), "--json")
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["targets"] == [] and any("没有识别出任何量化目标" in w["message"] for w in payload["warnings"])
    assert "没有识别出任何任务" in captured.err and "未作为目标的数值“12家”" in captured.err
    assert "原文第 3 行" in captured.err


def test_a_table_of_indicators_without_responsible_units_gives_goals_not_tasks():
    text = ("某县2024年科技创新工作方案\n一、主要目标\n|序号|指标|单位|2023年完成值|2024年目标\n"
            "|1|高新技术企业数|家|42|50\n|2|研发投入强度|%|1.6|2.0\n"
            "二、重点任务\n（一）培育高企。新认定高新技术企业12家。（牵头单位：县科技局）\n")
    result = summary(extract_text(text))
    assert [t["number"] for t in result["tasks"]] == ["（一）"]
    assert [(t["value"], t["unit"], t["task"]) for t in result["targets"]] == [
        (12, "家", "（一）"), (50, "家", None), (2, "%", None)]


def test_units_in_a_closing_parenthesis_without_a_label_are_the_responsible_units():
    text = ("某县2024年科技创新工作方案\n一、重点任务\n"
            "（一）促进转化。技术合同成交额达到3亿元。（县科技局、各乡镇（街道）负责）\n")
    task = summary(extract_text(text))["tasks"][0]
    assert (task["lead_units"], task["responsible_units"]) == ([], ["县科技局", "各乡镇（街道）"])


def test_a_section_of_another_title_that_assigns_work_holds_tasks_beside_the_task_section():
    text = ("某县2024年科技创新工作方案\n一、重点任务\n（一）培育高企。新认定高新技术企业9家。（牵头单位：县科技局）\n"
            "二、强化人才支撑\n（一）引进人才。引进人才20名。（牵头单位：县人社局）\n")
    result = summary(extract_text(text))
    assert [t["number"] for t in result["tasks"]] == ["一（一）", "二（一）"]
    assert [(t["value"], t["task"]) for t in result["targets"]] == [(9, "一（一）"), (20, "二（一）")]


def test_a_table_written_with_inner_bars_only_and_a_leader_column_reads_units_not_people():
    text = ("某县2024年科技创新工作任务表\n序号 | 工作任务 | 牵头领导 | 牵头单位 | 完成时限\n"
            "1 | 技术合同成交额达到3亿元。 | 张三 | 县科技局 | 12月\n")
    result = summary(extract_text(text))
    assert [(t["number"], t["lead_units"]) for t in result["tasks"]] == [("1", ["县科技局"])]
    assert [(t["value"], t["unit"], t["task"]) for t in result["targets"]] == [(3, "亿元", "1")]


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler is not installed")
def test_a_task_table_over_two_pdf_pages_keeps_its_columns(tmp_path):
    # ~7 s: LibreOffice prints the Word table to PDF (a real text layer whose columns shift on page 2).
    document = docx.Document()
    document.add_paragraph("某县2024年科技创新重点工作任务分解表")
    rows = [["序号", "重点工作任务", "主要责任单位", "协同配合单位", "完成期限"]] + [
        [str(i), f"新增第{i}类科技型企业{i + 10}家，技术合同成交额达到{i}.5亿元，举办对接活动{i}场。",
         "县科技局", "县财政局、县税务局", "2024年12月"] for i in range(1, 31)]
    table = document.add_table(rows=len(rows), cols=5)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.add_paragraph("二、工作要求")
    document.save(tmp_path / "long.docx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "long.docx")],
                   check=True, capture_output=True, timeout=180)
    assert "\f" in subprocess.run(["pdftotext", str(tmp_path / "long.pdf"), "-"], capture_output=True,
                                  text=True).stdout.strip("\f")  # two pages at least
    result = summary(extract_path(tmp_path / "long.pdf"))
    assert [t["number"] for t in result["tasks"]] == [str(i) for i in range(1, 31)]
    assert all((t["lead_units"], t["responsible_units"]) == (["县科技局"], ["县财政局", "县税务局"])
               for t in result["tasks"])
    assert sorted((t["value"], t["unit"], t["task"]) for t in result["targets"]) == sorted(
        v for i in range(1, 31) for v in ((i + 10, "家", str(i)), (i + 0.5, "亿元", str(i)), (i, "场", str(i))))


def test_a_heading_on_its_own_line_keeps_its_break_even_when_it_ends_in_a_verb():
    text = ("某县2024年科技创新工作方案\n一、重点任务\n"
            "（一）推进科技创新平台建设\n新建省级平台3个。（牵头单位：县科技局）\n"
            "（二）加强人才队伍建设\n引进人才20名。（牵头单位：县人社局）\n")
    result = summary(extract_text(text))
    assert [(t["number"], t["title"], t["lead_units"]) for t in result["tasks"]] == [
        ("（一）", "推进科技创新平台建设", ["县科技局"]), ("（二）", "加强人才队伍建设", ["县人社局"])]
    assert [(t["value"], t["task"]) for t in result["targets"]] == [(3, "（一）"), (20, "（二）")]


@pytest.mark.django_db
def test_a_draft_with_an_index_and_a_rank_target_loads(tmp_path):
    data = draft(extract_path(CORPUS_DIR / "goals-bullets-guiding.txt"), code="jiangkou-2023-draft")
    plan = load_plan(data, status="draft")
    index = plan.indicators.get(target=165)
    assert (index.measure, index.comparator) == ("—", ">=")
    rank = plan.indicators.get(measure="位")
    assert (rank.target, rank.comparator) == (8, "<=")


def test_a_table_copied_one_cell_per_line_with_a_leader_column_keeps_people_out_of_the_units():
    text = ("某县2024年科技创新工作任务清单\n序号\n工作任务\n责任领导\n牵头单位\n配合单位\n"
            "1\n新认定高新技术企业10家。\n张三\n县科技局\n县财政局\n"
            "2\n技术合同成交额达到2亿元。\n李四副县长\n县科技局\n县商务局\n")
    result = summary(extract_text(text))
    assert [(t["number"], t["lead_units"], t["responsible_units"]) for t in result["tasks"]] == [
        ("1", ["县科技局"], ["县财政局"]), ("2", ["县科技局"], ["县商务局"])]
    assert [(t["value"], t["task"]) for t in result["targets"]] == [(10, "1"), (2, "2")]


def test_a_task_table_in_an_annex_with_a_two_row_header_is_read_as_the_tasks(tmp_path):
    document = docx.Document()
    for line in ["某县2024年科技创新工作方案", "一、重点任务", "详见附件。", "二、工作要求", "各单位要按时报送。",
                 "附件",
                 "某县2024年科技创新重点任务分解表"]:
        document.add_paragraph(line)
    table = document.add_table(rows=4, cols=5)
    table.cell(0, 2).merge(table.cell(0, 3))  # 责任单位 over 牵头单位 | 配合单位
    for col in (0, 1, 4):
        table.cell(0, col).merge(table.cell(1, col))
    for (r, c), value in {(0, 0): "序号", (0, 1): "重点任务", (0, 2): "责任单位", (0, 4): "完成时限",
                          (1, 2): "牵头单位", (1, 3): "配合单位"}.items():
        table.cell(r, c).text = value
    for r, row in enumerate([["1", "新认定高新技术企业10家。", "县科技局", "县财政局", "12月"],
                             ["2", "技术合同成交额达到2亿元。", "县科技局", "县商务局", "12月"]], start=2):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(tmp_path / "annex.docx")
    result = summary(extract_path(tmp_path / "annex.docx"))
    assert [(t["number"], t["lead_units"], t["responsible_units"]) for t in result["tasks"]] == [
        ("1", ["县科技局"], ["县财政局"]), ("2", ["县科技局"], ["县商务局"])]
    assert [(t["value"], t["task"]) for t in result["targets"]] == [(10, "1"), (2, "2")]


def test_a_goal_restated_in_other_words_in_a_task_is_one_target():
    text = ("某区2024年科技创新工作要点\n一、主要目标\n创新主体持续壮大，全区高企总量达到180家，研发投入增长12%。\n"
            "二、重点任务\n（一）培育高企。高新技术企业总数达到180家，高新技术产业增加值增长12%。（牵头单位：区科技局）\n")
    result = summary(extract_text(text))
    assert sorted((t["value"], t["unit"], t["task"] or "") for t in result["targets"]) == [
        (12, "%", ""), (12, "%", "（一）"), (180, "家", "（一）")]


def test_labels_written_inside_a_table_units_cell_are_read():
    text = ("某县2024年科技创新工作任务表\n|序号|工作任务|责任单位\n"
            "|1|技术合同成交额达到3亿元。|牵头单位：县科技局；配合单位：县财政局、县商务局\n|2|新增企业5家。|县科技局\n")
    result = summary(extract_text(text))
    assert [(t["number"], t["lead_units"], t["responsible_units"]) for t in result["tasks"]] == [
        ("1", ["县科技局"], ["县财政局", "县商务局"]), ("2", [], ["县科技局"])]


def test_a_title_set_on_two_lines_is_one_title_and_dates_the_plan():
    text = ("某县2024年科技创新\n工作要点\n2023年全县高新技术企业达到30家。\n一、重点任务\n"
            "（一）培育高企。2023年新认定高新技术企业6家，今年新认定高新技术企业10家。（牵头单位：县科技局）\n")
    result = extract_text(text)
    assert (result.title, result.year) == ("某县2024年科技创新工作要点", 2024)
    assert [(t["value"], t["task"]) for t in summary(result)["targets"]] == [(10, "（一）")]


def test_a_table_copied_one_cell_per_line_without_a_number_column_keeps_numbered_titles():
    text = ("某县2024年科技创新工作任务清单\n工作任务\n牵头单位\n配合单位\n"
            "1.新认定高新技术企业10家。\n县科技局\n县财政局\n"
            "2.技术合同成交额达到2亿元。\n县科技局\n县商务局\n二、工作要求\n按月报送。\n")
    result = summary(extract_text(text))
    assert [(t["number"], t["lead_units"], t["responsible_units"]) for t in result["tasks"]] == [
        ("1", ["县科技局"], ["县财政局"]), ("2", ["县科技局"], ["县商务局"])]


def test_columns_under_a_header_that_is_not_understood_are_reported_as_an_unread_table():
    text = ("某县2024年科技创新工作方案\n一、重点任务\n（一）培育高企。新认定高新技术企业10家。（牵头单位：县科技局）\n"
            "事项        负责        期限\n高企申报    张三        6月\n平台建设    李四        9月\n"
            "（此件公开发布）\n")
    result = summary(extract_text(text))
    tables = [w for w in result["warnings"] if w["kind"] == "table"]
    assert len(tables) == 1 and "未能识别的表格" in tables[0]["message"]
    assert text[tables[0]["ostart"]:tables[0]["oend"]].startswith("事项") and "9月" in text[
        tables[0]["ostart"]:tables[0]["oend"]]
    # （此件公开发布） is no heading.
    assert not [w for w in result["warnings"] if w["kind"] == "heading"]
