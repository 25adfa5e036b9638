"""Scoring against annotated readouts (`*.gold.json` with the `.txt` beside it).

Directives match one-to-one, greedily by best token-overlap F1 (words for English,
characters for Chinese), at 0.5 and at the strict 0.8. Agenda items match when their
titles overlap at 0.6 and their kinds agree; kind accuracy is reported over title matches.
Date and chair name are exact.

A gold directive is a string or an object `{"text", "lead", "cooperating", "deadline",
"deadline_text"}`. Where gold names lead units (or cooperating units, or an ISO deadline),
the directive counts towards lead-unit (cooperating, deadline) accuracy: right when a
predicted directive matched to it (overlap >= 0.5) carries the same set of unit names (the
same date). Two figures are kept for each: end to end, where a missed directive (or a
prediction without `lead`/`deadline`) counts as wrong, and over the gold directives the
engine found, which measures the unit and deadline rules apart from directive recall.
Over found directives whose gold names no lead (no deadline), a predicted one is counted
as an extra.

Corpus folders (`corpus/<source>/<id>.gold.json`) are read recursively; scores are kept per
file with its source and genre, so reports can be cut per source and per genre, and
`leave_one_source_out` scores each source with an extractor fitted on the other sources.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus import Example, load_examples, sources_of_split
from .directory import Directory
from .engine import extract
from .model import Extraction
from .readers import read_document

Extractor = Callable[[str, dt.date | None], Extraction]

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
class Tally:
    """Right out of total, for the accuracies that only count where gold states something."""

    right: int = 0
    total: int = 0

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.total += other.total

    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None

    def line(self) -> str:
        acc = self.accuracy
        return f"{acc:.3f} ({self.right}/{self.total})" if acc is not None else "- (0 stated)"


@dataclass
class UnitScores:
    """Lead, cooperating and deadline figures beside the end-to-end tallies: over the gold
    directives that state them *and* were found (`*_found`), and the extras: found
    directives whose gold states no lead / cooperating unit / deadline but the prediction
    gives one (`right` = those left empty, `total` = those found)."""

    lead_found: Tally = field(default_factory=Tally)
    cooperating_found: Tally = field(default_factory=Tally)
    deadline_found: Tally = field(default_factory=Tally)
    lead_extra: Tally = field(default_factory=Tally)
    cooperating_extra: Tally = field(default_factory=Tally)
    deadline_extra: Tally = field(default_factory=Tally)

    def add(self, other: UnitScores) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).add(getattr(other, name))


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
    source: str = ""
    genre: str = ""
    lead: Tally = field(default_factory=Tally)
    cooperating: Tally = field(default_factory=Tally)
    deadline: Tally = field(default_factory=Tally)
    units: UnitScores = field(default_factory=lambda: UnitScores())


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
    lead: Tally = field(default_factory=Tally)
    cooperating: Tally = field(default_factory=Tally)
    deadline: Tally = field(default_factory=Tally)
    units: UnitScores = field(default_factory=lambda: UnitScores())

    @classmethod
    def of(cls, files: list[FileScore]) -> Report:
        """Micro-averaged totals over `files`."""
        total = cls(list(files), Counts(), Counts(), Counts(), 0, 0, 0, 0)
        for f in files:
            total.directives_loose.add(f.directives_loose)
            total.directives_strict.add(f.directives_strict)
            total.agenda.add(f.agenda)
            total.kind_right += f.kind_right
            total.kind_total += f.kind_total
            total.date_right += f.date_ok
            total.chair_right += f.chair_ok
            total.lead.add(f.lead)
            total.cooperating.add(f.cooperating)
            total.deadline.add(f.deadline)
            total.units.add(f.units)
        return total

    def cut(self, key: Callable[[FileScore], str]) -> dict[str, Report]:
        """One report per value of `key` (e.g. per source, per genre), keys sorted."""
        groups: dict[str, list[FileScore]] = {}
        for f in self.files:
            groups.setdefault(key(f), []).append(f)
        return {k: Report.of(groups[k]) for k in sorted(groups)}

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
            f"lead-unit accuracy (directives whose gold names a lead): {self.lead.line()}",
            f"cooperating-unit accuracy (gold names them): {self.cooperating.line()}",
            f"deadline accuracy (gold gives a date): {self.deadline.line()}",
            f"  of those the engine found: lead {self.units.lead_found.line()}, "
            f"cooperating {self.units.cooperating_found.line()}, deadline {self.units.deadline_found.line()}",
            f"  found directives whose gold states none, left empty: lead {self.units.lead_extra.line()}, "
            f"cooperating {self.units.cooperating_extra.line()}, deadline {self.units.deadline_extra.line()}",
        ]
        return "\n".join(out)

    def row(self, label: str) -> str:
        """One line of a per-source / per-genre table."""

        def acc(t: Tally) -> str:
            return f"{t.accuracy:.2f}" if t.accuracy is not None else "  - "

        n = len(self.files)
        return (
            f"{label[:34]:<34} {n:>3} {self.directives_loose.f1:6.3f} {self.directives_strict.f1:6.3f} "
            f"{self.agenda.f1:6.3f} {self.date_right:>3}/{n:<3} {self.chair_right:>3}/{n:<3} "
            f"{acc(self.lead):>5} {acc(self.cooperating):>5} {acc(self.deadline):>5} "
            f"{frac(self.units.lead_found):>7} {frac(self.units.cooperating_found):>7} "
            f"{frac(self.units.deadline_found):>7}"
        )


def frac(t: Tally) -> str:
    return f"{t.right}/{t.total}" if t.total else "-"


TABLE_HEAD = (
    f"{'':<34} {'n':>3} {'dir.5':>6} {'dir.8':>6} {'agenda':>6} {'date':>7} {'chair':>7} "
    f"{'lead':>5} {'coop':>5} {'dline':>5} {'lead|f':>7} {'coop|f':>7} {'dline|f':>7}"
)
TABLE_NOTE = (
    "lead, coop, dline: accuracy over the gold directives that name a lead unit, cooperating "
    "units, a deadline date (a missed directive is wrong); lead|f, coop|f, dline|f: right/total "
    "over those the engine found (overlap >= 0.5)"
)


def _gold_text(item: Any, key: str) -> str:
    return str(item.get(key, "")) if isinstance(item, dict) else str(item)


def _names(values: Any) -> frozenset[str] | None:
    """A set of unit names with surrounding spaces dropped; None when not a list."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        return None
    return frozenset(str(v).strip() for v in values if str(v).strip())


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def score_units_and_deadlines(
    got: Extraction, gold_directives: list[Any], pairs: list[tuple[int, int, float]]
) -> tuple[Tally, Tally, Tally, list[str], UnitScores]:
    """Lead, cooperating and deadline accuracy over the gold directives that state them,
    and the same over the found ones with the extras (see `UnitScores`)."""
    matched = {j: i for i, j, _ in pairs}
    lead, coop, deadline = Tally(), Tally(), Tally()
    units = UnitScores()
    found = {"lead": units.lead_found, "cooperating": units.cooperating_found}
    extra = {"lead": units.lead_extra, "cooperating": units.cooperating_extra}
    errors: list[str] = []
    for j, g in enumerate(gold_directives):
        pred = got.directives[matched[j]] if j in matched else None
        gold = g if isinstance(g, dict) else {}
        short = _gold_text(g, "text")[:40]
        for key, tally in (("lead", lead), ("cooperating", coop)):
            want = _names(gold.get(key))
            have = _names(getattr(pred, key, None)) if pred is not None else None
            if not want:
                if pred is not None:
                    extra[key].total += 1
                    extra[key].right += not have
                    if have:
                        errors.append(f"extra {key}: got {sorted(have)}, gold none ({short})")
                continue
            tally.total += 1
            found[key].total += pred is not None
            if have == want:
                tally.right += 1
                found[key].right += 1
            else:
                shown = "no directive" if pred is None else sorted(have) if have is not None else "none"
                errors.append(f"{key}: got {shown}, gold {sorted(want)} ({short})")
        want_date = gold.get("deadline")
        have_date = _iso(getattr(pred, "deadline", None)) if pred is not None else None
        if not want_date:
            if pred is not None:
                units.deadline_extra.total += 1
                units.deadline_extra.right += not have_date
                if have_date:
                    errors.append(f"extra deadline: got {have_date}, gold none ({short})")
            continue
        deadline.total += 1
        units.deadline_found.total += pred is not None
        if have_date == want_date:
            deadline.right += 1
            units.deadline_found.right += 1
        else:
            shown_date = "no directive" if pred is None else have_date
            errors.append(f"deadline: got {shown_date}, gold {want_date} ({short})")
    return lead, coop, deadline, errors, units


