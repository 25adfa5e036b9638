"""From a readout to a review: the extraction engine reads, a person reviews, and
meetings.services.confirm_review records.

The engine (luoshi.extraction) knows nothing of Django; this module feeds it the units and
priority areas of the database and turns its result into the initial data of the review
form. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from luoshi import lib
from luoshi.extraction import Directory, Extraction
from luoshi.extraction.deadlines import find_deadline
from luoshi.extraction.model import Directive as ExtractedDirective
from luoshi.extraction.responsibility import find_responsibility
from luoshi.extraction.text import detect_language
from luoshi.meetings.models import Meeting, PriorityArea
from luoshi.units.models import Unit

# Most specific first: a Party Group enlarged meeting is an enlarged meeting.
_KIND_CUES: Sequence[tuple[str, tuple[str, ...]]] = (
    (Meeting.Kind.ENLARGED, ("扩大", "enlarged")),
    (Meeting.Kind.SPECIAL_TOPIC, ("专题", "special")),
    (Meeting.Kind.EXECUTIVE, ("常务会议", "executive")),
    (Meeting.Kind.PARTY_GROUP, ("党组", "party group")),
)
_NUMBER = re.compile(r"第\s*(\d+)\s*次|\bNo\.?\s*(\d+)|\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


def directory_from_db() -> Directory:
    """The extraction directory of this deployment: its province, units and priority areas."""
    units = list(Unit.objects.order_by("path").values(
        "code", "name_zh", "name_en", "kind", "parent__code", "parent__kind", "keywords_zh", "keywords_en",
    ))
    root = next((u for u in units if u["kind"] == Unit.Kind.PROVINCE), None)
    province = {"code": root["code"], "name_zh": root["name_zh"], "name_en": root["name_en"]} if root else {}
    data: dict[str, Any] = {
        "province": province,
        "units": [
            {
                "code": u["code"], "name_zh": u["name_zh"], "name_en": u["name_en"], "kind": u["kind"],
                # Units right below the province are top-level in the directory's schema.
                "parent": None if u["parent__kind"] in (None, Unit.Kind.PROVINCE) else u["parent__code"],
                "keywords_zh": list(u["keywords_zh"] or []), "keywords_en": list(u["keywords_en"] or []),
            }
            for u in units if u["kind"] != Unit.Kind.PROVINCE
        ],
        "priority_areas": [
            {"code": a.code, "name_zh": a.name_zh, "name_en": a.name_en,
             "keywords_zh": list(a.keywords_zh or []), "keywords_en": list(a.keywords_en or [])}
            for a in PriorityArea.objects.all()
        ],
    }
    return Directory.from_data(data)


def guess_kind(meeting_type: str | None) -> str:
    text = (meeting_type or "").lower()
    for kind, cues in _KIND_CUES:
        if any(cue in text for cue in cues):
            return kind
    return Meeting.Kind.OTHER


def guess_number(meeting_type: str | None) -> int | None:
    match = _NUMBER.search(meeting_type or "")
    if not match:
        return None
    return int(next(g for g in match.groups() if g))


def suggested_units(text: str, directory: Directory, lang: str | None = None) -> list[str]:
    """Unit codes whose keywords occur in `text`, best first (for a directive typed by hand)."""
    return [m.code for m in directory.match_units(text, lang or detect_language(text))]


@dataclass
class TaskSuggestion:
    """What a recorded directive's text says about its task: units (codes) and deadline."""

    suggested: list[str]  # lead first: the named lead units, then keyword suggestions
    cooperating: list[str]
    deadline: dt.date | None


def task_suggestion(text: str, directory: Directory, lang: str | None, meeting_date: dt.date | None) -> TaskSuggestion:
    """The named lead and cooperating units of a directive (else keyword suggestions) and the
    time limit it states, counted from the meeting date; a past deadline is not suggested."""
    lang = lang or detect_language(text)
    who = find_responsibility(text, lang)
    lead = [c for c in (directory.match_name(u.name, lang) for u in who.lead) if c]
    cooperating = [c for c in (directory.match_name(u.name, lang) for u in who.cooperating) if c and c not in lead]
    by_keyword = suggested_units(text, directory, lang)
    found = find_deadline(text, lang, meeting_date)
    deadline = found.date if found and found.date and found.date >= lib.today() else None
    return TaskSuggestion(list(dict.fromkeys(lead + by_keyword)), cooperating, deadline)


