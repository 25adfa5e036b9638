"""Recording meetings, their agenda items and directives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, ProtectedError, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.checks import review as check_review
from luoshi.checks import services as check_services
from luoshi.checks.similarity import similarity
from luoshi.extraction.text import detect_language
from luoshi.lib import ConflictError, Forbidden, InvalidInput
from luoshi.meetings.models import AgendaItem, Directive, Meeting, PriorityArea
from luoshi.search import indexing as search_index
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task
from luoshi.units.models import Unit


def directive_count() -> Coalesce:
    """How many directives a meeting has, as a correlated subquery: a list of twenty meetings
    counts for those twenty, where Count("directives") joined and grouped every meeting's
    directives before the page was cut (bench/FIGURES.md)."""
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
    principle_reason: str = ""  # why the review left it without a task


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
        "place": meeting.place, "attendees": meeting.attendees,
        "agenda_items": [[a.kind, a.title, a.outcome] for a in meeting.agenda_items.all()],
        "directives": [d.text for d in meeting.directives.all()],
    }


def _check_meeting_fields(kind: str, title: str, number: int | None) -> str:
    if kind not in Meeting.Kind.values:
        raise InvalidInput(_("Unknown meeting kind: %(kind)s") % {"kind": kind})
    if number is not None and number < 1:
        raise InvalidInput(_("A meeting's number in its series is a whole number from 1."))
    title = title.strip()
    if not title:
        raise InvalidInput(_("A meeting needs a title."))
    return title[:300]


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
    title = _check_meeting_fields(kind, title, number)
    if status not in Meeting.Status.values:
        raise InvalidInput(_("Unknown meeting status: %(status)s") % {"status": status})
    meeting = Meeting.objects.create(
        kind=kind, title=title, number=number, date=date, chair_name=chair_name,
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
            principle_reason=directive.principle_reason.strip()[:1000],
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


# --- correcting and deleting a meeting --------------------------------------------------------------


@dataclass
class AgendaItemEdit:
    """A correction of one recorded agenda item (its id, new kind, title and outcome)."""

    id: int
    kind: str
    title: str
    outcome: str = ""


def _lock_meeting(meeting: Meeting, expected_version: int | None) -> Meeting:
    """Re-read the meeting under a row lock; refuse if it changed since the caller read it."""
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(
            _("This meeting was changed by someone else since you opened it (now version %(now)s, "
              "yours %(yours)s). Your changes are still in the form: reload the meeting in another tab, "
              "compare, and save again.") % {"now": fresh.version, "yours": expected_version}
        )
    return fresh


def _edit_agenda(meeting: Meeting, edits: Sequence[AgendaItemEdit]) -> list[AgendaItem]:
    """The agenda items changed by `edits`, checked, not yet saved."""
    items = {item.pk: item for item in meeting.agenda_items.all()}
    changed = []
    for number, edit in enumerate(edits, start=1):
        item = items.get(edit.id)
        if item is None:
            raise InvalidInput(_("Agenda item %(n)s is not an agenda item of this meeting.") % {"n": number})
        if edit.kind not in AgendaItem.Kind.values:
            raise InvalidInput(_("Unknown agenda item kind: %(kind)s") % {"kind": edit.kind})
        if edit.outcome not in AgendaItem.Outcome.values:
            raise InvalidInput(_("Unknown agenda item outcome: %(outcome)s") % {"outcome": edit.outcome})
        title = edit.title.strip()[:500]
        if not title:
            raise InvalidInput(_("Agenda item %(n)s has no title.") % {"n": item.order})
        if (item.kind, item.title, item.outcome) == (edit.kind, title, edit.outcome):
            continue
        if title != item.title and item.span_start is not None:
            # The highlight in the readout shows the recorded words: a retitled item has none.
            if meeting.readout[item.span_start:item.span_end or 0] != title:
                item.span_start = item.span_end = None
        item.kind, item.title, item.outcome = edit.kind, title, edit.outcome
        changed.append(item)
    return changed


@transaction.atomic
def update_meeting(
    user: User,
    meeting: Meeting,
    *,
    kind: str,
    title: str,
    date: dt.date | None,
    number: int | None = None,
    chair_name: str = "",
    chair_title: str = "",
    place: str = "",
    attendees: str = "",
    agenda_items: Sequence[AgendaItemEdit] = (),
    expected_version: int | None = None,
) -> Meeting:
    """Correct a recorded meeting: its kind, number, date, chair, place, attendees and title,
    and the kind, title and outcome of its agenda items. The readout and the directives stay
    as recorded (the directives' highlights and tasks point into them). A correction based on
    an older version of the meeting is refused (ConflictError) and changes nothing."""
    if not may_record_meetings(user):
        raise Forbidden(_("Only the supervision office and meeting secretaries correct meetings."))
    meeting = _lock_meeting(meeting, expected_version)
    title = _check_meeting_fields(kind, title, number)
    before = meeting_snapshot(meeting)
    fields = {"kind": kind, "title": title, "number": number, "date": date, "chair_name": chair_name.strip()[:100],
              "chair_title": chair_title.strip()[:300], "place": place.strip()[:200], "attendees": attendees.strip()}
    changed_fields = [name for name, value in fields.items() if getattr(meeting, name) != value]
    changed_items = _edit_agenda(meeting, agenda_items)
    if not changed_fields and not changed_items:
        return meeting
    for name in changed_fields:
        setattr(meeting, name, fields[name])
    meeting.version += 1
    meeting.save(update_fields=[*changed_fields, "version"])
    for item in changed_items:
        item.save(update_fields=["kind", "title", "outcome", "span_start", "span_end"])
    search_index.index_many([meeting, *meeting.directives.select_related("meeting")])
    record_event(user, "update_meeting", meeting, before=before, after=meeting_snapshot(meeting))
    return meeting


def may_delete_meeting(user: User, meeting: Meeting) -> bool:
    """Who may delete a meeting none of whose tasks was ever assigned: the supervision office;
    a meeting secretary only while it has no task at all (the draft tasks are the office's)."""
    if not may_record_meetings(user):
        return False
    return user.role == User.Role.SUPERVISOR or not Task.objects.filter(directive__meeting=meeting).exists()


@transaction.atomic
def delete_meeting(user: User, meeting: Meeting, *, expected_version: int | None = None) -> int:
    """Delete a meeting recorded by mistake (a duplicate, the wrong readout) with its agenda,
    its directives and their draft tasks, all at once. Refused while any of its tasks is or
    was assigned: work handed to a unit is cancelled, not deleted. Returns how many draft
    tasks went with it."""
    if not may_record_meetings(user):
        raise Forbidden(_("Only the supervision office and meeting secretaries delete meetings."))
    meeting = _lock_meeting(meeting, expected_version)
    # Locked, so that none of them is assigned while the meeting goes.
    tasks = list(Task.objects.select_for_update().filter(directive__meeting=meeting).order_by("id"))
    handed_out = [t for t in tasks if not task_services.never_assigned(t)]
    if handed_out:
        raise InvalidInput(
            _("This meeting cannot be deleted: %(n)s of its tasks have been assigned to units. "
              "Cancel those tasks instead, or correct the meeting.") % {"n": len(handed_out)}
        )
    if tasks and user.role != User.Role.SUPERVISOR:
        raise Forbidden(_("This meeting has draft tasks: only the supervision office deletes it."))
    before = meeting_snapshot(meeting)
    before["tasks"] = [t.pk for t in tasks]
    record_event(user, "delete_meeting", meeting, before=before)
    if tasks:
        task_services.delete_draft_tasks(user, tasks)
    try:
        meeting.delete()
    except ProtectedError as error:  # e.g. the ledger import that recorded it; all of this rolls back
        kinds = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise InvalidInput(_("This meeting cannot be deleted: other records refer to it (%(what)s).")
                           % {"what": ("、" if (get_language() or "").startswith("zh") else ", ").join(kinds)}) from None
    return len(tasks)


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


# --- a reviewed readout --------------------------------------------------------------------------


@dataclass
class ReviewedDirective(DirectiveInput):
    """A kept directive of a review: what record_meeting takes, and the draft task to create
    when the reviewer chose a lead unit."""

    lead_unit: Unit | None = None
    cooperating_units: list[Unit] = field(default_factory=list)
    deadline: dt.date | None = None
    attach_to: Task | None = None  # the existing task this directive repeats (checks)


def _span(readout: str, row: dict[str, Any], text: str) -> Span | None:
    """The row's span if its text is still exactly those characters; an edited text has none."""
    start, end = row.get("span_start"), row.get("span_end")
    if start is None or end is None or not 0 <= start <= end <= len(readout):
        return None
    return (start, end) if readout[start:end] == text else None


def _union(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    seen = {x.pk: x for x in first}
    for x in second:
        seen.setdefault(x.pk, x)
    return list(seen.values())


def reviewed_directives(readout: str, rows: Sequence[dict[str, Any]],
                        agenda_position: dict[int, int] | None = None) -> list[ReviewedDirective]:
    """Kept directive rows, in order, with merges applied.

    A row marked "merge with the previous one" joins the previous kept row; when both
    still have their spans the result is the readout from the first's start to the
    second's end, otherwise the two texts joined. A row names its agenda row by its number
    on the review page; `agenda_position` maps that number to the recorded item's position.
    """
    positions = agenda_position or {}
    kept: list[ReviewedDirective] = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if not text or row.get("DELETE"):
            continue
        number = row.get("agenda_number")
        item = ReviewedDirective(
            text=text, span=_span(readout, row, text),
            agenda_index=positions.get(number) if number else None,
            priority_areas=list(row.get("priority_areas") or []),
            lead_unit=row.get("lead_unit"),
            cooperating_units=list(row.get("cooperating_units") or []),
            deadline=row.get("deadline"),
            attach_to=row.get("attach_to"),
            principle_reason=(row.get("principle_reason") or "").strip(),
        )
        if row.get("merge") and kept:
            previous = kept[-1]
            if previous.span and item.span and previous.span[0] <= item.span[0]:
                previous.span = (previous.span[0], item.span[1])
                previous.text = readout[previous.span[0]:previous.span[1]]
            else:
                previous.span = None
                previous.text = f"{previous.text} {item.text}"
            previous.priority_areas = _union(previous.priority_areas, item.priority_areas)
            previous.lead_unit = previous.lead_unit or item.lead_unit
            previous.cooperating_units = _union(previous.cooperating_units, item.cooperating_units)
            previous.deadline = previous.deadline or item.deadline
            previous.attach_to = previous.attach_to or item.attach_to
            previous.principle_reason = previous.principle_reason or item.principle_reason
            if previous.agenda_index is None:
                previous.agenda_index = item.agenda_index
            continue
        kept.append(item)
    return kept


@transaction.atomic
def confirm_review(user: User, readout: str, meeting: dict[str, Any], agenda: Sequence[dict[str, Any]],
                   directives: Sequence[dict[str, Any]]) -> Meeting:
    """Record a reviewed readout: the meeting, and a draft task for every directive given a
    lead unit, in one transaction.

    `meeting` is the review's meeting form's cleaned data; `agenda` and `directives` its
    formsets' cleaned rows (meetings.extracting.review_from_extraction gave their initial data).
    """
    items: list[AgendaItemInput] = []
    # Directive rows name agenda rows by their number on the review page; rows removed or
    # left empty are not recorded, so a number maps to its item's position, or to none.
    position: dict[int, int] = {}
    for number, row in enumerate(agenda, start=1):
        title = (row.get("title") or "").strip()
        if not title or row.get("DELETE"):
            continue
        position[number] = len(items)
        items.append(AgendaItemInput(kind=row["kind"], title=title, span=_span(readout, row, title)))
    kept = reviewed_directives(readout, directives, position)
    lang = detect_language(readout or " ".join(d.text for d in kept))
    for reviewed in kept:
        if reviewed.lead_unit is None and reviewed.attach_to is None and not reviewed.principle_reason:
            # Left without a task: the review records why (the checks' gaps), unless it said.
            found = check_review.gaps(reviewed.text, lang)
            if found:
                reviewed.principle_reason = check_review.principle_reason(found)
    recorded = record_meeting(
        user,
        kind=meeting["kind"], title=meeting["title"], number=meeting.get("number"),
        date=meeting.get("date"), chair_name=meeting.get("chair_name", ""),
        chair_title=meeting.get("chair_title", ""), place=meeting.get("place", ""),
        readout=readout, agenda_items=items, directives=kept,
    )
    for record, reviewed in zip(recorded.directives.order_by("order"), kept, strict=True):
        if reviewed.attach_to is not None:
            earlier = reviewed.attach_to.directive
            check_services.attach_directive(
                user, record, reviewed.attach_to,
                similarity=round(similarity(record.text, earlier.text), 2) if earlier else None)
        elif reviewed.lead_unit is not None:
            task_services.create_task(
                user, record, lead_unit=reviewed.lead_unit, cooperating_units=reviewed.cooperating_units,
                deadline=reviewed.deadline,
            )
    return recorded


# --- the series: the meeting before, and what it deferred ---------------------------------------


def previous_in_series(kind: str, date: dt.date | None, *, exclude: int | None = None) -> Meeting | None:
    """The latest meeting of the same kind (the series: 常务会议 after 常务会议) held before
    `date`, or the latest of the kind at all when there is no date yet."""
    meetings = Meeting.objects.filter(kind=kind)
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude)
    if date is not None:
        meetings = meetings.filter(date__lt=date)
    return meetings.order_by("-date", "-id").first()


@dataclass
class CarriedOver:
    """The agenda items the previous meeting of a series deferred: they come up again at the next."""

    meeting: Meeting
    items: list[AgendaItem]


def carried_over(kind: str, date: dt.date | None, *, exclude: int | None = None) -> CarriedOver | None:
    """What the previous meeting of the series deferred (None when it deferred nothing)."""
    previous = previous_in_series(kind, date, exclude=exclude)
    if previous is None:
        return None
    items = list(previous.agenda_items.filter(outcome=AgendaItem.Outcome.DEFERRED).select_related("presenting_unit"))
    return CarriedOver(previous, items) if items else None
