"""Meeting pages: the list, a meeting with its readout, recording a meeting by hand or
from its readout (paste or upload → review → confirm), a task from a directive, publishing."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.accounts.models import User
from luoshi.checks import review as check_review
from luoshi.checks.models import RepeatedMention
from luoshi.checks.repeats import earlier_demands
from luoshi.commitments import services as commitment_services
from luoshi.extraction import ExtractionInputError, extract
from luoshi.extraction.text import detect_language
from luoshi.lib import ConflictError, Forbidden, LuoshiError, NotFound, is_htmx, perform, signed_in
from luoshi.meetings import extracting, forms
from luoshi.meetings.models import Directive, Meeting
from luoshi.meetings.services import (
    AgendaItemEdit,
    AgendaItemInput,
    CarriedOver,
    DirectiveInput,
    carried_over,
    confirm_review,
    delete_meeting,
    directive_count,
    may_delete_meeting,
    may_read_meetings,
    may_record_meetings,
    previous_in_series,
    publish_meeting,
    record_meeting,
    update_meeting,
)
from luoshi.tasks import services as task_services
from luoshi.tasks.counts import Counts, light_counts_by
from luoshi.tasks.ledger import LedgerQuery
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import is_supervisor, visible_tasks

PAGE_SIZE = 20
PENDING = "luoshi_readouts"  # session: one-time token → readout under review
CONFIRMED = "luoshi_confirmed_readouts"  # session: used token → the meeting it created
KEEP_PENDING, KEEP_CONFIRMED = 5, 20



def _require_reader(request: HttpRequest) -> None:
    if not may_read_meetings(signed_in(request)):
        raise Http404


def _require_recorder(request: HttpRequest) -> None:
    if not may_record_meetings(signed_in(request)):
        raise Http404



# --- the readout with its highlighted sources ----------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # "agenda" or "directive"
    label: str  # "A1", "D3": what the reviewer sees next to the highlight
    id: str


def readout_segments(readout: str, marks: list[Mark]) -> list[tuple[str, Mark | None]]:
    """The readout cut into plain and marked pieces; invalid or overlapping spans are skipped."""
    segments: list[tuple[str, Mark | None]] = []
    position = 0
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if not (position <= mark.start < mark.end <= len(readout)):
            continue
        if mark.start > position:
            segments.append((readout[position:mark.start], None))
        segments.append((readout[mark.start:mark.end], mark))
        position = mark.end
    if position < len(readout):
        segments.append((readout[position:], None))
    return segments


# --- list ------------------------------------------------------------------------------------------------


def _task_counts(user: User, meetings: list[Meeting]) -> dict[int, Counts]:
    """Per meeting, its top-level tasks the user may see, by light (the one count, one query)."""
    selection = LedgerQuery(top_level=True, meetings=Meeting.objects.filter(pk__in=[m.pk for m in meetings]))
    return light_counts_by(user, "meeting", filters=selection)["meeting"]


@require_safe
@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = forms.MeetingFilterForm(request.GET or None)
    meetings = (Meeting.objects.defer("readout", "attendees").annotate(directive_count=directive_count())
                .order_by("-date", "-id"))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            meetings = meetings.filter(Q(title__icontains=q) | Q(chair_name__icontains=q) | Q(readout__icontains=q))
        if data["kind"]:
            meetings = meetings.filter(kind=data["kind"])
        if data["status"]:
            meetings = meetings.filter(status=data["status"])
        if data["date_from"]:
            meetings = meetings.filter(date__gte=data["date_from"])
        if data["date_to"]:
            meetings = meetings.filter(date__lte=data["date_to"])
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    counted = _task_counts(signed_in(request), rows)
    for meeting in rows:
        counts = counted.get(meeting.pk, Counts())
        meeting.task_count = counts.total
        meeting.lights = [(light, label, counts.lights[light])
                          for light, label in Task.Light.choices if light]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "meetings": rows, "query": query.urlencode(),
        "may_record": may_record_meetings(signed_in(request)),
        "shows_tasks": signed_in(request).role != User.Role.SECRETARY,
    }
    template = "meetings/_meeting_results.html" if is_htmx(request) else "meetings/meeting_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- detail ------------------------------------------------------------------------------------------------


def _directive_context(request: HttpRequest, meeting: Meeting, directives: list[Directive]) -> dict[str, Any]:
    """Task forms for the supervision office, with the engine's suggested units first."""
    if not is_supervisor(signed_in(request)):
        return {"choices": None}
    choices = forms.Choices()
    directory = extracting.directory_from_db()
    lang = detect_language(meeting.readout or " ".join(d.text for d in directives))
    for directive in directives:
        hint = extracting.task_suggestion(directive.text, directory, lang, meeting.date)
        directive.task_form = forms.TaskFromDirectiveForm(  # type: ignore[attr-defined]  # a form for the template; Directive has no such field
            prefix=f"d{directive.pk}", choices=choices, suggested=hint.suggested,
            cooperating=hint.cooperating, deadline=hint.deadline,
        )
    return {"choices": choices}


