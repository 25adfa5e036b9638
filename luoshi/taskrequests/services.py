"""A lead unit's requests to the office, and the office's decisions.

- An extension (申请延期): the lead unit asks for a later deadline, with a reason, while the
  task is in its hands and at most LUOSHI_EXTENSION_GRACE_DAYS after the deadline. The office
  that supervises the task approves it, grants a shorter one, or refuses with a reason. An
  approved deadline becomes the task's deadline, so the light follows it; scoring counts
  granted extensions on their own (luoshi/scoring/ranking.py).
- A return (退回): the lead unit hands back a task it should not lead, with a reason and
  perhaps the unit it thinks should. The office reassigns it (tasks.services.reassign_task,
  and the new unit signs for it again) or refuses with a reason.

A task has at most one request waiting at a time. Each request and decision is audited on
the task, so it shows in the task's history, and reaches the inboxes of the other side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.leaders import portfolio
from luoshi.lib import ConflictError, Forbidden, InvalidInput
from luoshi.notifications.services import liaisons_of, notify
from luoshi.taskrequests.models import InputRequest, TaskRequest
from luoshi.tasks import services as task_services
from luoshi.tasks.lifecycle import Action, next_status
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.permissions import can, is_supervisor, manages
from luoshi.units.models import Unit

Kind = TaskRequest.Kind
State = TaskRequest.State


def latest_ask_date(task: Task) -> dt.date | None:
    """The last day the lead unit may still ask for an extension (None: no deadline to extend)."""
    if task.deadline is None:
        return None
    return task.deadline + dt.timedelta(days=settings.LUOSHI_EXTENSION_GRACE_DAYS)


def _action(kind: str) -> str:
    return Action.REQUEST_EXTENSION if kind == Kind.EXTENSION else Action.REQUEST_RETURN


def may_ask_about(user: User, task: Task, kind: str) -> bool:
    """Is `user` the one who would ask (the lead unit's liaison), whatever the task's state?"""
    return can(user, _action(kind), task)


def why_not(task: Task, kind: str) -> str:
    """Why the lead unit cannot ask this now ("" when it can). Says nothing about a request
    already waiting."""
    try:
        next_status(task.status, _action(kind))
    except lib.TransitionError as error:
        return str(error)
    if kind == Kind.EXTENSION:
        last = latest_ask_date(task)
        if last is None:
            return _("This task has no deadline to extend.")
        if lib.today() > last:
            return _("The deadline passed on %(deadline)s; an extension could be asked until %(last)s. "
                     "Report on the task and explain the delay instead.") % {
                "deadline": date_format(task.deadline or last), "last": date_format(last)}
    return ""


def may_ask(user: User, task: Task, kind: str) -> bool:
    """May `user` ask this now: the lead unit's liaison, the task in the unit's hands (and for
    an extension, a deadline not passed by more than the grace days)?"""
    return may_ask_about(user, task, kind) and not why_not(task, kind)


def beyond_office(task: Task, deadline: dt.date) -> bool:
    """Does an extension to `deadline` go to the leader in charge? For a top-level task, when it
    moves the deadline by more than LUOSHI_EXTENSION_LEADER_DAYS days."""
    return (task.parent_id is None and task.deadline is not None
            and (deadline - task.deadline).days > settings.LUOSHI_EXTENSION_LEADER_DAYS)


def may_decide(user: User, request: TaskRequest) -> bool:
    """The office that supervises the task decides; an extension beyond the office's threshold
    is the leader in charge's to decide (every leader's when nobody is in charge)."""
    if not request.pending:
        return False
    if request.for_leader:
        return portfolio.in_charge_of(user, request.task)
    return manages(user, request.task)


def pending_for(task: Task) -> TaskRequest | None:
    return TaskRequest.objects.filter(task=task, state=State.PENDING).select_related("unit", "requested_by",
                                                                                     "suggested_unit").first()


def waiting_for(user: User) -> QuerySet[TaskRequest]:
    """The requests waiting for `user`'s decision: every one for the office; for a liaison,
    those about sub-tasks their unit handed down."""
    waiting = TaskRequest.objects.filter(state=State.PENDING).select_related(
        "task__lead_unit", "unit", "requested_by", "suggested_unit").order_by("requested_at", "id")
    if user.is_active and user.role == User.Role.LEADER:
        # Few wait for a leader at a time: each is checked against the portfolios.
        mine = [r.pk for r in waiting.filter(for_leader=True) if portfolio.in_charge_of(user, r.task)]
        return waiting.filter(pk__in=mine)
    if is_supervisor(user):
        return waiting.filter(for_leader=False)
    if user.is_active and user.role == User.Role.LIAISON and user.unit is not None:
        return waiting.filter(task__parent__lead_unit__path__startswith=user.unit.path)
    return waiting.none()


def asked_by_unit(user: User) -> QuerySet[TaskRequest]:
    """The requests the user's unit (and the units below it) made, newest first."""
    if not (user.is_active and user.role == User.Role.LIAISON and user.unit is not None):
        return TaskRequest.objects.none()
    return TaskRequest.objects.filter(unit__path__startswith=user.unit.path).select_related(
        "task", "unit", "requested_by", "decided_by")


