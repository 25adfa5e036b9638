"""Milestones (反馈节点): planned by the office or the lead unit, done with a report, followed
by the light; node templates counted in working days across the National Day holiday."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.lib import ConfigError, ConflictError, Forbidden, InvalidInput, TransitionError
from luoshi.tasks import lights, nodes, services
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Milestone, Task
from luoshi.testing.fixtures import Province


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def days(n: int) -> dt.date:
    return lib.today() + dt.timedelta(days=n)


def test_a_missed_milestone_turns_the_light_amber_with_its_reason(province: Province) -> None:
    task = province.signed(deadline_days=60)
    services.add_milestone(province.supervisor, task, title="方案报送", due=days(5))
    assert fresh(task).next_milestone_due == days(5) and fresh(task).light == "green"
    with lib.clock_at(lib.now() + dt.timedelta(days=8)):
        services.refresh_lights()
        task = fresh(task)
        assert (task.light, task.light_rule, task.light_amount) == ("amber", "milestone_missed", 3)
        with translation.override("en"):
            assert lights.describe(task.light_reason) == "milestone 3 days late"
        with translation.override("zh-hans"):
            assert lights.describe(task.light_reason) == "反馈节点逾期3天"
        [milestone] = Milestone.objects.filter(task=task)
        services.complete_milestone(province.liaison, milestone, text="方案已印发")
        task = fresh(task)
        assert task.light == "green" and task.next_milestone_due is None and task.status == Status.IN_PROGRESS
        milestone.refresh_from_db()
        assert milestone.done_by == province.liaison and "方案已印发" in milestone.report.text
    verbs = set(AuditEvent.objects.filter(object_type="tasks.task", object_id=str(task.pk)).values_list("verb", flat=True))
    assert {"plan_milestones", "complete_milestone", "report_progress"} <= verbs


def test_the_next_milestone_is_the_earliest_not_done(province: Province) -> None:
    task = province.in_progress(deadline_days=90)
    first, second = services.add_milestones(province.liaison, task, [("b", days(20)), ("a", days(10))])
    assert fresh(task).next_milestone_due == days(10)
    services.complete_milestone(province.liaison, Milestone.objects.get(title="a"), text="done")
    assert fresh(task).next_milestone_due == days(20)


def test_milestone_refusals(province: Province) -> None:
    task = province.signed(deadline_days=30)
    with pytest.raises(Forbidden):
        services.add_milestone(province.other_liaison, task, title="x", due=days(5))
    with pytest.raises(Forbidden):
        services.add_milestone(province.leader, task, title="x", due=days(5))
    with pytest.raises(InvalidInput):
        services.add_milestone(province.supervisor, task, title="  ", due=days(5))
    with translation.override("en"), pytest.raises(InvalidInput, match="after the task's deadline"):
        services.add_milestone(province.supervisor, task, title="x", due=days(31))
    milestone = services.add_milestone(province.supervisor, task, title="x", due=days(5))
    with pytest.raises(Forbidden):
        services.complete_milestone(province.supervisor, milestone, text="done")
    services.complete_milestone(province.liaison, milestone, text="done")
    with pytest.raises(ConflictError):
        services.complete_milestone(province.liaison, milestone, text="done again")
    with pytest.raises(TransitionError):
        services.add_milestone(province.supervisor, province.completed(), title="x", due=days(5))


def test_the_1_3_7_template_counts_working_days_across_national_day() -> None:
    """Assigned on Tuesday 30 September 2025: 1–8 October is the holiday, Saturday 11 October a
    make-up working day (调休)."""
    got = nodes.steps(nodes.DEFAULT_TEMPLATES["1-3-7"], dt.date(2025, 9, 30), dt.date(2025, 12, 31))
    assert [due for _title, due in got] == [dt.date(2025, 10, 9), dt.date(2025, 10, 11), dt.date(2025, 10, 16)]


def test_monthly_nodes_stop_before_the_deadline() -> None:
    got = nodes.steps(nodes.DEFAULT_TEMPLATES["plan-monthly"], dt.date(2025, 9, 30), dt.date(2025, 12, 31))
    assert [due for _title, due in got] == [dt.date(2025, 10, 14), dt.date(2025, 11, 14), dt.date(2025, 12, 14)]


def test_assigning_with_a_template_plans_its_milestones(province: Province) -> None:
    draft = province.draft(deadline_days=60)
    task = services.assign_task(province.supervisor, draft, nodes="1-3-7")
    assert Milestone.objects.filter(task=task).count() == 3
    assert task.next_milestone_due == min(m.due for m in Milestone.objects.filter(task=task))
    with translation.override("en"), pytest.raises(InvalidInput, match="no feedback-node template"):
        services.assign_task(province.supervisor, province.draft(), nodes="9-9-9")


@pytest.mark.parametrize("text", ['[1]', '{"x": {"label": "x", "nodes": [{"title": "t"}]}}',
                                  '{"x": {"label": "x", "nodes": [{"title": "t", "working_days": 2, "monthly": true}]}}',
                                  '{"x": {"nodes": [{"title": "t", "working_days": 2}]}}', "{"])
def test_a_bad_template_setting_is_refused_clearly(text: str) -> None:
    with pytest.raises(ConfigError):
        nodes.parse(text)


def test_a_template_setting_is_read() -> None:
    parsed = nodes.parse('{"weekly": {"label": "周报", "nodes": [{"title": "方案", "working_days": 2}]}}')
    assert parsed["weekly"].nodes[0].working_days == 2


def test_the_task_page_plans_and_completes_milestones(province: Province) -> None:
    from django.test import Client

    task = province.signed(deadline_days=60)
    office, unit = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    office.force_login(province.supervisor)
    unit.force_login(province.liaison)
    assert b"Add a milestone" in office.get(task.get_absolute_url()).content
    bad = office.post(f"/tasks/{task.pk}/milestones/add/", {"title": "plan", "due": "not a date"}, follow=True)
    assert b"Enter a valid date" in bad.content and not Milestone.objects.exists()
    late = office.post(f"/tasks/{task.pk}/milestones/add/", {"title": "plan", "due": days(90).isoformat()}, follow=True)
    assert b"after the task" in late.content and not Milestone.objects.exists()
    office.post(f"/tasks/{task.pk}/milestones/add/", {"title": "plan", "due": days(5).isoformat()})
    [milestone] = Milestone.objects.filter(task=task)
    page = unit.get(task.get_absolute_url()).content.decode()
    assert "Mark done" in page and f"/tasks/milestones/{milestone.pk}/done/" in page
    assert office.post(f"/tasks/milestones/{milestone.pk}/done/", {"text": "done"}).status_code == 404
    assert unit.post(f"/tasks/milestones/{milestone.pk}/done/", {"text": "the plan is out"}).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).done_at is not None
    again = unit.post(f"/tasks/milestones/{milestone.pk}/done/", {"text": "again"}, follow=True)
    assert b"already done" in again.content


def test_the_assign_form_offers_the_node_templates(province: Province) -> None:
    from django.test import Client

    draft = province.draft(deadline_days=60)
    office = Client(HTTP_ACCEPT_LANGUAGE="en")
    office.force_login(province.supervisor)
    assert b'value="1-3-7"' in office.get(f"/tasks/{draft.pk}/assign/", HTTP_HX_REQUEST="true").content
    response = office.post(f"/tasks/{draft.pk}/assign/", {
        "version": draft.version, "lead_unit": province.emergency.pk, "deadline": days(60).isoformat(),
        "nodes": "1-3-7"})
    assert response.status_code in (200, 302)
    assert Milestone.objects.filter(task=draft).count() == 3
