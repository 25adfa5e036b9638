"""The task page (/tasks/<pk>/): who sees it, what it shows, which actions it offers."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.tasks import services
from luoshi.tasks.models import Task

ALLOWED = ["supervisor", "leader", "city_liaison"]
REFUSED = ["liaison", "county_liaison", "other_liaison", "secretary", "sysadmin", "secadmin", "auditadmin"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def url(task: Task) -> str:
    return f"/tasks/{task.pk}/"


def action_urls(html: str, task: Task) -> set[str]:
    names = ["assign", "sign", "report", "request_completion", "approve", "return", "decompose", "urge",
             "escalate", "instruct", "edit", "suspend", "resume", "cancel"]
    return {name for name in names if f'id="action-{name}"' in html}


@pytest.mark.parametrize("persona", ALLOWED)
@pytest.mark.parametrize("htmx", [False, True])
def test_it_is_shown_to_those_who_may_read_the_task(province, persona, htmx):
    """The office, leaders and the lead unit's liaison see the page and its fragment."""
    task = province.in_progress(province.city)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(getattr(province, persona)).get(url(task), **headers)
    html = response.content.decode()
    assert response.status_code == 200 and task.title in html
    assert ("<html" in html) is not htmx and 'id="task-body"' in html


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("htmx", [False, True])
def test_it_is_hidden_from_everyone_else(province, persona, htmx):
    """Other units, a county below the lead, the secretary and administrators get 404."""
    task = province.in_progress(province.city)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert client_for(getattr(province, persona)).get(url(task), **headers).status_code == 404


def test_it_is_shown_to_a_cooperating_unit(province):
    """A cooperating unit's liaison reads the task."""
    task = province.in_progress(province.city, cooperating_units=[province.health])
    assert client_for(province.other_liaison).get(url(task)).status_code == 200


def test_it_says_404_for_a_missing_task(province):
    """A task that does not exist looks like one that is not yours."""
    assert client_for(province.supervisor).get("/tasks/999999/").status_code == 404


def test_it_requires_login(province):
    """Anonymous visitors, and inactive users, are sent to log in."""
    task = province.assigned()
    assert Client().get(url(task)).status_code == 302
    assert client_for(province.outsider).get(url(task)).status_code == 302


def test_it_refuses_post(province):
    """The page itself is read-only."""
    task = province.assigned()
    assert client_for(province.supervisor).post(url(task)).status_code == 405


def test_it_shows_fields_source_and_meeting(province):
    """The details, the meeting link and the readout sentence the task came from."""
    task = province.signed(person_responsible="Wang Qiang", cooperating_units=[province.health])
    html = client_for(province.supervisor).get(url(task)).content.decode()
    assert "Wang Qiang" in html and "Health Commission" in html and task.deadline.isoformat() in html
    assert f'href="/meetings/{province.meeting.pk}/"' in html
    assert province.directive.source_text() in html


def test_it_shows_the_timeline_newest_first(province):
    """Reports, urges, escalations, instructions and the task's own audit events, newest first."""
    task = province.in_progress(progress=20)
    services.urge_task(province.supervisor, task, text="please hurry")
    services.escalate_task(province.supervisor, task, level=2, reason="no answer")
    services.write_instruction(province.leader, task, text="solve it this month")
    html = client_for(province.liaison).get(url(task)).content.decode()
    positions = [html.index(text) for text in
                 ["solve it this month", "no answer", "please hurry", "work under way", "signed for the task",
                  "assigned the task", "created the task"]]
    assert positions == sorted(positions)
    assert "assigned → signed for" in re.sub(r"<[^>]+>", "", html)


def test_it_shows_sub_tasks_with_their_weights(province):
    """A decomposed task lists each child's light, progress and weight, and says progress rolls up."""
    task = province.signed(province.city)
    services.decompose_task(province.city_liaison, task, [
        services.SubTask(lead_unit=province.county, title="county part", weight=3),
        services.SubTask(lead_unit=province.city, title="city part", weight=1),
    ])
    html = client_for(province.city_liaison).get(url(task)).content.decode()
    assert "county part" in html and "city part" in html and "3/4" in html and "1/4" in html
    assert "rolled up from the sub-tasks" in html


