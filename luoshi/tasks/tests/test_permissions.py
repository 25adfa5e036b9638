"""Who may do what with a task: the rules in the docstring of luoshi/tasks/permissions.py."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, NotFound
from luoshi.tasks import services
from luoshi.tasks.lifecycle import Action, Status
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import can, can_read, get_task_for_user, visible_tasks
from luoshi.testing.fixtures import Province, build_province, built_for_module

# --- the personas -------------------------------------------------------------------------------
# The task is led by the county (SY-HP, below the city SY), with the health commission
# cooperating; the emergency department has nothing to do with it.

PERSONAS: dict[str, str] = {
    "sup": "supervisor",
    "lead": "county_liaison",  # liaison of the lead unit
    "up": "city_liaison",  # liaison of the lead unit's parent
    "coop": "other_liaison",  # liaison of a cooperating unit
    "other": "liaison",  # liaison of an unrelated unit
    "leader": "leader",
    "sec": "secretary",
    "sysad": "sysadmin",
    "secad": "secadmin",
    "audad": "auditadmin",
    "out": "outsider",  # an inactive supervisor
}


def county_task(p: Province, state: str) -> Task:
    """A task led by the county, the health commission cooperating, brought to `state`."""
    return getattr(p, state)(p.county, cooperating_units=[p.health])


def sub_task(p: Province, state: str) -> Task:
    """A task led by the city, decomposed by the city's liaison into a sub-task for the county."""
    parent = p.signed(p.city)
    child = services.decompose_task(p.city_liaison, parent, [services.SubTask(lead_unit=p.county, title="schools")])[0]
    if state in (Status.SIGNED, Status.IN_PROGRESS, Status.COMPLETION_REQUESTED):
        child = services.sign_task(p.county_liaison, child)
    if state in (Status.IN_PROGRESS, Status.COMPLETION_REQUESTED):
        services.report_progress(p.county_liaison, child, text="begun", progress=40)
    if state == Status.COMPLETION_REQUESTED:
        child = services.request_completion(p.county_liaison, child, text="done")
    if state == Status.SUSPENDED:
        child = services.suspend_task(p.supervisor, child, reason="no funds")
    child.refresh_from_db()
    assert child.status == state
    return child


# --- the matrix ------------------------------------------------------------------------------------

Call = Callable[[Province, User, Task], object]

# service → (the state its task must be in, how to call it as `user` on that task)
CALLS: dict[str, tuple[str, Call]] = {
    "create_task": ("draft", lambda p, u, t: services.create_task(
        u, p.directive, lead_unit=p.county, deadline=lib.today() + dt.timedelta(days=30))),
    "assign_task": ("draft", lambda p, u, t: services.assign_task(u, t)),
    "sign_task": ("assigned", lambda p, u, t: services.sign_task(u, t)),
    "update_task": ("signed", lambda p, u, t: services.update_task(u, t, person_responsible="Ms Wang")),
    "report_progress": ("signed", lambda p, u, t: services.report_progress(u, t, text="begun", progress=5)),
    "request_completion": ("in_progress", lambda p, u, t: services.request_completion(u, t, text="done")),
    "approve_completion": ("completion_requested", lambda p, u, t: services.approve_completion(u, t, grade="good")),
    "return_task": ("completion_requested", lambda p, u, t: services.return_task(u, t, reason="no proof")),
    "review_report": ("in_progress", lambda p, u, t: services.review_report(u, t.reports.get(), accept=True)),
    "suspend_task": ("signed", lambda p, u, t: services.suspend_task(u, t, reason="no funds")),
    "resume_task": ("suspended", lambda p, u, t: services.resume_task(u, t)),
    "cancel_task": ("signed", lambda p, u, t: services.cancel_task(u, t, reason="superseded")),
    "decompose_task": ("signed", lambda p, u, t: services.decompose_task(
        u, t, [services.SubTask(lead_unit=p.county, title="check the schools")])),
    "urge_task": ("signed", lambda p, u, t: services.urge_task(u, t, text="please report")),
    "escalate_task": ("signed", lambda p, u, t: services.escalate_task(u, t, level=2, reason="late")),
    "write_instruction": ("signed", lambda p, u, t: services.write_instruction(u, t, text="Do it well.")),
}

