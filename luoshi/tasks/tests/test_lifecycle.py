"""The task life cycle: every move TRANSITIONS allows works, every other one is refused."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.lib import InvalidInput, TransitionError
from luoshi.taskrequests import services as taskrequests
from luoshi.tasks import services
from luoshi.tasks.lifecycle import (
    OPEN,
    SUSPENDED_STATE,
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    next_status,
)
from luoshi.tasks.models import Indicator, Milestone, Task
from luoshi.testing.fixtures import Province, build_province, built_for_module

# --- how to reach each state, and how to take each action ---------------------------------------
# The lead unit is the emergency department, so `province.liaison` is the lead liaison.

BUILD: dict[str, Callable[[Province], Task]] = {
    Status.DRAFT: lambda p: p.draft(),
    Status.ASSIGNED: lambda p: p.assigned(),
    Status.SIGNED: lambda p: p.signed(),
    Status.IN_PROGRESS: lambda p: p.in_progress(),
    Status.COMPLETION_REQUESTED: lambda p: p.completion_requested(),
    Status.COMPLETED: lambda p: p.completed(),
    Status.SUSPENDED: lambda p: p.suspended(),
    Status.CANCELLED: lambda p: p.cancelled(),
}

# --- one province, and one task in each state, per module -------------------------------------------
# About a hundred cases each need a task in some state; building the province and the task
# for each would cost seconds, so they are built once, through the services, in a transaction
# rolled back when the module ends. Every test runs in its own savepoint (the `db` fixture)
# and reads its task afresh, so nothing leaks between tests.


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Province, dict[str, int]]]:
    def make():  # type: ignore[no-untyped-def]
        province = build_province()
        tasks = {state: build(province).pk for state, build in BUILD.items()}
        return province, tasks

    yield from built_for_module(django_db_blocker, make)


@pytest.fixture
def province(shared: tuple[Province, dict[str, int]], db: None) -> Province:
    return copy.deepcopy(shared[0])


@pytest.fixture
def task_in(shared: tuple[Province, dict[str, int]], db: None) -> Callable[[str], Task]:
    """A fresh copy of the module's task in the given state."""
    return lambda state: Task.objects.get(pk=shared[1][state])


DO: dict[str, Callable[[Province, Task], object]] = {
    Action.ASSIGN: lambda p, t: services.assign_task(p.supervisor, t),
    Action.SIGN: lambda p, t: services.sign_task(p.liaison, t),
    Action.REPORT: lambda p, t: services.report_progress(p.liaison, t, text="half the sites inspected", progress=50),
    Action.REQUEST_COMPLETION: lambda p, t: services.request_completion(p.liaison, t, text="all sites inspected"),
    Action.APPROVE: lambda p, t: services.approve_completion(p.supervisor, t, grade="good"),
    Action.RETURN: lambda p, t: services.return_task(p.supervisor, t, reason="evidence is missing"),
    Action.SUSPEND: lambda p, t: services.suspend_task(p.supervisor, t, reason="waiting for funds"),
    Action.RESUME: lambda p, t: services.resume_task(p.supervisor, t),
    Action.CANCEL: lambda p, t: services.cancel_task(p.supervisor, t, reason="superseded"),
    Action.DECOMPOSE: lambda p, t: services.decompose_task(
        p.supervisor, t, [services.SubTask(lead_unit=p.emergency, title="inspect the mines")]),
    Action.URGE: lambda p, t: services.urge_task(p.supervisor, t, text="please report this week"),
    Action.ESCALATE: lambda p, t: services.escalate_task(p.supervisor, t, level=2, reason="two weeks late"),
    Action.REQUEST_EXTENSION: lambda p, t: taskrequests.request_extension(
        p.liaison, t, deadline=(t.deadline or lib.today()) + dt.timedelta(days=30), reason="the site is flooded"),
    Action.REQUEST_RETURN: lambda p, t: taskrequests.request_return(p.liaison, t, reason="health's work"),
    Action.REASSIGN: lambda p, t: services.reassign_task(p.supervisor, t, lead_unit=p.health, reason="三定 rules"),
    Action.ASK_FOR_INPUT: lambda p, t: (t.cooperating_units.add(p.health), taskrequests.ask_for_input(
        p.liaison, t, unit=p.health, due=lib.today(), text="your inspection figures")),
    Action.ADD_MILESTONE: lambda p, t: services.add_milestone(p.supervisor, t, title="plan", due=lib.today()),
    Action.COMPLETE_MILESTONE: lambda p, t: services.complete_milestone(
        p.liaison, Milestone.objects.create(task=t, title="plan", due=lib.today()), text="the plan is out"),
    Action.PLAN_INDICATORS: lambda p, t: services.add_indicator(
        p.supervisor, t, name="mines inspected", baseline=0, target=100, plan=[(lib.today(), 10)]),
    Action.RECORD_ACTUALS: lambda p, t: services.record_actuals(p.liaison, t, [services.ActualRow(
        2, Indicator.objects.get_or_create(task=t, name="mines", defaults={
            "baseline": 0, "target": 10, "created_at": lib.now()})[0].name, lib.today(), Decimal(3))]),
    Action.INSTRUCT: lambda p, t: services.write_instruction(p.leader, t, text="finish before the flood season"),
    Action.UPDATE: lambda p, t: services.update_task(p.supervisor, t, title="inspect every mine"),
}