def score_file(
    name: str, got: Extraction, gold: dict[str, Any], source: str = "", genre: str = ""
) -> FileScore:
    lang = gold.get("lang") or got.lang
    errors: list[str] = []
    pred_d = [d.text for d in got.directives]
    gold_directives = list(gold.get("directives", []))
    gold_d = [_gold_text(d, "text") for d in gold_directives]
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
    lead, coop, deadline, unit_errors, units = score_units_and_deadlines(got, gold_directives, loose)
    errors += unit_errors
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
        source=source or str(gold.get("source") or ""),
        genre=genre or str(gold.get("genre") or ""),
        lead=lead,
        cooperating=coop,
        deadline=deadline,
        units=units,
    )


def rule_extractor(directory: Directory | None = None, rules_only: bool = False) -> Extractor:
    """The engine as shipped (rules + the learned directive classifier), or the rules alone."""
    if rules_only:
        return lambda text, published: extract(text, published, directory, model=None)
    return lambda text, published: extract(text, published, directory)


def example_text(example: Example) -> tuple[str, dt.date | None]:
    """The readout text and the publication date to give the extractor.

    The text carries its own `date YYYY-MM-DD` marker when it has one; the gold's
    `published` is used only without it.
    """
    text = read_document(example.text_path)
    published = None if text.lstrip().startswith("date ") else example.published
    return text, published