# On a county-led task, the health commission cooperating. Y: allowed, -: Forbidden.
MATRIX = """
                    sup lead up coop other leader sec sysad secad audad out
create_task          Y   -   -   -    -     -     -    -     -     -    -
assign_task          Y   -   -   -    -     -     -    -     -     -    -
sign_task            -   Y   Y   -    -     -     -    -     -     -    -
update_task          Y   -   -   -    -     -     -    -     -     -    -
report_progress      -   Y   Y   Y    -     -     -    -     -     -    -
request_completion   -   Y   Y   -    -     -     -    -     -     -    -
approve_completion   Y   -   -   -    -     -     -    -     -     -    -
return_task          Y   -   -   -    -     -     -    -     -     -    -
review_report        Y   -   -   -    -     -     -    -     -     -    -
suspend_task         Y   -   -   -    -     -     -    -     -     -    -
resume_task          Y   -   -   -    -     -     -    -     -     -    -
cancel_task          Y   -   -   -    -     -     -    -     -     -    -
decompose_task       Y   Y   Y   -    -     -     -    -     -     -    -
urge_task            Y   -   -   -    -     -     -    -     -     -    -
escalate_task        Y   -   -   -    -     -     -    -     -     -    -
write_instruction    -   -   -   -    -     Y     -    -     -     -    -
"""

# On a county sub-task of a city-led task: "up", the city's liaison, handed it down and
# manages it; "lead", the county's own liaison, does not.
SUB_MATRIX = """
                    sup lead up other
update_task          Y   -   Y   -
approve_completion   Y   -   Y   -
return_task          Y   -   Y   -
review_report        Y   -   Y   -
suspend_task         Y   -   Y   -
resume_task          Y   -   Y   -
cancel_task          Y   -   Y   -
urge_task            Y   -   Y   -
escalate_task        Y   -   -   -
"""


def parse(matrix: str) -> list[tuple[str, str, bool]]:
    header, *rows = [line.split() for line in matrix.strip().splitlines()]
    return [(row[0], persona, mark == "Y") for row in rows for persona, mark in zip(header, row[1:], strict=True)]


CELLS = parse(MATRIX)
SUB_CELLS = parse(SUB_MATRIX)


# --- one province, and one task in each state, per module -------------------------------------------
# The matrix has some two hundred cells, each needing a task in some state; building the
# province and the task for each would cost seconds, so they are built once, through the
# services, in a transaction rolled back when the module ends. Every test runs in its own
# savepoint (the `db` fixture) and reads its task afresh, so nothing leaks between tests.


@dataclass
class World:
    province: Province
    county_tasks: dict[str, int]  # state → pk of a county_task()
    sub_tasks: dict[str, int]  # state → pk of a sub_task()
    named: dict[str, int]  # an assigned task each for the emergency department, the county and Dalian


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    def make():  # type: ignore[no-untyped-def]
        province = build_province()
        built = World(
            province,
            {state: county_task(province, state).pk for state, _ in CALLS.values()},
            {state: sub_task(province, state).pk for state in {CALLS[s][0] for s, _, _ in SUB_CELLS}},
            {"emergency": province.assigned(province.emergency).pk,
             "county": county_task(province, "assigned").pk,
             "dalian": province.draft(province.other_city).pk},
        )
        return built

    yield from built_for_module(django_db_blocker, make)


@pytest.fixture
def province(world: World, db: None) -> Province:
    return copy.deepcopy(world.province)


def check_cell(province: Province, task: Task, service: str, persona: str, allowed: bool) -> None:
    """Allowed: the call goes through. Refused: Forbidden, and neither the task nor the audit trail moved."""
    user = getattr(province, PERSONAS[persona])
    call = CALLS[service][1]
    if allowed:
        call(province, user, task)
        return
    before = (task.status, task.version, AuditEvent.objects.count(), Task.objects.count())
    with pytest.raises(Forbidden):
        call(province, user, task)
    task.refresh_from_db()
    assert (task.status, task.version, AuditEvent.objects.count(), Task.objects.count()) == before