def _directives(request: HttpRequest, meeting: Meeting) -> list[Directive]:
    tasks = visible_tasks(signed_in(request)).filter(parent__isnull=True).select_related("lead_unit")
    return list(meeting.directives.prefetch_related(
        "priority_areas", Prefetch("tasks", queryset=tasks, to_attr="visible_tasks"),
    ))


def _supervisability(meeting: Meeting, directives: list[Directive]) -> int:
    """How many of the directives can be supervised: a lead unit, a time limit and a checkable
    result, from the text or from its task (or the task it was attached to). Each directive
    gets its `gaps` and, if attached, `repeated_task_id` for the page."""
    given: dict[int, tuple[bool, bool]] = {}
    for directive_id, deadline in Task.objects.filter(directive__meeting=meeting, parent__isnull=True) \
            .exclude(status=Status.CANCELLED).values_list("directive_id", "deadline"):
        had = given.get(directive_id, (False, False))
        given[directive_id] = (True, had[1] or deadline is not None)
    attached = dict(RepeatedMention.objects.filter(directive__meeting=meeting).values_list("directive_id", "task_id"))
    for task_pk, deadline in Task.objects.filter(pk__in=attached.values()).values_list("pk", "deadline"):
        for mine, task_id in attached.items():
            if task_id == task_pk:
                given[mine] = (True, deadline is not None)
    lang = detect_language(meeting.readout or " ".join(d.text for d in directives))
    count = 0
    for directive in directives:
        has_lead, has_deadline = given.get(directive.pk, (False, False))
        directive.gaps = check_review.gaps(directive.text, lang, lead=has_lead, deadline=has_deadline)  # type: ignore[attr-defined]  # for the template
        directive.repeated_task_id = attached.get(directive.pk)  # type: ignore[attr-defined]  # the task it was attached to, for the template
        count += not directive.gaps  # type: ignore[attr-defined]  # set just above
    return count


@require_safe
@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    meeting = get_object_or_404(Meeting.objects.select_related("created_by"), pk=pk)
    agenda_items = list(meeting.agenda_items.select_related("presenting_unit"))
    directives = _directives(request, meeting)
    marks = [Mark(a.span_start, a.span_end, "agenda", f"A{a.order}", f"a{a.order}")
             for a in agenda_items if a.span_start is not None and a.span_end is not None]
    marks += [Mark(d.span_start, d.span_end, "directive", f"D{d.order}", f"d{d.order}")
              for d in directives if d.span_start is not None and d.span_end is not None]
    user = signed_in(request)
    funnels = commitment_services.funnels(agenda_items)
    for item in agenda_items:
        item.funnel = funnels.get(item.pk)  # type: ignore[attr-defined]  # for the template; AgendaItem has no such field
    supervisable = _supervisability(meeting, directives)
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "agenda_items": agenda_items, "directives": directives,
        "previous": previous_in_series(meeting.kind, meeting.date, exclude=meeting.pk) if meeting.date else None,
        "carried_over": carried_over(meeting.kind, meeting.date, exclude=meeting.pk) if meeting.date else None,
        "supervisable": supervisable, "supervisable_share": check_review.share(supervisable, len(directives)),
        "segments": readout_segments(meeting.readout, marks),
        "may_publish": may_record_meetings(user) and meeting.status != Meeting.Status.PUBLISHED,
        "may_correct": may_record_meetings(user),
        "shows_tasks": user.role != User.Role.SECRETARY,
        **_directive_context(request, meeting, directives),
    })


