"""The extractor on the Guangshui 2022 document reproduces the shipped plan file (.txt and .docx)."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command

from kechuang.org.models import Unit
from kechuang.org.services import UnitResolver
from kechuang.plans.extract import draft, extract_path, summary
from kechuang.plans.loader import bundled_plan_path, load_plan
from kechuang.plans.models import Plan

from .extract_helpers import SEED, seed_text, target_tuples, write_docx


def shipped() -> dict:
    return yaml.safe_load(bundled_plan_path("guangshui-2022").read_text(encoding="utf-8"))


def shipped_tasks():
    return [(t["number"], t["title"], t["lead"], t["responsible"]) for t in shipped()["tasks"]]


def shipped_targets():
    out = []
    for ind in shipped()["indicators"]:
        value = Decimal(str(ind["target"]))
        value = int(value) if value == value.to_integral_value() else float(value)
        out.append((str(value), ind["measure"], ind["comparator"], ind["tasks"][0]))
    return sorted(out)


@pytest.fixture(params=["txt", "docx"])
def seed_file(request, tmp_path):
    if request.param == "txt":
        return SEED
    return write_docx(tmp_path / "guangshui-2022.docx", seed_text().split("\n"))


def test_it_finds_the_nine_tasks_with_titles_and_units_exactly_as_written(seed_file):
    result = summary(extract_path(seed_file))
    got = [(t["number"], t["title"], t["lead_units"], t["responsible_units"]) for t in result["tasks"]]
    assert got == shipped_tasks()


def test_it_finds_every_target_once_with_value_measure_comparator_and_task(seed_file):
    result = summary(extract_path(seed_file))
    assert target_tuples(result) == shipped_targets()


def test_each_target_keeps_the_sentence_the_shipped_file_quotes(seed_file):
    result = summary(extract_path(seed_file))
    sentences = {ind["sentence"] for ind in shipped()["indicators"]}
    assert {t["text"] for t in result["targets"]} == sentences


def test_it_reads_the_header_and_sections(seed_file):
    result = extract_path(seed_file)
    data = shipped()
    assert (result.title, result.doc_number, result.issue_date, result.year) == (
        data["title"], data["doc_number"], data["issue_date"], data["year"])
    assert result.preamble == data["preamble"]
    assert result.guiding_text == data["guiding_text"]
    assert result.goals_text == data["goals_text"]
    assert [(r["number"], r["title"], r["text"]) for r in result.requirements] == [
        (r["number"], r["title"], r["text"]) for r in data["requirements"]]


def test_no_number_in_the_header_preamble_or_ordinals_becomes_a_target():
    result = summary(extract_path(SEED))
    values = {t["value"] for t in result["targets"]}
    for not_a_target in (2236, 2542, 51020, 8, 5, 14, 19, 9):
        assert not_a_target not in values


@pytest.mark.django_db
def test_the_draft_loads_as_a_draft_plan_resolving_every_unit_against_the_tree(plan):
    owner = Unit.objects.get(name="广水市", parent__isnull=True)
    result = extract_path(SEED)
    data = draft(result, owner=owner, code="guangshui-2022-draft", resolver=UnitResolver(owner))
    assert "units" not in data  # every name resolves: nothing proposed
    assert data["settings"]["extraction"]["proposed_units"] == []
    drafted = load_plan(data, status="draft")
    assert drafted.status == "draft"
    assert drafted.source_text == seed_text()
    tasks = {t.number: t for t in drafted.tasks.all()}
    assert tasks["（六）"].lead_text == "市科技经信局"
    # 各镇办 is kept as written and expanded by the loader into every town and street.
    six_units = {u.name for u in tasks["（六）"].responsible_units()}
    assert {"武胜关镇", "应山街道", "经济开发区"} <= six_units
    assert drafted.indicators.count() == len(shipped()["indicators"])
    spans = data["settings"]["extraction"]["spans"]
    first = spans["tasks"][0]["title"]
    assert drafted.source_text[first["ostart"]:first["oend"]] == "推进省级创新型县（市）建设"


@pytest.mark.django_db
def test_the_command_writes_a_draft_yaml_and_a_json_summary(plan, tmp_path, capsys):
    out = tmp_path / "draft.yaml"
    call_command("extract", str(SEED), "-o", str(out), "--code", "gs-draft", "--owner", "广水市")
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["code"] == "gs-draft" and data["status"] == "draft"
    assert [t["number"] for t in data["tasks"]][:3] == ["（一）", "（二）", "（三）"]
    capsys.readouterr()
    call_command("extract", str(SEED), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["tasks"]) == 9 and len(payload["targets"]) == 17
    assert not Plan.objects.filter(code="gs-draft").exists()  # extraction alone writes nothing


# Slow by nature (~8 s): LibreOffice writes a .doc and converts it back to .docx.
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_legacy_doc_is_converted_with_libreoffice_and_reads_the_same(tmp_path):
    docx_path = write_docx(tmp_path / "seed.docx", seed_text().split("\n"))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path / "out"), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    result = summary(extract_path(tmp_path / "out" / "seed.doc"))
    assert target_tuples(result) == shipped_targets()
    assert [t["number"] for t in result["tasks"]] == [t[0] for t in shipped_tasks()]


def test_word_automatic_numbering_is_read_as_the_markers_a_reader_sees(tmp_path):
    """The seed as a Word file whose 一、 and （一） come from list numbering, not from the text."""
    import re

    import docx

    from .extract_helpers import add_chinese_numbering, set_list_level

    document = docx.Document()
    num_id = add_chinese_numbering(document)
    for line in seed_text().split("\n"):
        top = re.match(r"^[一二三四五六七八九十]+、", line)
        sub = re.match(r"^（[一二三四五六七八九十]+）", line)
        if top:
            set_list_level(document.add_paragraph(line[top.end():]), num_id, 0)
        elif sub:
            set_list_level(document.add_paragraph(line[sub.end():]), num_id, 1)
        else:
            document.add_paragraph(line)
    path = tmp_path / "numbered.docx"
    document.save(path)
    texts = [p.text for p in docx.Document(path).paragraphs]
    assert not any(t.startswith(("（一）", "三、")) for t in texts)  # the markers are not in the text
    result = summary(extract_path(path))
    got = [(t["number"], t["title"], t["lead_units"], t["responsible_units"]) for t in result["tasks"]]
    assert got == shipped_tasks()
    assert target_tuples(result) == shipped_targets()