def _office_of(task: Task) -> list[User]:
    """Who decides: the supervision office, or for a sub-task the liaisons of the unit that
    handed it down."""
    if task.parent is not None:  # no query for a task without a parent
        return liaisons_of([task.parent.lead_unit])
    return list(User.objects.filter(is_active=True, role=User.Role.SUPERVISOR).order_by("pk"))


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("lead_unit", "parent__lead_unit").get(pk=task.pk)


def _refuse_second(task: Task) -> None:
    waiting = TaskRequest.objects.filter(task=task, state=State.PENDING).first()
    if waiting is not None:
        raise ConflictError(_("This task already has a request waiting for the office's decision "
                              "(%(kind)s, asked %(date)s). Wait for the answer, or withdraw it first.")
                            % {"kind": waiting.get_kind_display(), "date": date_format(timezone.localdate(waiting.requested_at))})


def _create(**fields: object) -> TaskRequest:
    try:
        with transaction.atomic():
            return TaskRequest.objects.create(requested_at=lib.now(), **fields)
    except IntegrityError:  # a request made at the same moment by someone else
        raise ConflictError(_("This task already has a request waiting for the office's decision.")) from None


def _snapshot(request: TaskRequest) -> dict[str, object]:
    return {"request": request.pk, "kind": request.kind, "state": request.state, "reason": request.reason,
            "for_leader": request.for_leader,
            "requested_deadline": request.requested_deadline, "granted_deadline": request.granted_deadline,
            "suggested_unit": request.suggested_unit.code if request.suggested_unit else None,
            "note": request.decision_note}


@transaction.atomic
def request_extension(user: User, task: Task, *, deadline: dt.date, reason: str) -> TaskRequest:
    """The lead unit asks for `deadline` instead of the task's."""
    task = _locked(task)
    if not can(user, Action.REQUEST_EXTENSION, task):
        raise Forbidden(_("Only the lead unit's liaison asks for more time."))
    next_status(task.status, Action.REQUEST_EXTENSION)
    reason = _text(reason)
    refusal = why_not(task, Kind.EXTENSION)  # the state allows it: only the deadline can say no
    if refusal:
        raise InvalidInput(refusal)
    assert task.deadline is not None
    if deadline <= task.deadline:
        raise InvalidInput(_("Ask for a date after the current deadline, %(deadline)s.")
                           % {"deadline": date_format(task.deadline)})
    _refuse_second(task)
    for_leader = beyond_office(task, deadline)
    request = _create(task=task, kind=Kind.EXTENSION, unit=task.lead_unit, requested_by=user, reason=reason,
                      deadline_before=task.deadline, requested_deadline=deadline, for_leader=for_leader)
    record_event(user, "request_extension", task, before={"deadline": task.deadline}, after=_snapshot(request))
    text = _("%(unit)s asks to move the deadline from %(old)s to %(new)s: %(reason)s") % {
        "unit": task.lead_unit, "old": date_format(task.deadline), "new": date_format(deadline), "reason": reason}
    if for_leader:
        text += " " + _("(beyond %(days)s days: the leader in charge decides)") % {
            "days": settings.LUOSHI_EXTENSION_LEADER_DAYS}
    notify("request", task, text, to=portfolio.leaders_for_task(task) if for_leader else _office_of(task))
    return request


