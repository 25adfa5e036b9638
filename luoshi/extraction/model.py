"""Result types of the extraction engine.

They are plain frozen dataclasses so the Django app, the CLI and the tests can share them
without importing anything heavier than the standard library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]

AGENDA_KINDS = ("study", "report", "plan", "agreement", "regulation", "other")


class ExtractionInputError(ValueError):
    """The input cannot be read or is not a readout (empty, binary, too large, unknown language)."""


class OCRUnavailable(ExtractionInputError):
    """A scan or an image, which only OCR reads, and the optional OCR engine is not installed."""


@dataclass(frozen=True)
class Chair:
    name: str
    title: str
    span: Span | None = None
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title}


@dataclass(frozen=True)
class AgendaItem:
    kind: str
    title: str
    span: Span
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "span": list(self.span), "why": self.why}


@dataclass(frozen=True)
class Directive:
    text: str
    span: Span
    priority_areas: tuple[str, ...] = ()
    suggested_units: tuple[str, ...] = ()
    why: str = ""
    # Who and by when, as the text writes it (names exactly as written, spans into the
    # readout), with the directory codes the names match (None where none matches or two
    # match equally).
    lead: tuple[str, ...] = ()
    lead_spans: tuple[Span, ...] = ()
    lead_codes: tuple[str | None, ...] = ()
    cooperating: tuple[str, ...] = ()
    cooperating_spans: tuple[Span, ...] = ()
    cooperating_codes: tuple[str | None, ...] = ()
    deadline: dt.date | None = None
    deadline_text: str | None = None
    deadline_span: Span | None = None
    # Index into Extraction.agenda_items of the item this requirement was set under.
    agenda_item: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": list(self.span),
            "priority_areas": list(self.priority_areas),
            "suggested_units": list(self.suggested_units),
            "lead": list(self.lead),
            "lead_codes": list(self.lead_codes),
            "lead_spans": [list(s) for s in self.lead_spans],
            "cooperating": list(self.cooperating),
            "cooperating_codes": list(self.cooperating_codes),
            "cooperating_spans": [list(s) for s in self.cooperating_spans],
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_text": self.deadline_text,
            "deadline_span": list(self.deadline_span) if self.deadline_span else None,
            "agenda_item": self.agenda_item,
            "why": self.why,
        }


@dataclass(frozen=True)
class Extraction:
    lang: str | None
    published: dt.date | None = None
    date: dt.date | None = None
    chair: Chair | None = None
    meeting_type: str | None = None
    agenda_items: tuple[AgendaItem, ...] = ()
    directives: tuple[Directive, ...] = ()
    priority_areas: tuple[str, ...] = ()
    # Extras, outside the gold schema: the codes behind the area names, the date's source.
    priority_area_codes: tuple[str, ...] = ()
    date_why: str = ""
    meeting_type_span: Span | None = None
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "published": self.published.isoformat() if self.published else None,
            "date": self.date.isoformat() if self.date else None,
            "lang": self.lang,
            "chair": self.chair.to_dict() if self.chair else None,
            "meeting_type": self.meeting_type,
            "agenda_items": [a.to_dict() for a in self.agenda_items],
            "directives": [d.to_dict() for d in self.directives],
            "priority_areas": list(self.priority_areas),
            "extras": {
                "priority_area_codes": list(self.priority_area_codes),
                "date_why": self.date_why,
                "chair_why": self.chair.why if self.chair else "",
                "chair_span": list(self.chair.span) if self.chair and self.chair.span else None,
                "meeting_type_span": list(self.meeting_type_span)
                if self.meeting_type_span
                else None,
                "warnings": list(self.warnings),
            },
        }