def _highlights(directive: ExtractedDirective) -> str:
    """Where the lead, cooperating units and time limit are written, relative to the
    directive's own text ("lead:0:4,cooperating:6:12,deadline:20:27"), for <mark>."""
    start = directive.span[0]
    parts = [(kind, a - start, b - start) for kind, spans in (
        ("lead", directive.lead_spans), ("cooperating", directive.cooperating_spans),
        ("deadline", (directive.deadline_span,) if directive.deadline_span else ()),
    ) for a, b in spans]
    return ",".join(f"{kind}:{a}:{b}" for kind, a, b in parts if 0 <= a < b <= len(directive.text))


def parse_highlights(value: str, text: str) -> list[tuple[str, int, int]]:
    """The highlights of a review row that still fit its text (a bad or stale value gives none)."""
    out: list[tuple[str, int, int]] = []
    for part in (value or "").split(","):
        kind, _sep, rest = part.partition(":")
        start, _sep, end = rest.partition(":")
        if kind in HIGHLIGHT_KINDS and start.isdigit() and end.isdigit() and int(start) < int(end) <= len(text):
            out.append((kind, int(start), int(end)))
    out.sort(key=lambda h: h[1])
    return [h for i, h in enumerate(out) if i == 0 or h[1] >= out[i - 1][2]]  # no overlaps


HIGHLIGHT_KINDS = ("lead", "cooperating", "deadline")


def review_from_extraction(extraction: Extraction) -> dict[str, Any]:
    """The initial data of the review form as its forms take it: meeting fields, agenda
    rows, directive rows (units and areas by primary key).

    The lead and cooperating units are those the text names (牵头, 会同, 配合 …) that match
    a unit of the database; where the text names none, the first unit suggested by keyword
    leads and the other suggestions cooperate. The deadline is the one the text states.
    """
    codes = {code for d in extraction.directives for code in (*d.suggested_units, *d.lead_codes,
                                                                 *d.cooperating_codes) if code}
    units = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    names = {name for d in extraction.directives for name in d.priority_areas}
    areas: dict[str, int] = {}
    for pk, name_zh, name_en in PriorityArea.objects.filter(
        Q(name_zh__in=names) | Q(name_en__in=names)
    ).values_list("pk", "name_zh", "name_en"):
        areas[name_zh] = areas[name_en] = pk
    title = (extraction.meeting_type or "").strip()
    if title and extraction.lang == "en":
        title = title[0].upper() + title[1:]
    directives = []
    for d in extraction.directives:
        named_lead = [units[c] for c in d.lead_codes if c in units]
        named_cooperating = [units[c] for c in d.cooperating_codes if c in units and units[c] not in named_lead]
        known = [units[c] for c in d.suggested_units if c in units]
        if named_lead or named_cooperating or d.lead or d.cooperating:
            # The text says who: its units only (a named but unknown unit is left to the reviewer).
            lead_unit, cooperating = (named_lead[0] if named_lead else None), named_lead[1:] + named_cooperating
        else:
            lead_unit, cooperating = (known[0] if known else None), known[1:]
        directives.append({
            "text": d.text, "span_start": d.span[0], "span_end": d.span[1],
            "priority_areas": sorted({areas[n] for n in d.priority_areas if n in areas}),
            "lead_unit": lead_unit,
            "cooperating_units": cooperating,
            # A readout of a past meeting may state limits already gone: the words stay
            # highlighted, the date is left for the reviewer.
            "deadline": d.deadline if d.deadline and d.deadline >= lib.today() else None,
            "agenda_number": d.agenda_item + 1 if d.agenda_item is not None else None,
            "highlights": _highlights(d),
            # The hidden field's value: unit codes, the lead unit's choices put these first.
            "suggested": ",".join(dict.fromkeys(
                [c for c in d.lead_codes if c in units] + [c for c in d.suggested_units if c in units])),
        })
    return {
        "meeting": {
            "kind": guess_kind(extraction.meeting_type),
            "title": title,
            "number": guess_number(extraction.meeting_type),
            "date": extraction.date,
            "chair_name": extraction.chair.name if extraction.chair else "",
            "chair_title": extraction.chair.title if extraction.chair else "",
        },
        "agenda": [
            {"kind": a.kind, "title": a.title, "span_start": a.span[0], "span_end": a.span[1]}
            for a in extraction.agenda_items
        ],
        "directives": directives,
    }