@transaction.atomic
def request_return(user: User, task: Task, *, reason: str, suggested_unit: Unit | None = None) -> TaskRequest:
    """The lead unit hands back a task it should not lead."""
    task = _locked(task)
    if not can(user, Action.REQUEST_RETURN, task):
        raise Forbidden(_("Only the lead unit's liaison hands a task back."))
    next_status(task.status, Action.REQUEST_RETURN)
    reason = _text(reason)
    if suggested_unit is not None and suggested_unit.pk == task.lead_unit_id:
        raise InvalidInput(_("Suggest a unit other than the one that leads the task now, or none."))
    _refuse_second(task)
    request = _create(task=task, kind=Kind.RETURN, unit=task.lead_unit, requested_by=user, reason=reason,
                      suggested_unit=suggested_unit)
    record_event(user, "request_return", task, before=None, after=_snapshot(request))
    text = _("%(unit)s hands the task back: %(reason)s") % {"unit": task.lead_unit, "reason": reason}
    if suggested_unit is not None:
        text += " " + _("(suggests %(unit)s)") % {"unit": suggested_unit}
    notify("request", task, text, to=_office_of(task))
    return request


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Please give a reason."))
    return text


def _open(request: TaskRequest) -> tuple[TaskRequest, Task]:
    """Lock the task, then the request; refuse a request already answered."""
    task = _locked(request.task)
    request = TaskRequest.objects.select_for_update(of=("self",)).select_related(
        "unit", "suggested_unit", "requested_by").get(pk=request.pk)
    request.task = task
    if not request.pending:
        raise ConflictError(_("This request was already answered (%(state)s).") % {"state": request.get_state_display()})
    return request, task


def _close(user: User, request: TaskRequest, state: str, note: str, verb: str, text: str) -> TaskRequest:
    request.state = state
    request.decided_by = user
    request.decided_at = lib.now()
    request.decision_note = note
    request.save()
    record_event(user, verb, request.task, before={"state": State.PENDING}, after=_snapshot(request))
    if state != State.WITHDRAWN:
        notify("decision", request.task, text, to=[request.requested_by, *liaisons_of([request.unit])])
    return request


@transaction.atomic
def decide_extension(user: User, request: TaskRequest, *, approve: bool, deadline: dt.date | None = None,
                     note: str = "") -> TaskRequest:
    """Approve (the date asked for, or a shorter `deadline`) or refuse (with a reason)."""
    request, task = _open(request)
    if request.kind != Kind.EXTENSION:
        raise InvalidInput(_("This request is not for an extension."))
    if not may_decide(user, request):
        if request.for_leader and manages(user, task):
            # The office sees the request on the task's page: tell it why it cannot decide.
            raise InvalidInput(_("An extension of more than %(days)s days is decided by the leader in charge.")
                               % {"days": settings.LUOSHI_EXTENSION_LEADER_DAYS})
        raise Forbidden(_("Only the office that supervises this task decides."))
    note = (note or "").strip()
    if not approve:
        note = _text(note)
        return _close(user, request, State.REFUSED, note, "refuse_extension",
                      _("Extension refused: %(note)s") % {"note": note})
    assert request.requested_deadline is not None  # an extension always asks for a date
    granted = deadline or request.requested_deadline
    if granted > request.requested_deadline:
        raise InvalidInput(_("Grant at most the date asked for, %(date)s.") % {"date": date_format(request.requested_deadline)})
    if task.deadline is not None and granted <= task.deadline:
        raise InvalidInput(_("Grant a date after the current deadline, %(date)s, or refuse.")
                           % {"date": date_format(task.deadline)})
    request.granted_deadline = granted
    if request.for_leader:
        task_services.extend_deadline_by_leader(user, task, deadline=granted)
    else:
        task_services.update_task(user, task, deadline=granted)
    state = State.APPROVED if granted == request.requested_deadline else State.SHORTENED
    return _close(user, request, state, note, "grant_extension",
                  _("Extension granted: the deadline is now %(date)s.") % {"date": date_format(granted)}
                  + (f" {note}" if note else ""))


