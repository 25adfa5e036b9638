"""Recording meetings, their agenda items and directives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.lib import Forbidden, InvalidInput
from luoshi.meetings.models import AgendaItem, Directive, Meeting, PriorityArea
from luoshi.search import indexing as search_index
from luoshi.units.models import Unit


def directive_count() -> Coalesce:
    """How many directives a meeting has, as a correlated subquery: a list of twenty meetings
    counts for those twenty, where Count("directives") joined and grouped every meeting's
    directives before the page was cut (110 ms with 16,000 meetings)."""
    per_meeting = (Directive.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
                   .annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(per_meeting, output_field=IntegerField()), 0)

Span = tuple[int, int]


@dataclass
class AgendaItemInput:
    kind: str
    title: str
    span: Span | None = None
    presenting_unit: Unit | None = None
    outcome: str = ""


@dataclass
class DirectiveInput:
    text: str
    span: Span | None = None
    agenda_index: int | None = None  # position in the agenda item list, if it belongs to one
    priority_areas: Sequence[PriorityArea] = field(default_factory=list)


def may_record_meetings(user: User) -> bool:
    return user.is_active and user.role in {User.Role.SUPERVISOR, User.Role.SECRETARY}


def may_read_meetings(user: User) -> bool:
    return user.is_active and not user.is_administrator


def _check_span(readout: str, span: Span | None, text: str, what: str) -> None:
    if span is None:
        return
    start, end = span
    if not (0 <= start <= end <= len(readout)) or readout[start:end] != text:
        raise InvalidInput(
            _("The %(what)s “%(text)s” does not match the readout at characters %(start)s–%(end)s.")
            % {"what": what, "text": text[:40], "start": start, "end": end}
        )


def meeting_snapshot(meeting: Meeting) -> dict[str, object]:
    return {
        "kind": meeting.kind, "title": meeting.title, "number": meeting.number, "date": meeting.date,
        "chair": [meeting.chair_name, meeting.chair_title], "status": meeting.status,
        "place": meeting.place,
        "agenda_items": [[a.kind, a.title] for a in meeting.agenda_items.all()],
        "directives": [d.text for d in meeting.directives.all()],
    }


@transaction.atomic
def record_meeting(
    user: User,
    *,
    kind: str,
    title: str,
    date: dt.date | None,
    number: int | None = None,
    chair_name: str = "",
    chair_title: str = "",
    attendees: str = "",
    place: str = "",
    readout: str = "",
    status: str = Meeting.Status.HELD,
    agenda_items: Sequence[AgendaItemInput] = (),
    directives: Sequence[DirectiveInput] = (),
) -> Meeting:
    """Record a meeting with its agenda items and directives, each with its source span."""
    if not may_record_meetings(user):
        raise Forbidden(_("Only the supervision office and meeting secretaries record meetings."))
    if kind not in Meeting.Kind.values:
        raise InvalidInput(_("Unknown meeting kind: %(kind)s") % {"kind": kind})
    if status not in Meeting.Status.values:
        raise InvalidInput(_("Unknown meeting status: %(status)s") % {"status": status})
    title = title.strip()
    if not title:
        raise InvalidInput(_("A meeting needs a title."))
    meeting = Meeting.objects.create(
        kind=kind, title=title[:300], number=number, date=date, chair_name=chair_name,
        chair_title=chair_title, attendees=attendees, place=place, readout=readout,
        status=status, created_by=user, created_at=lib.now(),
    )
    items = []
    for order, item in enumerate(agenda_items, start=1):
        if item.kind not in AgendaItem.Kind.values:
            raise InvalidInput(_("Unknown agenda item kind: %(kind)s") % {"kind": item.kind})
        if not item.title.strip():
            raise InvalidInput(_("Agenda item %(n)s has no title.") % {"n": order})
        _check_span(readout, item.span, item.title, _("agenda item"))
        items.append(AgendaItem.objects.create(
            meeting=meeting, order=order, kind=item.kind, title=item.title.strip()[:500],
            presenting_unit=item.presenting_unit, outcome=item.outcome,
            span_start=item.span[0] if item.span else None, span_end=item.span[1] if item.span else None,
        ))
    for order, directive in enumerate(directives, start=1):
        if not directive.text.strip():
            raise InvalidInput(_("Directive %(n)s has no text.") % {"n": order})
        _check_span(readout, directive.span, directive.text, _("directive"))
        agenda_item = None
        if directive.agenda_index is not None:
            if not 0 <= directive.agenda_index < len(items):
                raise InvalidInput(_("Directive %(n)s names an agenda item that does not exist.") % {"n": order})
            agenda_item = items[directive.agenda_index]
        record = Directive.objects.create(
            meeting=meeting, agenda_item=agenda_item, order=order, text=directive.text,
            span_start=directive.span[0] if directive.span else None,
            span_end=directive.span[1] if directive.span else None,
        )
        record.priority_areas.set(directive.priority_areas)
    search_index.index_many([meeting, *meeting.directives.select_related("meeting")])
    record_event(user, "record_meeting", meeting, after=meeting_snapshot(meeting))
    return meeting


@transaction.atomic
def publish_meeting(user: User, meeting: Meeting) -> Meeting:
    if not may_record_meetings(user):
        raise Forbidden(_("Only the supervision office and meeting secretaries publish meetings."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.PUBLISHED:
        raise InvalidInput(_("This meeting is already published."))
    before = meeting_snapshot(meeting)
    meeting.status = Meeting.Status.PUBLISHED
    meeting.save(update_fields=["status"])
    record_event(user, "publish_meeting", meeting, before=before, after=meeting_snapshot(meeting))
    return meeting


@transaction.atomic
def create_priority_area(
    actor: User | None, *, code: str, name_zh: str, name_en: str,
    keywords_zh: Sequence[str] = (), keywords_en: Sequence[str] = (),
) -> PriorityArea:
    if actor is not None and (not actor.is_active or actor.role != User.Role.SYSTEM_ADMIN):
        raise Forbidden(_("Only the system administrator manages priority areas."))
    if PriorityArea.objects.filter(code=code).exists():
        raise InvalidInput(_("A priority area with code %(code)s already exists.") % {"code": code})
    area = PriorityArea.objects.create(code=code, name_zh=name_zh, name_en=name_en,
                                       keywords_zh=list(keywords_zh), keywords_en=list(keywords_en))
    record_event(actor, "create_priority_area", area, after={"code": code, "name_zh": name_zh, "name_en": name_en})
    return area


@transaction.atomic
def rename_priority_area(
    actor: User | None, area: PriorityArea, *, name_zh: str, name_en: str,
    keywords_zh: Sequence[str] = (), keywords_en: Sequence[str] = (),
) -> PriorityArea:
    """Change a priority area's names and keywords (its code stays: directives refer to it)."""
    if actor is not None and (not actor.is_active or actor.role != User.Role.SYSTEM_ADMIN):
        raise Forbidden(_("Only the system administrator manages priority areas."))
    area = PriorityArea.objects.select_for_update().get(pk=area.pk)
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not name_zh or not name_en:
        raise InvalidInput(_("A priority area needs a Chinese and an English name."))

    def details() -> dict[str, object]:
        return {"code": area.code, "name_zh": area.name_zh, "name_en": area.name_en,
                "keywords_zh": area.keywords_zh, "keywords_en": area.keywords_en}

    before = details()
    area.name_zh, area.name_en = name_zh[:100], name_en[:100]
    area.keywords_zh = list(dict.fromkeys(k.strip() for k in keywords_zh if k.strip()))
    area.keywords_en = list(dict.fromkeys(k.strip() for k in keywords_en if k.strip()))
    if details() == before:
        return area
    area.save(update_fields=["name_zh", "name_en", "keywords_zh", "keywords_en"])
    record_event(actor, "rename_priority_area", area, before=before, after=details())
    return area