@require_POST
@login_required
def directive_task_new(request: HttpRequest, pk: int, directive_pk: int) -> HttpResponse:
    """A supervision officer turns a directive into a draft task (htmx, or a plain post)."""
    if not is_supervisor(signed_in(request)):
        raise Http404
    directive = get_object_or_404(Directive.objects.select_related("meeting"), pk=directive_pk, meeting_id=pk)
    meeting = directive.meeting
    choices = forms.Choices()
    lang = detect_language(meeting.readout or directive.text)
    hint = extracting.task_suggestion(directive.text, extracting.directory_from_db(), lang, meeting.date)
    suggested = hint.suggested
    form = forms.TaskFromDirectiveForm(request.POST, prefix=f"d{directive.pk}", choices=choices, suggested=suggested)
    created = None
    if form.is_valid():
        data = form.cleaned_data
        created, _error = perform(request, lambda: task_services.create_task(
            signed_in(request), directive, lead_unit=data["lead_unit"], cooperating_units=data["cooperating_units"],
            deadline=data["deadline"], cadence=data["cadence"] or "", person_responsible=data["person_responsible"],
        ))
        if created is not None:
            messages.success(request, _("Draft task created for %(unit)s.") % {"unit": created.lead_unit})
    elif not is_htmx(request):
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    if not is_htmx(request):
        return redirect(f"{meeting.get_absolute_url()}#directive-{directive.order}")
    refreshed = next(d for d in _directives(request, meeting) if d.pk == directive.pk)
    refreshed.task_form = (  # type: ignore[attr-defined]  # as above: the form beside its directive
        forms.TaskFromDirectiveForm(prefix=f"d{directive.pk}", choices=choices, suggested=suggested,
                                    cooperating=hint.cooperating, deadline=hint.deadline)
        if created is not None else form
    )
    return render(request, "meetings/_directive.html", {
        "meeting": meeting, "directive": refreshed, "choices": choices, "shows_tasks": True,
        "open_form": created is None, "fragment": True,
    })