@transaction.atomic
def decide_return(user: User, request: TaskRequest, *, accept: bool, lead_unit: Unit | None = None,
                  cooperating_units: Iterable[Unit] | None = None, note: str = "") -> TaskRequest:
    """Accept (reassign to `lead_unit`) or refuse (with a reason) a task handed back."""
    request, task = _open(request)
    if request.kind != Kind.RETURN:
        raise InvalidInput(_("This request is not a hand-back."))
    if not manages(user, task):
        raise Forbidden(_("Only the office that supervises this task decides."))
    note = (note or "").strip()
    if not accept:
        note = _text(note)
        return _close(user, request, State.REFUSED, note, "refuse_return",
                      _("Hand-back refused; the task stays with %(unit)s: %(note)s") % {"unit": task.lead_unit, "note": note})
    if lead_unit is None:
        raise InvalidInput(_("Choose the unit that leads the task from now on."))
    if lead_unit.pk == task.lead_unit_id:
        raise InvalidInput(_("%(unit)s handed this task back; choose another lead unit.") % {"unit": lead_unit})
    task_services.reassign_task(user, task, lead_unit=lead_unit, cooperating_units=cooperating_units,
                                reason=note or request.reason)
    return _close(user, request, State.APPROVED, note, "accept_return",
                  _("Hand-back accepted: the task now goes to %(unit)s.") % {"unit": lead_unit})


def may_withdraw(user: User, request: TaskRequest) -> bool:
    """The person who asked, or a liaison of the unit that asked (or above it)."""
    return request.pending and user.is_active and (user.pk == request.requested_by_id or (
        user.role == User.Role.LIAISON and user.unit is not None and request.unit.is_within(user.unit)))


@transaction.atomic
def withdraw(user: User, request: TaskRequest) -> TaskRequest:
    """The unit takes back a request not yet answered."""
    request, _task = _open(request)
    if not may_withdraw(user, request):
        raise Forbidden(_("Only the unit that asked withdraws its request."))
    return _close(user, request, State.WITHDRAWN, "", "withdraw_request", "")



# --- cooperating units' share (协办反馈) -------------------------------------------------------------


@transaction.atomic
def ask_for_input(user: User, task: Task, *, unit: Unit, due: dt.date, text: str) -> InputRequest:
    """The lead unit asks one of the task's cooperating units for its share by `due`. The
    unit answers with a progress report on the task."""
    task = _locked(task)
    if not can(user, Action.ASK_FOR_INPUT, task):
        raise Forbidden(_("Only the lead unit's liaison asks a cooperating unit for input."))
    next_status(task.status, Action.ASK_FOR_INPUT)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Say what you need from the cooperating unit."))
    if not task.cooperating_units.filter(pk=unit.pk).exists():
        raise InvalidInput(_("%(unit)s does not cooperate on this task.") % {"unit": unit})
    if due < lib.today():
        raise InvalidInput(_("Give a date from today on."))
    if task.deadline is not None and due > task.deadline:
        raise InvalidInput(_("Give a date by the task's deadline, %(date)s.") % {"date": date_format(task.deadline)})
    asked = InputRequest.objects.create(task=task, to_unit=unit, asked_by=user, asked_at=lib.now(), text=text, due=due)
    record_event(user, "ask_for_input", task, after={"unit": unit.code, "due": due, "text": text})
    notify("request", task, _("%(lead)s asks %(unit)s for input by %(date)s: %(text)s")
           % {"lead": task.lead_unit, "unit": unit, "date": date_format(due), "text": text}, to=liaisons_of([unit]))
    return asked


@dataclass(frozen=True)
class InputState:
    request: InputRequest
    answer: ProgressReport | None
    late: bool


def input_requests(task: Task) -> list[InputState]:
    """The task's requests for input, each with the first report of its unit since it was asked."""
    asked = list(InputRequest.objects.filter(task=task).select_related("to_unit", "asked_by"))
    if not asked:
        return []
    reports = list(ProgressReport.objects.filter(task=task, unit__in=[a.to_unit_id for a in asked])
                   .order_by("submitted_at", "id"))
    today = lib.today()
    states = []
    for item in asked:
        answer = next((r for r in reports if r.unit_id == item.to_unit_id and r.submitted_at >= item.asked_at), None)
        states.append(InputState(item, answer, answer is None and today > item.due))
    return states

