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
from .directives import ZH_FOLLOW_UP, find_directives
from .directory import Directory, default_directory
from .hant import to_simplified
from .learned import Candidate, DirectiveModel, candidates, rule_candidate, shipped_model
from .model import AgendaItem, Directive, Extraction, ExtractionInputError, Span
from .responsibility import UnitMention, asked_before, context_lead, find_responsibility
from .text import PUBLISHED_MARKER, Piece, detect_language, paragraphs, sentences, trim

CHAIR_CUE = re.compile(
    r"主持|presided|presiding|chaired|chair\s+of|in\s+the\s+chair|hosted|convened", re.I
)
# A readout is a page or two; a million characters is certainly not one.
MAX_CHARS = 1_000_000
MAX_UNITS = 3
CHAIR_HEAD_CHARS = 2500


_SHIPPED = "shipped"


def extract(
    text: str,
    published: dt.date | None = None,
    directory: Directory | None = None,
    *,
    model: DirectiveModel | None | str = _SHIPPED,
    candidates_out: list[Candidate] | None = None,
) -> Extraction:
    """Extract meeting facts from a readout; spans index into `text` exactly as given.

    `model` is the learned directive classifier (learned.py): the one shipped in the package
    by default, None for the rules alone. `candidates_out`, when given, receives every
    clause the classifier was (or would have been) asked about — how the model is trained.
    """
    if isinstance(model, str):
        model = shipped_model()
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
    elif better is not None and chair is not None and re.search(r"\d|--|—|:", chair.title):
        chair = better  # the same person; the lead finder's title ran over a time line or dateline
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

    # Chinese cues are read on a copy with traditional characters folded to simplified ones
    # (same length, so every span still indexes `text`); titles and directives are cut from `text`.
    scan = to_simplified(text) if lang == "zh" else text
    if scan is not text:
        sents = [Piece(s.start, s.end, scan[s.start : s.end]) for s in sents]
    agenda = [
        AgendaItem(a.kind, text[a.span[0] : a.span[1]], a.span, a.why)
        for a in find_agenda(scan, sents, lang)
    ]
    # A sentence naming agenda items is read for directives only after the clause of its last
    # item ("会议听取了X汇报，强调要…" keeps "要…"); the lead sentence naming the chair is skipped.
    sents, skip = _after_agenda(scan, sents, agenda)
    # The sentence naming who presided is not a requirement; one where presiding is only
    # implied ("All policies must be delivered, Premier Li said at the meeting") may be.
    if chair and chair.span and not chair.why.startswith("implied"):
        skip |= {s.start for s in sents if s.start <= chair.span[0] < s.end}
    elif lead_sents and CHAIR_CUE.search(lead_sents[0].text):
        skip.add(lead_sents[0].start)

    directives: list[Directive] = []
    area_counts: Counter[str] = Counter()
    area_first: dict[str, int] = {}
    found_all = [(f.piece, f.why) for f in find_directives(scan, sents, lang, skip)]
    if model is not None or candidates_out is not None:
        cands = candidates(scan, sents, lang, skip, [(p.start, p.end) for p, _ in found_all])
        ruled = [rule_candidate(p, w, lang) for p, w in found_all]
        if candidates_out is not None:
            candidates_out.extend(ruled + cands)
        if model is not None:
            # The classifier may veto a rule directive it finds very unlikely.
            found_all = [
                (c.piece, c.cue)
                for c in ruled
                if model.veto <= 0 or model.probability(c.features) >= model.veto
            ]
            for c in cands:
                prob = model.probability(c.features)
                if prob >= model.threshold:
                    cue = f" + {c.cue}" if c.cue else ""
                    found_all.append((c.piece, f"classifier {prob:.2f}{cue}"))
            found_all.sort(key=lambda pw: pw[0].start)
    for found_piece, found_why in found_all:
        piece = Piece(found_piece.start, found_piece.end, text[found_piece.start : found_piece.end])
        if not _SUBSTANTIAL.search(piece.text):
            continue  # a bare "and" left by a list split is not a requirement
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
                why=found_why + (f" | units by keyword ({unit_why})" if unit_why else ""),
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
        who = find_responsibility(d.text, lang, asked_before(text[max(0, start - 2):start], lang))
        if not who.lead:
            inherited = context_lead(text, start, lang)
            if inherited:
                who = replace(who, lead=tuple(UnitMention(u.name, (u.span[0] - start, u.span[1] - start))
                                              for u in inherited), why=(who.why + ", " if who.why else "") + "context")
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


