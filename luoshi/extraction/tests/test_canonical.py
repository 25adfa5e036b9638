"""End to end on the canonical Liaoning readout."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.extraction import extract
from luoshi.extraction.evaluate import overlap_f1


def test_it_finds_the_date_chair_and_meeting_type(canonical_text: str, canonical_gold: dict[str, Any]) -> None:
    """The date resolves against the marker and the chair keeps his full title."""
    got = extract(canonical_text)
    assert got.published == dt.date(2022, 10, 8)
    assert got.date == dt.date(2022, 10, 7)
    assert got.lang == "en"
    assert got.chair is not None
    assert got.chair.name == "Li Lecheng"
    assert got.chair.title == canonical_gold["chair"]["title"]
    assert got.meeting_type == canonical_gold["meeting_type"]


def test_it_finds_the_five_agenda_items_with_kinds(canonical_text: str, canonical_gold: dict[str, Any]) -> None:
    """Study, plan, two agreements and other matters, in order and with their exact titles."""
    got = extract(canonical_text)
    assert [(a.kind, a.title) for a in got.agenda_items] == [
        (a["kind"], a["title"]) for a in canonical_gold["agenda_items"]
    ]


def test_it_finds_the_seven_directives_strictly(canonical_text: str, canonical_gold: dict[str, Any]) -> None:
    """Each directive matches its gold clause at overlap 0.8 or better, in order."""
    got = extract(canonical_text)
    assert len(got.directives) == 7
    for directive, gold in zip(got.directives, canonical_gold["directives"], strict=True):
        assert overlap_f1(directive.text, gold, "en") >= 0.8, directive.text


def test_it_keeps_every_span_exact(canonical_text: str) -> None:
    """Every directive and agenda title is exactly the input between its span offsets."""
    got = extract(canonical_text)
    for item in [*got.directives, *got.agenda_items]:
        text = item.text if hasattr(item, "text") else item.title
        start, end = item.span
        assert canonical_text[start:end] == text


def test_it_leaves_out_observations_and_importance(canonical_text: str) -> None:
    """'The overall social situation is generally stable' and 'it is very important' are not directives."""
    texts = " ".join(d.text for d in extract(canonical_text).directives)
    assert "generally stable" not in texts
    assert "very important" not in texts


def test_it_suggests_units_and_areas(canonical_text: str) -> None:
    """Safe production suggests emergency management; letters and visits suggest the letters bureau."""
    got = extract(canonical_text)
    safe_production = next(d for d in got.directives if "safe production" in d.text)
    assert "EMERG" in safe_production.suggested_units
    assert any("LETTERS" in d.suggested_units for d in got.directives)
    assert any("HOUSING" in d.suggested_units for d in got.directives)
    assert "epidemic prevention" in got.priority_areas
    assert "safe production" in got.priority_areas


def test_it_serialises_to_the_gold_schema(canonical_text: str, canonical_gold: dict[str, Any]) -> None:
    """to_dict() carries every gold key, with dates as ISO strings and spans as lists."""
    data = extract(canonical_text).to_dict()
    for key in ("published", "date", "lang", "chair", "meeting_type", "agenda_items", "directives", "priority_areas"):
        assert key in data
    assert data["date"] == canonical_gold["date"]
    assert set(data["directives"][0]) >= {"text", "span", "priority_areas", "suggested_units"}
    assert set(data["agenda_items"][0]) >= {"kind", "title", "span"}