def test_it_has_a_matrix_cell_for_every_service_and_persona():
    """Each service and each persona has exactly one cell, so none can be forgotten."""
    assert [service for service, _, _ in CELLS[::len(PERSONAS)]] == list(CALLS)
    assert [persona for _, persona, _ in CELLS[:len(PERSONAS)]] == list(PERSONAS)
    assert len(CELLS) == len(CALLS) * len(PERSONAS)


@pytest.mark.parametrize(("service", "persona", "allowed"), CELLS, ids=[f"{s}-{p}" for s, p, _ in CELLS])
def test_it_allows_exactly_what_the_matrix_says(
    province: Province, world: World, service: str, persona: str, allowed: bool,
):
    """On a county-led task, each service is allowed or Forbidden for each persona as MATRIX says."""
    task = Task.objects.get(pk=world.county_tasks[CALLS[service][0]])
    check_cell(province, task, service, persona, allowed)


@pytest.mark.parametrize(("service", "persona", "allowed"), SUB_CELLS, ids=[f"{s}-{p}" for s, p, _ in SUB_CELLS])
def test_it_lets_the_parent_units_liaison_manage_a_sub_task(
    province: Province, world: World, service: str, persona: str, allowed: bool,
):
    """The liaison whose unit leads the parent manages the sub-task, as SUB_MATRIX says."""
    task = Task.objects.get(pk=world.sub_tasks[CALLS[service][0]])
    check_cell(province, task, service, persona, allowed)


# --- decomposing -------------------------------------------------------------------------------------


def test_it_refuses_a_liaison_decomposing_to_a_unit_outside_its_own(province: Province):
    """The city's liaison cannot hand part of the city's task to the health commission."""
    task = province.signed(province.city)
    with pytest.raises(Forbidden):
        services.decompose_task(province.city_liaison, task, [
            services.SubTask(lead_unit=province.county, title="schools"),
            services.SubTask(lead_unit=province.health, title="hospitals"),
        ])
    assert not Task.objects.filter(parent=task).exists()


def test_it_lets_the_supervisor_decompose_to_any_unit(province: Province):
    """The office may hand part of a task to any unit."""
    task = province.signed(province.city)
    [child] = services.decompose_task(province.supervisor, task,
                                      [services.SubTask(lead_unit=province.health, title="hospitals")])
    assert child.lead_unit == province.health


# --- reading --------------------------------------------------------------------------------------

VISIBLE: dict[str, set[str]] = {
    "sup": {"emergency", "county", "dalian"},
    "leader": {"emergency", "county"},  # "dalian" is a draft: the office's alone
    "lead": {"county"},
    "up": {"county"},
    "coop": {"county"},
    "other": {"emergency"},
    "sec": set(),
    "sysad": set(),
    "secad": set(),
    "audad": set(),
    "out": set(),
}


@pytest.fixture
def three_tasks(world: World, db: None) -> dict[str, Task]:
    return {name: Task.objects.get(pk=pk) for name, pk in world.named.items()}


def test_it_has_a_visibility_row_for_every_persona():
    """Each persona has a row in VISIBLE."""
    assert set(VISIBLE) == set(PERSONAS)


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_it_shows_each_persona_exactly_its_tasks(province: Province, three_tasks: dict[str, Task], persona: str):
    """visible_tasks is the whole list for readers of everything, the unit's tasks for a liaison, else none."""
    user = getattr(province, PERSONAS[persona])
    names = {name for name, task in three_tasks.items() if visible_tasks(user).filter(pk=task.pk).exists()}
    assert names == VISIBLE[persona]


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_it_agrees_with_can_read(province: Province, three_tasks: dict[str, Task], persona: str):
    """A task is in visible_tasks exactly when can_read says the user may read it."""
    user = getattr(province, PERSONAS[persona])
    for task in three_tasks.values():
        assert can_read(user, task) == visible_tasks(user).filter(pk=task.pk).exists()