_SUBSTANTIAL = re.compile(r"[\u3400-\u9fff].*[\u3400-\u9fff].*[\u3400-\u9fff]|\w+\W+\w+")
_CLAUSE_END = re.compile(r"[，,；;。：:]")


def _after_agenda(
    text: str, sents: list[Piece], agenda: list[AgendaItem]
) -> tuple[list[Piece], set[int]]:
    """Sentences with their agenda part cut off, and the starts of sentences left with none."""
    out: list[Piece] = []
    skip: set[int] = set()
    for s in sents:
        ends = [a.span[1] for a in agenda if s.start <= a.span[0] < s.end]
        if not ends:
            out.append(s)
            continue
        # "granted approval to the P&D Board and Transport Department to hold negotiations …":
        # an item that authorises a named body to act is also a task of that body.
        if any(_BODY_TO_ACT.match(a.title) for a in agenda if s.start <= a.span[0] < s.end):
            out.append(s)
            continue
        m = _CLAUSE_END.search(text, max(ends), s.end)
        rest = trim(text, m.end(), s.end, "，,；;：:") if m else None
        # "approved the construction of X and set a target to train …": the same subject's
        # next verb, inside the item's clause, sets a task.
        task = _AND_TASK.search(text, max(ends), m.start() if m else s.end)
        if task:
            rest = trim(text, task.end(), s.end, "，,；;：: ")
            if rest is not None:
                out.append(rest)
                continue
        if m and rest is not None and re.match(r"(?:并|並)?(?:要求|责成|責成)", rest.text):
            # Keep the comma so "，要求有关部门…" reads as the meeting demanding.
            rest = Piece(m.start(), s.end, text[m.start() : s.end])
        elif rest is not None:
            # "…汇报，强调要…": the reporting verb is a lead-in, not part of the requirement.
            lead = _AFTER_AGENDA_LEAD.match(rest.text)
            if lead:
                rest = trim(text, rest.start + lead.end(), rest.end, "，,：:")
        if rest is None or not (_DIRECTIVE_AFTER_AGENDA.search(rest.text) or ZH_FOLLOW_UP.match(rest.text)):
            out.append(s)
            skip.add(s.start)
        else:
            out.append(rest)
    return out, skip


_BODY_TO_ACT = re.compile(
    r"(?:the\s+)?[A-Z][\w&.’'-]*(?:\s+(?:[A-Z][\w&.’'-]*|and|of|for|&))*\s+"
    r"(?:Board|Department|Ministry|Division|Authority|Commission|Committee|Office|Bureau|Agency|"
    r"Council|Corporation|Company|Government|Administration|Secretariat|Directorate|Wing|Cell|Unit)s?"
    r"\s+to\s+[a-z]+"
)
_AND_TASK = re.compile(
    r"\s+and\s+(?:also\s+)?(?=set\s+(?:a\s+|the\s+)?(?:targets?|deadlines?)\s+(?:to|of|for)\b)"
    r"|\s+and\s+it\s+was\s+(?:also\s+)?decided\s+to\s+(?=take\s+(?:\w+\s+)?(?:steps|measures|action)\b)"
)
_AFTER_AGENDA_LEAD = re.compile(
    r"(?:并|並|会议|會議|同时|同時|还|還)*(?:强调|強調|指出|提出)(?:了)?[，,：:]?"
)
# What may follow an agenda item in its sentence and still be a requirement.
_DIRECTIVE_AFTER_AGENDA = re.compile(
    r"要|必须|務必|务必|强调|強調|指出|要求|\b(?:must|should|need|urg|call|necessary|efforts|"
    r"stress|emphasi|underscor|highlight|importance|direct(?:ed|ing)|instruct(?:ed|ing))",
    re.I,
)


def _area_name(directory: Directory, code: str, lang: str | None) -> str:
    area = directory.area(code)
    return area.name(lang) if area else code
