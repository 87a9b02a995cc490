"""Scoring the extractor against the hand-labelled corpus (kechuang/plans/tests/corpus)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import docx
import yaml

from kechuang.plans.loader import bundled_plan_path

from . import summary
from .core import extract_source
from .output import assign_codes
from .reading import read_file

CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "corpus"


def _value(value) -> str:
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def labels_path(path: Path) -> Path:
    return path.with_name(path.stem + ".expected.yaml")


def expected_for(path: Path) -> dict:
    labels = yaml.safe_load(labels_path(path).read_text(encoding="utf-8"))
    if labels.get("from_plan_file"):
        plan = yaml.safe_load(bundled_plan_path(labels["from_plan_file"]).read_text(encoding="utf-8"))
        tasks = [[t["number"], t.get("lead", []), t.get("responsible", [])] for t in plan["tasks"]]
        targets = [[i["target"], i["measure"], i.get("comparator", ">="), (i.get("tasks") or [None])[0]]
                   for i in plan["indicators"]]
        return {"tasks": tasks, "targets": targets, "layout": labels.get("layout", "")}
    return labels


def materialise(path: Path, workdir: Path) -> Path:
    """The file to extract: the .txt itself, or a .docx with real tables when the text has ``|`` rows."""
    if path.suffix != ".txt":
        return path  # a shipped .docx or PDF
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not any(line.startswith("|") for line in lines):
        return path
    document = docx.Document()
    rows: list[list[str]] = []

    def flush():
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            rows.clear()

    for line in lines:
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
            continue
        flush()
        document.add_paragraph(line)
    flush()
    out = workdir / (path.stem + ".docx")
    document.save(out)
    return out


def unit_facts(tasks) -> Counter:
    facts: Counter = Counter()
    for number, lead, responsible in tasks:
        for name in lead:
            facts[(number, "lead", name)] += 1
        for name in responsible:
            facts[(number, "responsible", name)] += 1
    return facts


def target_facts(targets) -> Counter:
    return Counter((_value(v), unit, comp, task or "") for v, unit, comp, task in targets)


@dataclass
class Score:
    documents: int = 0
    target_tp: int = 0
    target_found: int = 0
    target_expected: int = 0
    unit_tp: int = 0
    unit_found: int = 0
    unit_expected: int = 0
    task_exact: int = 0
    task_expected: int = 0
    seconds: float = 0.0  # extraction time, conversion excluded
    details: dict = field(default_factory=dict)
    layouts: dict = field(default_factory=dict)  # layout → Score

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def target_precision(self) -> float:
        return self._ratio(self.target_tp, self.target_found)

    @property
    def target_recall(self) -> float:
        return self._ratio(self.target_tp, self.target_expected)

    @property
    def unit_precision(self) -> float:
        return self._ratio(self.unit_tp, self.unit_found)

    @property
    def unit_recall(self) -> float:
        return self._ratio(self.unit_tp, self.unit_expected)


def score_document(path: Path, workdir: Path, score: Score) -> Score:
    """Score one labelled document into ``score`` and into its layout's score; extraction time is measured
    without the conversion of the source (writing the .docx, running pdftotext)."""
    expected = expected_for(path)
    source = read_file(materialise(path, workdir))
    started = time.perf_counter()
    extraction = extract_source(source)
    assign_codes(extraction)
    elapsed = time.perf_counter() - started
    result = summary(extraction)
    got_tasks = [[t["number"], t["lead_units"], t["responsible_units"]] for t in result["tasks"]]
    got_targets = [[t["value"], t["unit"], t["comparator"], t["task"]] for t in result["targets"]]
    exp_u, got_u = unit_facts(expected["tasks"]), unit_facts(got_tasks)
    exp_t, got_t = target_facts(expected["targets"]), target_facts(got_targets)
    layout = expected.get("layout") or "unlabelled"
    for into in (score, score.layouts.setdefault(layout, Score())):
        into.documents += 1
        into.seconds += elapsed
        into.unit_tp += sum((exp_u & got_u).values())
        into.unit_found += sum(got_u.values())
        into.unit_expected += sum(exp_u.values())
        into.target_tp += sum((exp_t & got_t).values())
        into.target_found += sum(got_t.values())
        into.target_expected += sum(exp_t.values())
        into.task_expected += len(expected["tasks"])
        into.task_exact += len({n for n, _, _ in expected["tasks"]} & {n for n, _, _ in got_tasks})
    score.details[path.name] = {
        "missed_targets": sorted(exp_t - got_t), "extra_targets": sorted(got_t - exp_t),
        "missed_units": sorted(exp_u - got_u), "extra_units": sorted(got_u - exp_u),
        "task_numbers": ([n for n, _, _ in expected["tasks"]], [n for n, _, _ in got_tasks]),
    }
    return score


def corpus_documents(corpus: Path = CORPUS_DIR) -> list[Path]:
    """Every labelled document: NAME.txt, NAME.docx or NAME.pdf beside NAME.expected.yaml."""
    return sorted(p for p in corpus.iterdir()
                  if p.suffix in (".txt", ".docx", ".pdf") and labels_path(p).exists())


def score_corpus(workdir: Path, corpus: Path = CORPUS_DIR) -> Score:
    score = Score()
    for path in corpus_documents(corpus):
        score_document(path, workdir, score)
    return score
