"""Scoring against annotated readouts (`*.gold.json` with the `.txt` beside it).

Directives match one-to-one, greedily by best token-overlap F1 (words for English,
characters for Chinese), at 0.5 and at the strict 0.8. Agenda items match when their
titles overlap at 0.6 and their kinds agree; kind accuracy is reported over title matches.
Date and chair name are exact.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .directory import Directory
from .engine import extract
from .model import Extraction
from .readers import read_document

DIRECTIVE_LOOSE = 0.5
DIRECTIVE_STRICT = 0.8
AGENDA_TITLE = 0.6


def tokens(text: str, lang: str | None) -> list[str]:
    """Words for English, characters for Chinese; punctuation never counts."""
    if lang == "zh":
        return [
            c for c in text if not c.isspace() and not unicodedata.category(c).startswith(("P", "S"))
        ]
    return re.findall(r"\w+", text.lower())


def overlap_f1(a: str, b: str, lang: str | None) -> float:
    ta, tb = Counter(tokens(a, lang)), Counter(tokens(b, lang))
    common = sum((ta & tb).values())
    if common == 0:
        return 0.0
    p = common / sum(ta.values())
    r = common / sum(tb.values())
    return 2 * p * r / (p + r)


def greedy_match(
    pred: list[str], gold: list[str], lang: str | None, threshold: float
) -> list[tuple[int, int, float]]:
    """One-to-one pairs (pred index, gold index, score), best overlaps first."""
    scored = sorted(
        (
            (overlap_f1(p, g, lang), i, j)
            for i, p in enumerate(pred)
            for j, g in enumerate(gold)
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j, score))
    return pairs


@dataclass
class Counts:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.pred else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return f"P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} ({self.tp}/{self.pred} pred, {self.gold} gold)"


@dataclass
class FileScore:
    name: str
    directives_loose: Counts
    directives_strict: Counts
    agenda: Counts
    kind_right: int
    kind_total: int
    date_ok: bool
    chair_ok: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    files: list[FileScore]
    directives_loose: Counts
    directives_strict: Counts
    agenda: Counts
    kind_right: int
    kind_total: int
    date_right: int
    chair_right: int

    @property
    def kind_accuracy(self) -> float:
        return self.kind_right / self.kind_total if self.kind_total else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.date_right / len(self.files) if self.files else 1.0

    @property
    def chair_accuracy(self) -> float:
        return self.chair_right / len(self.files) if self.files else 1.0

    def summary(self) -> str:
        out = []
        for f in self.files:
            out.append(
                f"{f.name}: directives@0.5 F1 {f.directives_loose.f1:.3f}, "
                f"@0.8 F1 {f.directives_strict.f1:.3f}, agenda F1 {f.agenda.f1:.3f}, "
                f"kinds {f.kind_right}/{f.kind_total}, date {'ok' if f.date_ok else 'WRONG'}, "
                f"chair {'ok' if f.chair_ok else 'WRONG'}"
            )
            out.extend(f"    {e}" for e in f.errors)
        n = len(self.files)
        out += [
            f"--- micro-averaged over {n} readouts",
            f"directives (overlap >= {DIRECTIVE_LOOSE}): {self.directives_loose.line()}",
            f"directives (overlap >= {DIRECTIVE_STRICT}): {self.directives_strict.line()}",
            f"agenda items (title >= {AGENDA_TITLE} and kind): {self.agenda.line()}",
            f"agenda kind accuracy over title matches: {self.kind_accuracy:.3f} ({self.kind_right}/{self.kind_total})",
            f"date accuracy: {self.date_accuracy:.3f} ({self.date_right}/{n})",
            f"chair-name accuracy: {self.chair_accuracy:.3f} ({self.chair_right}/{n})",
        ]
        return "\n".join(out)


def _gold_text(item: Any, key: str) -> str:
    return str(item.get(key, "")) if isinstance(item, dict) else str(item)


def score_file(name: str, got: Extraction, gold: dict[str, Any]) -> FileScore:
    lang = gold.get("lang") or got.lang
    errors: list[str] = []
    pred_d = [d.text for d in got.directives]
    gold_d = [_gold_text(d, "text") for d in gold.get("directives", [])]
    loose = greedy_match(pred_d, gold_d, lang, DIRECTIVE_LOOSE)
    strict = greedy_match(pred_d, gold_d, lang, DIRECTIVE_STRICT)
    matched_p = {i for i, _, _ in strict}
    matched_g = {j for _, j, _ in strict}
    errors += [f"extra directive: {p[:70]}" for i, p in enumerate(pred_d) if i not in matched_p]
    errors += [f"missed directive: {g[:70]}" for j, g in enumerate(gold_d) if j not in matched_g]

    pred_a = list(got.agenda_items)
    gold_a = [a for a in gold.get("agenda_items", []) if isinstance(a, dict)]
    titled = greedy_match(
        [a.title for a in pred_a], [_gold_text(a, "title") for a in gold_a], lang, AGENDA_TITLE
    )
    kind_right = sum(1 for i, j, _ in titled if pred_a[i].kind == gold_a[j].get("kind"))
    tp_agenda = kind_right
    hit_p = {i for i, _, _ in titled}
    hit_g = {j for _, j, _ in titled}
    errors += [f"extra agenda item: {a.kind} {a.title[:60]}" for i, a in enumerate(pred_a) if i not in hit_p]
    errors += [f"missed agenda item: {a.get('kind')} {str(a.get('title'))[:60]}" for j, a in enumerate(gold_a) if j not in hit_g]
    errors += [
        f"agenda kind: {pred_a[i].kind} for {gold_a[j].get('kind')} ({pred_a[i].title[:40]})"
        for i, j, _ in titled
        if pred_a[i].kind != gold_a[j].get("kind")
    ]
    got_date = got.date.isoformat() if got.date else None
    date_ok = got_date == gold.get("date")
    if not date_ok:
        errors.append(f"date: got {got_date}, gold {gold.get('date')} ({got.date_why})")
    gold_chair = gold.get("chair") or None
    got_name = got.chair.name if got.chair else None
    gold_name = gold_chair.get("name") if isinstance(gold_chair, dict) else None
    chair_ok = got_name == gold_name
    if not chair_ok:
        errors.append(f"chair: got {got_name!r}, gold {gold_name!r}")
    return FileScore(
        name=name,
        directives_loose=Counts(len(loose), len(pred_d), len(gold_d)),
        directives_strict=Counts(len(strict), len(pred_d), len(gold_d)),
        agenda=Counts(tp_agenda, len(pred_a), len(gold_a)),
        kind_right=kind_right,
        kind_total=len(titled),
        date_ok=date_ok,
        chair_ok=chair_ok,
        errors=errors,
    )


def evaluate_dir(
    folder: str | Path,
    directory: Directory | None = None,
    extractor: Callable[[str, dt.date | None], Extraction] | None = None,
) -> Report:
    """Score every `*.gold.json` in `folder` against the extraction of its `.txt`."""
    folder = Path(folder)
    golds = sorted(folder.glob("*.gold.json"))
    if not golds:
        raise FileNotFoundError(f"no *.gold.json files in {folder}")
    run = extractor or (lambda text, published: extract(text, published, directory))
    files: list[FileScore] = []
    for gold_path in golds:
        stem = gold_path.name[: -len(".gold.json")]
        text_path = gold_path.with_name(stem + ".txt")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if not text_path.exists():
            continue
        published = None
        # The text carries its own marker; the gold's `published` is used only without one.
        text = read_document(text_path)
        if gold.get("published") and not text.lstrip().startswith("date "):
            published = dt.date.fromisoformat(gold["published"])
        files.append(score_file(stem, run(text, published), gold))
    total = Report(files, Counts(), Counts(), Counts(), 0, 0, 0, 0)
    for f in files:
        total.directives_loose.add(f.directives_loose)
        total.directives_strict.add(f.directives_strict)
        total.agenda.add(f.agenda)
        total.kind_right += f.kind_right
        total.kind_total += f.kind_total
        total.date_right += f.date_ok
        total.chair_right += f.chair_ok
    return total