@require_POST
@login_required
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_recorder(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    published, _error = perform(request, lambda: publish_meeting(signed_in(request), meeting))
    if published is not None:
        messages.success(request, _("The meeting is published."))
    return redirect(meeting)


# --- correcting and deleting ---------------------------------------------------------------------------------

# The fields a correction may change, in the order the conflict message lists them.
EDITABLE = ("kind", "title", "number", "date", "chair_name", "chair_title", "place", "attendees")


def _shown_value(meeting: Meeting, name: str) -> str:
    if name == "kind":
        return str(meeting.get_kind_display())
    value = getattr(meeting, name)
    if value in (None, ""):
        return "—"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _edit_forms(request: HttpRequest, meeting: Meeting, data: Any = None) -> tuple[Any, Any]:
    items = list(meeting.agenda_items.all())
    form = forms.EditMeetingForm(data, prefix="meeting", initial={
        **{name: getattr(meeting, name) for name in EDITABLE}, "version": meeting.version})
    agenda = forms.EditAgendaFormSet(data, prefix="agenda", initial=[
        {"id": item.pk, "kind": item.kind, "title": item.title, "outcome": item.outcome} for item in items])
    for row, item in zip(agenda.forms, items, strict=False):
        row.order = item.order
    return form, agenda


def _conflict(request: HttpRequest, meeting: Meeting, error: ConflictError) -> tuple[Any, Any]:
    """The forms again with what the user typed, now based on the stored version, and a
    note of the fields someone else saved differently: saving again is a deliberate choice."""
    fresh = Meeting.objects.get(pk=meeting.pk)
    data = request.POST.copy()
    data["meeting-version"] = str(fresh.version)
    form, agenda = _edit_forms(request, fresh, data)
    form.is_valid()
    typed = form.cleaned_data
    differences = [
        _("%(field)s is now “%(value)s”") % {"field": form.fields[name].label, "value": _shown_value(fresh, name)}
        for name in EDITABLE if name in typed and typed[name] != getattr(fresh, name)
    ]
    text = str(error)
    if differences:
        text += " " + _("Saved meanwhile: %(changes)s.") % {"changes": "; ".join(differences)}
    text += " " + _("Save again to replace their version with yours.")
    form.add_error(None, text)
    return form, agenda


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a recorded meeting (the supervision office and meeting secretaries); the
    danger zone at the bottom deletes it while none of its tasks was assigned."""
    _require_recorder(request)
    user = signed_in(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    form, agenda = _edit_forms(request, meeting, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and agenda.is_valid():
            data = form.cleaned_data
            edits = [AgendaItemEdit(id=row["id"], kind=row["kind"], title=row["title"], outcome=row.get("outcome") or "")
                     for row in agenda.cleaned_data if row]
            try:
                update_meeting(
                    user, meeting, kind=data["kind"], title=data["title"], number=data["number"], date=data["date"],
                    chair_name=data["chair_name"], chair_title=data["chair_title"], place=data["place"],
                    attendees=data["attendees"], agenda_items=edits, expected_version=data["version"],
                )
            except (Forbidden, NotFound):
                raise Http404 from None
            except ConflictError as error:
                form, agenda = _conflict(request, meeting, error)
                status = 409
            except LuoshiError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The meeting is corrected."))
                return redirect(reverse("meeting_detail", args=[meeting.pk]))
        else:
            form.add_error(None, _("Some fields need your attention; nothing has been saved yet."))
    tasks = Task.objects.filter(directive__meeting=meeting)
    return render(request, "meetings/meeting_edit.html", {
        "meeting": meeting, "form": form, "agenda": agenda,
        "delete_form": forms.DeleteMeetingForm(prefix="delete", initial={"version": meeting.version}),
        "may_delete": may_delete_meeting(user, meeting),
        "draft_count": tasks.filter(assigned_at__isnull=True).count(),
        "assigned_count": tasks.filter(assigned_at__isnull=False).count(),
    }, status=status)


@require_POST
@login_required
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_recorder(request)
    user = signed_in(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    form = forms.DeleteMeetingForm(request.POST, prefix="delete")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(reverse("meeting_edit", args=[meeting.pk]))
    if not may_delete_meeting(user, meeting):
        messages.error(request, _("This meeting has draft tasks: only the supervision office deletes it."))
        return redirect(reverse("meeting_edit", args=[meeting.pk]))
    title = meeting.title
    drafts, _error = perform(request, lambda: delete_meeting(user, meeting, expected_version=form.cleaned_data["version"]))
    if drafts is None:
        return redirect(reverse("meeting_edit", args=[meeting.pk]))
    messages.success(request, _("The meeting “%(title)s” is deleted, with %(n)s draft tasks.") % {"title": title, "n": drafts})
    return redirect("meeting_list")


# --- recording by hand ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    _require_recorder(request)
    choices = forms.Choices(units=[])
    data = request.POST if request.method == "POST" else None
    form = forms.NewMeetingForm(data, prefix="meeting")
    agenda = forms.AgendaFormSet(data, prefix="agenda")
    directives = forms.ManualDirectiveFormSet(data, prefix="directives", form_kwargs={"choices": choices})
    if data is not None and form.is_valid() and agenda.is_valid() and directives.is_valid():
        fields = form.cleaned_data
        items = [AgendaItemInput(kind=row["kind"], title=row["title"].strip(), outcome=row.get("outcome") or "")
                 for row in agenda.rows() if (row.get("title") or "").strip() and not row.get("DELETE")]
        inputs = [
            DirectiveInput(text=row["text"].strip(), priority_areas=row["priority_areas"],
                           agenda_index=row["agenda_number"] - 1 if row.get("agenda_number") else None)
            for row in directives.rows() if (row.get("text") or "").strip() and not row.get("DELETE")
        ]
        meeting, _error = perform(request, lambda: record_meeting(
            signed_in(request), kind=fields["kind"], title=fields["title"], number=fields["number"],
            date=fields["date"], chair_name=fields["chair_name"], chair_title=fields["chair_title"],
            place=fields["place"], attendees=fields["attendees"], readout=fields["readout"],
            status=fields["status"], agenda_items=items, directives=inputs,
        ))
        if meeting is not None:
            messages.success(request, _("The meeting is recorded."))
            return redirect(meeting)
    return render(request, "meetings/meeting_new.html", {
        "form": form, "agenda": agenda, "directives": directives,
        "from_readout_url": reverse("meeting_from_readout"),
    })


# --- from a readout -------------------------------------------------------------------------------------------


def _review_forms(request: HttpRequest, choices: forms.Choices, data: Any = None,  # nosec B107 # a review token, not a password
                  initial: dict[str, Any] | None = None, token: str = "") -> dict[str, Any]:
    kwargs = {"choices": choices, "with_units": is_supervisor(signed_in(request))}
    initial = initial or {"meeting": {}, "agenda": [], "directives": []}
    return {
        "form": forms.ReviewMeetingForm(data, prefix="meeting", initial={**initial["meeting"], "token": token}),
        "agenda": forms.ReviewAgendaFormSet(data, prefix="agenda", initial=initial["agenda"] or None),
        "directives": forms.ReviewDirectiveFormSet(data, prefix="directives", initial=initial["directives"] or None,
                                                   form_kwargs=kwargs),
    }


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _highlighted(row: Any) -> list[tuple[str, str]]:
    """The directive's text in pieces, (text, "" or lead/cooperating/deadline), when the
    engine found who or by when in it; [] when it found nothing (or the text was edited)."""
    text = row["text"].value() or ""
    found = extracting.parse_highlights(row["highlights"].value() or "", text)
    if not found:
        return []
    pieces, pos = [], 0
    for kind, start, end in found:
        pieces += [(text[pos:start], ""), (text[start:end], kind)]
        pos = end
    pieces.append((text[pos:], ""))
    return [p for p in pieces if p[0]]


def _meeting_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def _check_rows(readout: str, review: dict[str, Any]) -> None:
    """Beside each directive row: what it lacks to be supervised (its gaps, as prompts) and
    the earlier demands it repeats, with their tasks (luoshi/checks)."""
    rows = [row for row in review["directives"].forms if (row["text"].value() or "").strip()]
    lang = detect_language(readout)
    before = _meeting_date(review["form"]["date"].value())
    earlier = earlier_demands([row["text"].value() for row in rows], before=before)
    for row, demands in zip(rows, earlier, strict=True):
        lead = bool("lead_unit" in row.fields and row["lead_unit"].value())
        deadline = bool("deadline" in row.fields and row["deadline"].value())
        row.gaps = check_review.gaps(row["text"].value(), lang, lead=lead, deadline=deadline)
        row.earlier = demands
        # A demand made before is for the office to decide on (attach, or a new task): its row stays open.
        row.stays_open = any(demand.same for demand in demands)
        row.attach_value = str(row["attach_to"].value() or "") if "attach_to" in row.fields else ""


def _render_review(request: HttpRequest, readout: str, review: dict[str, Any], status: int = 200) -> HttpResponse:
    _check_rows(readout, review)
    marks = []
    for kind, letter, formset in (("agenda", "A", review["agenda"]), ("directive", "D", review["directives"])):
        for number, row in enumerate(formset.forms, start=1):
            start, end = _int(row["span_start"].value()), _int(row["span_end"].value())
            row.mark_id = f"{letter.lower()}{number}"
            row.mark_label = f"{letter}{number}"
            row.has_mark = start is not None and end is not None
            if start is not None and end is not None:
                marks.append(Mark(start, end, kind, f"{letter}{number}", row.mark_id))
            if kind == "directive":
                row.highlighted = _highlighted(row)
    return render(request, "meetings/readout_review.html", {
        **review, "segments": readout_segments(readout, marks), "readout_length": len(readout),
        "carried_over": _carried_over_to(review["form"]),
        "with_units": is_supervisor(signed_in(request)),
    }, status=status)


def _carried_over_to(form: Any) -> CarriedOver | None:
    """What the previous meeting of the series deferred, for the meeting under review: its
    kind and date as the form has them now (the engine's reading, or the officer's)."""
    kind = form["kind"].value()
    if kind not in Meeting.Kind.values:
        return None
    try:
        date = dt.date.fromisoformat(str(form["date"].value()))
    except ValueError:
        date = None
    return carried_over(kind, date)


def _remember(request: HttpRequest, key: str, token: str, value: Any, keep: int) -> None:
    store = dict(request.session.get(key, {}))
    store[token] = value
    request.session[key] = dict(list(store.items())[-keep:])


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_from_readout(request: HttpRequest) -> HttpResponse:
    """Step 1 (paste or upload) and step 2 (review); confirming is step 3, below.
    Nothing is written to the database before the officer confirms."""
    _require_recorder(request)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm_readout(request)
    form = forms.ReadoutForm(request.POST or None, request.FILES or None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "meetings/readout_start.html", {"form": form})
    readout = form.cleaned_data["readout"]
    try:
        extraction = extract(readout, published=form.cleaned_data["published"],
                             directory=extracting.directory_from_db())
    except ExtractionInputError as error:
        form.add_error(None, _("This text cannot be read as a readout: %(reason)s") % {"reason": error})
        return render(request, "meetings/readout_start.html", {"form": form})
    if extraction.lang is None:
        form.add_error(None, _("This does not look like a readout in Chinese or English."))
        return render(request, "meetings/readout_start.html", {"form": form})
    token = secrets.token_urlsafe(24)
    _remember(request, PENDING, token, {"readout": readout, "at": timezone.now().isoformat()}, KEEP_PENDING)
    review = _review_forms(request, forms.Choices(), initial=extracting.review_from_extraction(extraction),
                           token=token)
    if not extraction.directives:
        messages.warning(request, _("No directives were found: add them by hand below, or check the text."))
    for warning in form.read_warnings[:20]:
        messages.warning(request, _("Check against the original: %(warning)s") % {"warning": warning})
    return _render_review(request, readout, review)


def _confirm_readout(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("meeting-token", "")
    done = request.session.get(CONFIRMED, {}).get(token) if token else None
    if done is not None:
        meeting = Meeting.objects.filter(pk=done).first()
        return render(request, "meetings/readout_confirmed.html", {"meeting": meeting}, status=409)
    pending = request.session.get(PENDING, {}).get(token) if token else None
    if pending is None:
        messages.error(request, _("This review has expired. Paste or upload the readout again."))
        return redirect("meeting_from_readout")
    readout = pending["readout"]
    review = _review_forms(request, forms.Choices(), data=request.POST, token=token)
    valid = [part.is_valid() for part in (review["form"], review["agenda"], review["directives"])]
    if not all(valid):
        messages.error(request, _("Some fields need your attention; nothing has been saved yet."))
        return _render_review(request, readout, review, status=400)
    # Two posts of one review can arrive together, each with the session as it was before
    # the other saved it; the cache lets only the first through.
    claim = f"luoshi:confirm-readout:{token}"
    if not cache.add(claim, True, timeout=300):
        return render(request, "meetings/readout_confirmed.html", {"meeting": None}, status=409)
    try:
        meeting, _error = perform(request, lambda: confirm_review(
            signed_in(request), readout, meeting=review["form"].cleaned_data, agenda=review["agenda"].rows(),
            directives=review["directives"].rows()))
    except BaseException:
        cache.delete(claim)
        raise
    if meeting is None:
        cache.delete(claim)
        return _render_review(request, readout, review, status=400)
    pending_store = dict(request.session.get(PENDING, {}))
    pending_store.pop(token, None)
    request.session[PENDING] = pending_store
    _remember(request, CONFIRMED, token, meeting.pk, KEEP_CONFIRMED)
    tasks = Task.objects.filter(directive__meeting=meeting).count()
    messages.success(request, _("The meeting is recorded with %(directives)s directives and %(tasks)s draft tasks.")
                     % {"directives": meeting.directives.count(), "tasks": tasks})
    return redirect(reverse("meeting_detail", args=[meeting.pk]))
