"""Extractor quality over the hand-labelled corpus: precision and recall for targets and unit assignments,
overall and per layout, and the extraction time per document (conversion of .docx/PDF excluded)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from kechuang.bench import report
from kechuang.plans.extract import extract_text
from kechuang.plans.extract.evaluate import CORPUS_DIR, score_corpus


def run(db_label: str) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        score = score_corpus(Path(workdir))
    dataset = f"{score.documents} plan documents, {len(score.layouts)} layouts"
    report("extract_target_precision", round(score.target_precision, 4), "ratio", dataset)
    report("extract_target_recall", round(score.target_recall, 4), "ratio", dataset)
    report("extract_unit_precision", round(score.unit_precision, 4), "ratio", dataset)
    report("extract_unit_recall", round(score.unit_recall, 4), "ratio", dataset)
    report("extract_task_numbers_found", round(score.task_exact / max(score.task_expected, 1), 4), "ratio", dataset)
    report("extract_seconds_per_document", round(score.seconds / max(score.documents, 1), 4), "s", dataset)
    for layout, part in sorted(score.layouts.items()):
        name = layout.replace("-", "_")
        label = f"{part.documents} documents, layout {layout}"
        report(f"extract_{name}_target_precision", round(part.target_precision, 4), "ratio", label)
        report(f"extract_{name}_target_recall", round(part.target_recall, 4), "ratio", label)
        report(f"extract_{name}_unit_precision", round(part.unit_precision, 4), "ratio", label)
        report(f"extract_{name}_unit_recall", round(part.unit_recall, 4), "ratio", label)
        report(f"extract_{name}_seconds_per_document", round(part.seconds / max(part.documents, 1), 4), "s", label)
    _long_document()


def _long_document() -> None:
    """A 30-page plan: the bundled plan's sections repeated to about 23,000 characters (an official page holds ~616)."""
    seed = (CORPUS_DIR / "guangshui-2022.txt").read_text(encoding="utf-8")
    head, _, body = seed.partition("一、指导思想")
    text = head + "".join(("一、指导思想" + body) for _ in range(max(1, 24000 // len(seed) + 1)))
    started = time.perf_counter()
    extract_text(text)
    elapsed = time.perf_counter() - started
    report("extract_seconds_30_page_plan", round(elapsed, 3), "s",
           f"{len(text)} characters, over 30 official-document pages")