@pytest.mark.parametrize("persona, make, expected", [
    ("supervisor", "draft", {"assign", "edit", "suspend", "cancel"}),
    ("liaison", "assigned", {"sign", "decompose"}),
    ("supervisor", "assigned", {"decompose", "urge", "escalate", "edit", "suspend", "cancel"}),
    ("liaison", "in_progress", {"report", "request_completion", "decompose"}),
    ("other_liaison", "in_progress", {"report"}),  # a cooperating unit reports too
    ("supervisor", "completion_requested", {"approve", "return", "urge", "escalate", "edit", "suspend", "cancel"}),
    ("supervisor", "suspended", {"resume", "cancel", "edit"}),
    ("leader", "in_progress", {"instruct"}),
    ("supervisor", "completed", set()),
])
def test_it_offers_exactly_the_actions_the_user_may_take_now(province, persona, make, expected):
    """Actions come from permissions.can and the life cycle: nothing more, nothing less."""
    task = getattr(province, make)(cooperating_units=[province.health])
    response = client_for(getattr(province, persona)).get(url(task))
    assert response.status_code == 200
    assert action_urls(response.content.decode(), task) == expected


def test_it_offers_pending_reports_for_review(province):
    """The office sees each pending progress report with accept and return buttons."""
    task = province.in_progress()
    report = task.reports.get()
    html = client_for(province.supervisor).get(url(task)).content.decode()
    assert f"/tasks/{task.pk}/reports/{report.pk}/review/" in html
    assert f"/tasks/{task.pk}/reports/{report.pk}/review/" not in client_for(province.liaison).get(url(task)).content.decode()


def test_it_runs_a_bounded_number_of_queries(province):
    """A busy task page does not run a query per timeline entry."""
    task = province.in_progress()
    for i in range(10):
        services.report_progress(province.liaison, task, text=f"step {i}", progress=20 + i)
        services.urge_task(province.supervisor, task, text=f"urge {i}")
    client = client_for(province.supervisor)
    client.get(url(task))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(task)).status_code == 200
    assert len(queries.captured_queries) <= 40


def test_it_orders_sub_tasks_milestones_and_equal_times_the_same_on_every_database(province):
    """The page sorts its short lists itself: sub-tasks by deadline with the undated last,
    then by id; milestones by due date; entries of the timeline at the same moment newest
    (highest id) first."""
    import datetime as dt

    from luoshi import lib
    from luoshi.tasks.models import Milestone, Urge

    task = province.signed(province.city)
    soon, later = lib.today() + dt.timedelta(days=3), lib.today() + dt.timedelta(days=9)
    services.decompose_task(province.city_liaison, task, [
        services.SubTask(lead_unit=province.county, title="undated part", weight=1),
        services.SubTask(lead_unit=province.county, title="later part", weight=1, deadline=later),
        services.SubTask(lead_unit=province.county, title="sooner part", weight=1, deadline=soon),
    ])
    Task.objects.filter(title="undated part").update(deadline=None)
    Milestone.objects.create(task=task, title="second milestone", due=later)
    Milestone.objects.create(task=task, title="first milestone", due=soon)
    services.urge_task(province.supervisor, Task.objects.get(pk=task.pk), text="older urge")
    services.urge_task(province.supervisor, Task.objects.get(pk=task.pk), text="newer urge")
    Urge.objects.filter(task=task).update(created_at=lib.now())
    html = client_for(province.city_liaison).get(url(task)).content.decode()
    for texts in (["sooner part", "later part", "undated part"], ["first milestone", "second milestone"],
                  ["newer urge", "older urge"]):
        positions = [html.index(text) for text in texts]
        assert positions == sorted(positions), texts
