"""Extractor quality over the hand-labelled corpus: precision and recall for targets and unit assignments."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from kechuang.bench import report


def run(db_label: str) -> None:
    from kechuang.plans.extract.evaluate import score_corpus

    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        score = score_corpus(Path(workdir))
        elapsed = time.perf_counter() - started
    dataset = f"{score.documents} plan texts"
    report("extract_target_precision", round(score.target_precision, 4), "ratio", dataset)
    report("extract_target_recall", round(score.target_recall, 4), "ratio", dataset)
    report("extract_unit_precision", round(score.unit_precision, 4), "ratio", dataset)
    report("extract_unit_recall", round(score.unit_recall, 4), "ratio", dataset)
    report("extract_task_numbers_found", round(score.task_exact / max(score.task_expected, 1), 4), "ratio", dataset)
    report("extract_seconds_per_document", round(elapsed / max(score.documents, 1), 3), "s", dataset)