def test_it_lists_each_task_once_for_a_liaison_who_both_leads_and_cooperates(province: Province):
    """A task led by one of the unit's sub-units with the unit cooperating is not listed twice."""
    task = province.assigned(province.county, cooperating_units=[province.city])
    assert visible_tasks(province.city_liaison).filter(pk=task.pk).count() == 1


@pytest.mark.parametrize("persona", ["sysad", "secad", "audad"])
def test_it_shows_the_administrators_no_task(province: Province, three_tasks: dict[str, Task], persona: str):
    """The three administrators touch no business data: no list, no task, no action."""
    user = getattr(province, PERSONAS[persona])
    assert not visible_tasks(user).exists()
    for task in three_tasks.values():
        with pytest.raises(NotFound):
            get_task_for_user(user, task.pk)
        assert not any(can(user, action, task) for action in [*Action.values, "update", "instruct"])


def test_it_gets_a_visible_task(province: Province, three_tasks: dict[str, Task]):
    """The lead liaison gets its task, and with an action it may take."""
    task = three_tasks["county"]
    assert get_task_for_user(province.county_liaison, task.pk) == task
    assert get_task_for_user(province.county_liaison, str(task.pk), Action.SIGN) == task


def test_it_says_not_found_alike_for_missing_and_for_not_yours(province: Province, three_tasks: dict[str, Task]):
    """A missing pk, another unit's task, a bad pk and a forbidden action all raise the same NotFound."""
    missing = max(t.pk for t in three_tasks.values()) + 1000
    errors = []
    for pk, action in [(missing, None), (three_tasks["dalian"].pk, None), ("not-a-number", None),
                       (three_tasks["county"].pk, Action.APPROVE)]:
        with pytest.raises(NotFound) as error:
            get_task_for_user(province.county_liaison, pk, action)
        errors.append(str(error.value))
    assert len(set(errors)) == 1


@pytest.mark.parametrize("persona", ["supervisor", "leader", "county_liaison"])
def test_it_reads_the_task_whole_for_every_reader(province: Province, three_tasks: dict[str, Task], persona: str):
    """Readers of every task (read by id alone) and liaisons (through their scope) get the same task,
    with the related objects the task page shows, and NotFound alike for ids no row can have."""
    user = getattr(province, persona)
    task = get_task_for_user(user, str(three_tasks["county"].pk))
    expected = Task.objects.select_related("lead_unit", "parent__lead_unit", "directive__meeting").get(pk=task.pk)
    assert vars(task).keys() == vars(expected).keys()
    assert all(getattr(task, name) == getattr(expected, name) for name in vars(expected) if name != "_state")
    assert task.lead_unit.name_en == expected.lead_unit.name_en and task.directive.meeting == expected.directive.meeting
    for pk in (2**63, "-1", "1e3", " "):
        with pytest.raises(NotFound):
            get_task_for_user(user, pk)


def test_it_gives_the_inactive_nothing(province: Province, three_tasks: dict[str, Task]):
    """An inactive supervisor can neither list, read nor act on any task."""
    assert not visible_tasks(province.outsider).exists()
    for task in three_tasks.values():
        assert not can_read(province.outsider, task)
        assert not any(can(province.outsider, action, task) for action in [*Action.values, "update", "instruct"])


@pytest.mark.parametrize("persona", ["sup", "up", "coop"])
def test_it_lists_and_gets_in_one_query(province: Province, three_tasks: dict[str, Task], persona: str,
                                        django_assert_num_queries: Any):
    """Listing a persona's tasks and getting one of them each cost one query, however many tasks exist."""
    user = getattr(province, PERSONAS[persona])
    with django_assert_num_queries(1):
        tasks = list(visible_tasks(user))
    assert three_tasks["county"] in tasks
    with django_assert_num_queries(1):
        get_task_for_user(user, three_tasks["county"].pk)