ALLOWED = [(action, state) for action, moves in TRANSITIONS.items() for state in moves]
FORBIDDEN = [(action, state) for action in Action for state in Status if state not in TRANSITIONS.get(action, {})]


def _id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}-from-{pair[1]}"


def _state(task: Task) -> tuple[str, int, int]:
    task.refresh_from_db()
    return task.status, task.version, AuditEvent.objects.count()


# --- the tables themselves ---------------------------------------------------------------------


def test_it_knows_how_to_reach_every_state_and_take_every_action():
    """The tables above cover every Status and every Action, so none can be forgotten."""
    assert set(BUILD) == set(Status.values)
    assert set(DO) == set(Action.values)
    assert set(TRANSITIONS) == set(Action.values)


def test_it_moves_only_to_real_states():
    """Every target in TRANSITIONS is a Status, "stays" (None) or "back to before suspension"."""
    for moves in TRANSITIONS.values():
        for source, target in moves.items():
            assert source in Status.values
            assert target is None or target is SUSPENDED_STATE or target in Status.values


def test_it_lists_the_allowed_actions_from_the_table():
    """allowed_actions(state) is exactly the actions whose row names that state."""
    for state in Status:
        assert set(allowed_actions(state)) == {a for a, s in ALLOWED if s == state}


def test_it_leaves_completed_and_cancelled_tasks_closed():
    """Nothing moves a completed or cancelled task: a leader may still instruct on it, and
    nothing else happens to it."""
    for state in (Status.COMPLETED, Status.CANCELLED):
        assert allowed_actions(state) == [Action.INSTRUCT]
        assert TRANSITIONS[Action.INSTRUCT][state] is None


def test_it_names_an_unknown_action_in_its_refusal():
    """An action the table does not know is a TransitionError too, not a KeyError."""
    with pytest.raises(TransitionError, match="fly"):
        next_status(Status.SIGNED, "fly")


# --- every allowed move, through the real service ------------------------------------------------


@pytest.mark.parametrize(("action", "state"), ALLOWED, ids=map(_id, ALLOWED))
def test_it_takes_every_allowed_transition(province: Province, task_in: Callable[[str], Task], action: str, state: str):
    """The service moves the task to the state TRANSITIONS names, or leaves it where it is."""
    task = task_in(state)
    assert task.status == state
    before_suspension = task.status_before_suspension
    version = task.version

    DO[action](province, task)

    task.refresh_from_db()
    target = TRANSITIONS[action][state]
    if target is None:
        expected = state
    elif target is SUSPENDED_STATE:
        expected = before_suspension
    else:
        expected = target
    assert task.status == expected
    if target is not None:
        assert task.version > version


# --- every other move is refused ----------------------------------------------------------------------


@pytest.mark.parametrize(("action", "state"), FORBIDDEN, ids=map(_id, FORBIDDEN))
def test_it_refuses_every_other_transition(province: Province, task_in: Callable[[str], Task], action: str, state: str):
    """The refusal names the current state and the attempted action, and changes nothing."""
    task = task_in(state)
    before = _state(task)

    with pytest.raises(TransitionError) as refusal:
        DO[action](province, task)

    message = str(refusal.value)
    assert str(Status(state).label) in message
    assert str(Action(action).label) in message
    assert _state(task) == before


# --- suspending, resuming, and the reasons ----------------------------------------------------------


@pytest.mark.parametrize("state", sorted(OPEN))
def test_it_resumes_to_the_state_before_suspension(province: Province, task_in: Callable[[str], Task], state: str):
    """Suspend from any open state, resume, and the task is back where it was."""
    task = task_in(state)
    services.suspend_task(province.supervisor, task, reason="waiting for funds")
    task = services.resume_task(province.supervisor, task)
    assert task.status == state
    assert task.status_before_suspension == ""
    assert task.status_reason == ""


def test_it_keeps_the_reason_for_suspending_and_cancelling(province: Province, task_in: Callable[[str], Task]):
    """The reason given is stored on the task."""
    task = services.suspend_task(province.supervisor, task_in(Status.SIGNED), reason="waiting for funds")
    assert task.status_reason == "waiting for funds"
    task = services.cancel_task(province.supervisor, task, reason="superseded by a new plan")
    assert (task.status, task.status_reason) == (Status.CANCELLED, "superseded by a new plan")


REASONED: dict[str, tuple[str, Callable[[Province, Task, str], object]]] = {
    "suspend": (Status.SIGNED, lambda p, t, r: services.suspend_task(p.supervisor, t, reason=r)),
    "cancel": (Status.SIGNED, lambda p, t, r: services.cancel_task(p.supervisor, t, reason=r)),
    "cancel-suspended": (Status.SUSPENDED, lambda p, t, r: services.cancel_task(p.supervisor, t, reason=r)),
    "return": (Status.COMPLETION_REQUESTED, lambda p, t, r: services.return_task(p.supervisor, t, reason=r)),
}


@pytest.mark.parametrize("blank", ["", "   \n"], ids=["empty", "whitespace"])
@pytest.mark.parametrize("verb", list(REASONED))
def test_it_needs_a_reason(province: Province, task_in: Callable[[str], Task], verb: str, blank: str):
    """Suspend, cancel and return refuse a blank reason and change nothing."""
    state, call = REASONED[verb]
    task = task_in(state)
    before = _state(task)
    with pytest.raises(InvalidInput):
        call(province, task, blank)
    assert _state(task) == before
