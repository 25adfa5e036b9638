"""Precision and recall of the checks against the labelled sets in luoshi/checks/data/
(pure Python; `python bench/checks_eval.py` prints them, docs/checks.md records them)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from luoshi.checks import similarity, supervisable

DATA = Path(__file__).with_name("data")
PAIRS = DATA / "directive_pairs.jsonl"
DIRECTIVES = DATA / "supervisability.jsonl"


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int
    total: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    def __str__(self) -> str:
        return (f"precision {self.precision:.2f}, recall {self.recall:.2f} "
                f"(tp {self.true_positives}, fp {self.false_positives}, fn {self.false_negatives}, n {self.total})")


def score(predicted_and_wanted: Iterable[tuple[bool, bool]]) -> Score:
    tp = fp = fn = n = 0
    for predicted, wanted in predicted_and_wanted:
        n += 1
        tp += predicted and wanted
        fp += predicted and not wanted
        fn += wanted and not predicted
    return Score(tp, fp, fn, n)


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def pair_scores(threshold: float = similarity.THRESHOLD, lang: str | None = None) -> Score:
    """The repeated-directive decision on the labelled pairs: "same demand" at `threshold`."""
    pairs = [p for p in read(PAIRS) if lang is None or p["lang"] == lang]
    return score((similarity.similarity(p["earlier"]["text"], p["later"]["text"]) >= threshold, p["same"])
                 for p in pairs)


def gap_scores(gap: str, lang: str | None = None) -> Score:
    """The supervisability flag `gap` ("lead", "deadline", "result") on the labelled
    directives: a flag is right when the label says the directive lacks it."""
    rows = [r for r in read(DIRECTIVES) if lang is None or r["lang"] == lang]
    return score((gap in supervisable.check(r["text"], r["lang"]).gaps, not r[gap]) for r in rows)
