"""The pipeline: publication marker → language → segmentation → date, chair, agenda, directives."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from .agenda import find_agenda
from .chair import (
    chair_en,
    chair_zh,
    find_chair_en,
    find_chair_zh,
    meeting_type_en,
    meeting_type_zh,
    plausible_chair,
    plausible_meeting_type,
)
from .dates import APPROXIMATE, find_date, meeting_date
from .deadlines import find_deadline
from .directives import find_directives
from .directory import Directory, default_directory
from .model import AgendaItem, Directive, Extraction, ExtractionInputError, Span
from .responsibility import UnitMention, find_responsibility
from .text import PUBLISHED_MARKER, Piece, detect_language, paragraphs, sentences

CHAIR_CUE = re.compile(
    r"主持|presided|presiding|chaired|chair\s+of|in\s+the\s+chair|hosted|convened", re.I
)
# A readout is a page or two; a million characters is certainly not one.
MAX_CHARS = 1_000_000
MAX_UNITS = 3
CHAIR_HEAD_CHARS = 2500


def extract(
    text: str, published: dt.date | None = None, directory: Directory | None = None
) -> Extraction:
    """Extract meeting facts from a readout; spans index into `text` exactly as given."""
    if not isinstance(text, str):
        raise ExtractionInputError("readout must be text (str)")
    if len(text) > MAX_CHARS:
        raise ExtractionInputError(
            f"readout too large: {len(text):,} characters (limit {MAX_CHARS:,})"
        )
    directory = directory or default_directory()
    warnings: list[str] = []
    body_start = 0
    marker = PUBLISHED_MARKER.match(text)
    if marker:
        body_start = marker.end()
        if published is None:
            try:
                published = dt.date(*(int(g) for g in marker.groups()))
            except ValueError:
                warnings.append(f"bad publication marker {marker.group(0).strip()!r}")
    lang = detect_language(text[body_start:])
    if not text[body_start:].strip():
        return Extraction(lang=None, published=published, warnings=("empty readout",))
    if lang is None:
        return Extraction(
            lang=None, published=published, warnings=("language not recognised (need en or zh)",)
        )

    paras = paragraphs(text, body_start)
    sents: list[Piece] = [s for p in paras for s in sentences(text, p, lang)]
    lead_para = paras[0] if paras else Piece(body_start, body_start, "")
    lead_sents = sentences(text, lead_para, lang)
    # The lead runs to the paragraph naming the chair (a heading may come first), at most
    # three paragraphs; a one-paragraph readout keeps its first two sentences.
    lead_end = lead_para.end
    if len(paras) == 1 and lead_sents:
        lead_end = lead_sents[min(1, len(lead_sents) - 1)].end
    else:
        for para in paras[:3]:
            lead_end = para.end
            if CHAIR_CUE.search(para.text):
                break
        else:
            lead_end = lead_para.end
    lead = (lead_para.start, lead_end)

    date, date_why, _, page_published = meeting_date(text, body_start, lang, published)
    if date is None and date_why == "no date found":
        # Only a vague word ("近日", "recently") is left: the publication date, approximate.
        vague = find_date(text[lead[0] : lead[1]], lang, published or page_published)
        if vague[1].startswith("vague"):
            date, date_why = vague[0], vague[1]
    published = published or page_published
    finder = find_chair_zh if lang == "zh" else find_chair_en
    chair, meeting_type, type_span = finder(text, lead)
    # The chair: every cue of the page's head in turn, the name checked for a person's shape.
    head = (body_start, min(len(text), body_start + CHAIR_HEAD_CHARS))
    better = (chair_zh if lang == "zh" else chair_en)(text, head)
    if better is not None and not (chair is not None and chair.name == better.name):
        chair = better
    elif chair is not None and not plausible_chair(chair.name, lang):
        chair = None
    named = (meeting_type_zh if lang == "zh" else meeting_type_en)(text, head, chair)
    if named is not None:
        meeting_type, type_span = named
    elif meeting_type and not plausible_meeting_type(meeting_type, lang):
        meeting_type, type_span = None, None
    if chair is None:
        warnings.append("no chair found")
    if date is None:
        warnings.append(f"no meeting date ({date_why})")
    elif APPROXIMATE in date_why:
        warnings.append("approximate meeting date: " + date_why.split(" (")[0])

    agenda = find_agenda(text, sents, lang)
    skip = {s.start for s in sents if any(s.start <= a.span[0] < s.end for a in agenda)}
    # The sentence naming who presided is not a requirement; one where presiding is only
    # implied ("All policies must be delivered, Premier Li said at the meeting") may be.
    if chair and chair.span and not chair.why.startswith("implied"):
        skip |= {s.start for s in sents if s.start <= chair.span[0] < s.end}
    elif lead_sents and CHAIR_CUE.search(lead_sents[0].text):
        skip.add(lead_sents[0].start)

    directives: list[Directive] = []
    area_counts: Counter[str] = Counter()
    area_first: dict[str, int] = {}
    for found in find_directives(text, sents, lang, skip):
        piece = found.piece
        # Areas read in the order the text names them; units by strength of evidence.
        units, area_matches = directory.suggest(piece.text, lang)
        areas = sorted(area_matches, key=lambda m: m.first)
        for m in areas:
            area_counts[m.code] += len(m.keywords)
            area_first.setdefault(m.code, piece.start + m.first)
        area_names = tuple(_area_name(directory, m.code, lang) for m in areas)
        unit_why = "; ".join(f"{m.code}: {', '.join(m.keywords[:3])}" for m in units[:MAX_UNITS])
        directives.append(
            Directive(
                text=piece.text,
                span=(piece.start, piece.end),
                priority_areas=area_names,
                suggested_units=tuple(m.code for m in units[:MAX_UNITS]),
                why=found.why + (f" | units by keyword ({unit_why})" if unit_why else ""),
            )
        )
    directives = annotate(text, directives, agenda, lang, directory, date or published)
    for item in agenda:
        for m in directory.match_areas(item.title, lang):
            area_counts[m.code] += len(m.keywords)
            area_first.setdefault(m.code, item.span[0] + m.first)
    # A meeting-level area is one the directives and agenda name by at least two keywords, or once
    # when the readout is short: one stray keyword should not label the whole meeting.
    floor = 2 if len(directives) + len(agenda) >= 4 else 1
    codes = sorted((c for c in area_counts if area_counts[c] >= floor), key=lambda c: area_first[c])
    return Extraction(
        lang=lang,
        published=published,
        date=date,
        chair=chair,
        meeting_type=meeting_type,
        agenda_items=tuple(agenda),
        directives=tuple(directives),
        priority_areas=tuple(_area_name(directory, c, lang) for c in codes),
        priority_area_codes=tuple(codes),
        date_why=date_why,
        meeting_type_span=type_span,
        warnings=tuple(warnings),
    )


def annotate(
    text: str,
    directives: list[Directive],
    agenda: list[AgendaItem],
    lang: str | None,
    directory: Directory,
    since: dt.date | None,
) -> list[Directive]:
    """The directives with who and by when (lead and cooperating units as written, their
    codes, the deadline resolved from `since`, the meeting date) and their agenda item."""
    linker = _AgendaLinker(agenda, _paragraph_index(paragraphs(text)))
    out: list[Directive] = []
    for d in directives:
        start = d.span[0]
        who = find_responsibility(d.text, lang)
        deadline = find_deadline(d.text, lang, since)
        why = d.why
        if who.why:
            why += f" | lead/cooperating by {who.why}"
        if deadline is not None:
            why += f" | deadline {deadline.why}"
        out.append(replace(
            d,
            why=why,
            lead=tuple(u.name for u in who.lead),
            lead_spans=_shift(who.lead, start),
            lead_codes=tuple(directory.match_name(u.name, lang) for u in who.lead),
            cooperating=tuple(u.name for u in who.cooperating),
            cooperating_spans=_shift(who.cooperating, start),
            cooperating_codes=tuple(directory.match_name(u.name, lang) for u in who.cooperating),
            deadline=deadline.date if deadline else None,
            deadline_text=deadline.text if deadline else None,
            deadline_span=(start + deadline.span[0], start + deadline.span[1]) if deadline else None,
            agenda_item=linker.item_for(start),
        ))
    return out


def _shift(units: tuple[UnitMention, ...], offset: int) -> tuple[Span, ...]:
    return tuple((u.span[0] + offset, u.span[1] + offset) for u in units)


def _paragraph_index(paras: list[Piece]) -> Callable[[int], int]:
    starts = [p.start for p in paras]
    return lambda pos: bisect_right(starts, pos) - 1


class _AgendaLinker:
    """The agenda item a requirement was set under: the last item named before it, when it
    is in that item's paragraph or a later one. A paragraph naming several items ("会议听取了
    A汇报，审议了B") leaves the requirements of the paragraphs after it unlinked (which item
    they follow is not written), except those after the last item in its own paragraph."""

    def __init__(self, agenda: list[AgendaItem], para_of: Callable[[int], int]) -> None:
        order = sorted(range(len(agenda)), key=lambda i: agenda[i].span[0])
        self.starts = [agenda[i].span[0] for i in order]
        self.order = order
        self.para_of = para_of
        self.paras = [para_of(start) for start in self.starts]
        self.per_para = Counter(self.paras)

    def item_for(self, start: int) -> int | None:
        k = bisect_left(self.starts, start) - 1
        if k < 0:
            return None
        para = self.paras[k]
        if para != self.para_of(start) and self.per_para[para] > 1:
            return None
        return self.order[k]


def _area_name(directory: Directory, code: str, lang: str | None) -> str:
    area = directory.area(code)
    return area.name(lang) if area else code
