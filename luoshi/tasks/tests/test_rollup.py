"""A decomposed task's progress comes from its sub-tasks, and it closes only after them."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.lib import InvalidInput
from luoshi.tasks import services
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.tasks.services import SubTask
from luoshi.testing.fixtures import Province


def progress(task: Task) -> int:
    task.refresh_from_db()
    return task.progress


def family(province: Province) -> tuple[Task, Task, Task]:
    """A city task split into a county part of weight 2 and a city part of weight 1, both signed."""
    parent = province.signed(province.city)
    county_part, city_part = services.decompose_task(province.city_liaison, parent, [
        SubTask(lead_unit=province.county, title="inspect the county's mines", weight=2),
        SubTask(lead_unit=province.city, title="inspect the city's mines", weight=1),
    ])
    services.sign_task(province.county_liaison, county_part)
    services.sign_task(province.city_liaison, city_part)
    return parent, county_part, city_part


def report(province: Province, task: Task, value: int) -> None:
    services.report_progress(province.liaison_of(task), task, text=f"{value}% done", progress=value)


def complete(province: Province, task: Task) -> None:
    services.request_completion(province.liaison_of(task), task, text="done")
    services.approve_completion(province.supervisor, task, grade="good")


def test_it_averages_the_children_by_weight(province: Province):
    """Weights 2 and 1 at 30% and 60% make the parent 40%."""
    parent, county_part, city_part = family(province)
    report(province, county_part, 30)
    report(province, city_part, 60)
    assert progress(parent) == 40


def test_it_recomputes_on_every_child_report(province: Province):
    """Each report moves the parent at once, and records the roll-up in the audit trail."""
    parent, county_part, city_part = family(province)
    report(province, county_part, 30)
    assert progress(parent) == 20
    report(province, city_part, 60)
    assert progress(parent) == 40
    report(province, county_part, 90)
    assert progress(parent) == 80
    rolled = AuditEvent.objects.filter(verb="roll_up_progress", object_id=str(parent.pk))
    assert [event.after["progress"] for event in rolled] == [20, 40, 80]


def test_it_counts_a_completed_child_as_done(province: Province):
    """Approving a child's completion brings it to 100% in the parent's average."""
    parent, county_part, city_part = family(province)
    report(province, county_part, 30)
    complete(province, city_part)
    assert progress(parent) == 53  # (2 × 30 + 1 × 100) / 3, rounded


def test_it_ignores_cancelled_children(province: Province):
    """A cancelled sub-task no longer counts, and cancelling it recomputes the parent."""
    parent, county_part, city_part = family(province)
    report(province, county_part, 30)
    report(province, city_part, 60)
    services.cancel_task(province.city_liaison, city_part, reason="merged into the county's work")
    assert progress(parent) == 30


def test_it_recomputes_when_a_childs_weight_changes(province: Province):
    """Changing a sub-task's weight changes the parent's average at once."""
    parent, county_part, city_part = family(province)
    report(province, county_part, 30)
    report(province, city_part, 60)
    services.update_task(province.supervisor, city_part, weight=2)
    assert progress(parent) == 45


def test_it_rolls_up_two_levels(province: Province):
    """A grandchild's report moves its parent and its grandparent."""
    parent, county_part, city_part = family(province)
    schools, hospitals = services.decompose_task(province.county_liaison, county_part, [
        SubTask(lead_unit=province.county, title="schools", weight=1),
        SubTask(lead_unit=province.county, title="hospitals", weight=3),
    ])
    for grandchild in (schools, hospitals):
        services.sign_task(province.county_liaison, grandchild)
    report(province, schools, 40)
    report(province, hospitals, 80)
    assert progress(county_part) == 70  # (1 × 40 + 3 × 80) / 4
    assert progress(parent) == 47  # (2 × 70 + 1 × 0) / 3, rounded


def test_it_keeps_the_rolled_up_progress_when_the_parent_itself_reports(province: Province):
    """A report on a decomposed task is recorded but does not override its children's average."""
    parent, county_part, city_part = family(province)
    report(province, county_part, 30)
    report(province, city_part, 60)
    report(province, parent, 95)
    assert progress(parent) == 40
    assert parent.reports.filter(progress=95).exists()


def test_it_refuses_completion_while_a_child_is_open(province: Province):
    """The parent cannot ask for completion before its sub-tasks are done, and nothing changes."""
    parent, county_part, city_part = family(province)
    complete(province, county_part)
    parent.refresh_from_db()
    before = (parent.status, parent.version, parent.reports.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput):
        services.request_completion(province.city_liaison, parent, text="done")
    parent.refresh_from_db()
    assert (parent.status, parent.version, parent.reports.count(), AuditEvent.objects.count()) == before


def test_it_refuses_approval_while_a_child_is_open(province: Province):
    """The office cannot approve a parent whose sub-task is still open."""
    parent, county_part, city_part = family(province)
    # No service leaves a parent waiting for approval with an open child (request_completion
    # refuses first), so the state is set directly to test approve_completion's own guard.
    Task.objects.filter(pk=parent.pk).update(status=Status.COMPLETION_REQUESTED)
    with pytest.raises(InvalidInput):
        services.approve_completion(province.supervisor, parent, grade="good")
    assert Task.objects.get(pk=parent.pk).status == Status.COMPLETION_REQUESTED


def test_it_completes_the_parent_once_every_child_is_closed(province: Province):
    """With one child completed and the other cancelled, the parent asks for completion and is approved."""
    parent, county_part, city_part = family(province)
    complete(province, county_part)
    services.cancel_task(province.supervisor, city_part, reason="no longer needed")
    assert progress(parent) == 100
    services.request_completion(province.city_liaison, parent, text="all parts done")
    parent = services.approve_completion(province.supervisor, parent, grade="good")
    assert (parent.status, parent.progress) == (Status.COMPLETED, 100)


def test_it_refuses_a_sub_task_due_after_its_parent(province: Province):
    """A sub-task's deadline cannot be later than its parent's; no sub-task is created."""
    parent = province.signed(province.city)
    late = parent.deadline + dt.timedelta(days=1)
    with pytest.raises(InvalidInput):
        services.decompose_task(province.city_liaison, parent, [
            SubTask(lead_unit=province.county, title="on time"),
            SubTask(lead_unit=province.county, title="late", deadline=late),
        ])
    assert not parent.children.exists()


def test_it_gives_a_sub_task_its_parents_deadline_by_default(province: Province):
    """A sub-task without a deadline of its own is due when its parent is, and starts assigned."""
    parent = province.signed(province.city)
    [child] = services.decompose_task(province.city_liaison, parent, [SubTask(lead_unit=province.county, title="x")])
    assert (child.deadline, child.status, child.parent_id) == (parent.deadline, Status.ASSIGNED, parent.pk)


@pytest.mark.parametrize("weight", [0, -1])
def test_it_refuses_a_weight_below_one(province: Province, weight: int):
    """A sub-task weighs at least 1, whether set when decomposing or later."""
    parent, county_part, city_part = family(province)
    with pytest.raises(InvalidInput):
        services.decompose_task(province.supervisor, parent, [SubTask(province.county, "x", weight=weight)])
    with pytest.raises(InvalidInput):
        services.update_task(province.supervisor, city_part, weight=weight)
    assert (parent.children.count(), Task.objects.get(pk=city_part.pk).weight) == (2, 1)