def evaluate_examples(examples: list[Example], extractor: Extractor) -> Report:
    files = []
    for ex in examples:
        text, published = example_text(ex)
        files.append(score_file(ex.name, extractor(text, published), ex.gold, ex.source, ex.genre))
    return Report.of(files)


def evaluate_dir(
    folder: str | Path,
    directory: Directory | None = None,
    extractor: Extractor | None = None,
    split: str | None = None,
) -> Report:
    """Score every `*.gold.json` under `folder` (and its source folders) against the
    extraction of its `.txt`; `split` keeps only the sources of that split of splits.json."""
    sources = sources_of_split(folder, split) if split else None
    examples = load_examples(folder, sources)
    return evaluate_examples(examples, extractor or rule_extractor(directory))


Fit = Callable[[list[Example]], Extractor]


def leave_one_source_out(examples: list[Example], fit: Fit) -> dict[str, Report]:
    """Per genre: each source in turn is held out, an extractor is fitted on every other
    source (of any genre) and scores the held-out source; the genre's report pools them.

    `fit` gets the training examples and returns an extractor. A learned model is retrained
    there for every held-out source; the rule engine has nothing to train, so its `fit`
    returns the same extractor and the result equals the per-source scores.
    """
    by_source: dict[str, list[Example]] = {}
    for ex in examples:
        by_source.setdefault(ex.source, []).append(ex)
    held_out: list[FileScore] = []
    for source in sorted(by_source):
        train = [ex for ex in examples if ex.source != source]
        held_out += evaluate_examples(by_source[source], fit(train)).files
    return Report.of(held_out).cut(lambda f: f.genre)


def by_source_summary(report: Report, loso: dict[str, Report] | None = None, note: str = "") -> str:
    """Per-source and per-genre tables, the leave-one-source-out table, then the totals."""
    out = ["per source", TABLE_HEAD]
    out += [r.row(k) for k, r in report.cut(lambda f: f.source).items()]
    out += ["", "per genre", TABLE_HEAD]
    out += [r.row(k) for k, r in report.cut(lambda f: f.genre).items()]
    if loso is not None:
        out += ["", "leave-one-source-out, per genre" + (f" ({note})" if note else ""), TABLE_HEAD]
        out += [r.row(k) for k, r in loso.items()]
    out += ["", f"overall ({len({f.source for f in report.files})} sources)", TABLE_HEAD]
    out += [report.row("all"), "", TABLE_NOTE, ""]
    totals = report.summary().split("--- ", 1)[1]
    return "\n".join(out) + "--- " + totals
