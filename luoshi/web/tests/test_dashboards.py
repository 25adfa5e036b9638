"""The dashboard queries: what they count, and that their cost does not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi import lib
from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD, Province
from luoshi.web import dashboards


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def days_ago(n: int) -> dt.date:
    return lib.today() - dt.timedelta(days=n)


def red(province: Province, lead=None, **kwargs: object) -> Task:  # type: ignore[no-untyped-def]
    return services.update_task(province.supervisor, province.signed(lead, **kwargs), blocked=True)


def weekly_signed(province: Province, signed_days_ago: int, lead=None) -> Task:  # type: ignore[no-untyped-def]
    with lib.clock_at(days_ago(signed_days_ago)):
        return province.signed(lead, cadence="weekly", deadline_days=200)


# --- what they count ---------------------------------------------------------------------


def test_the_supervisor_dashboard_counts_lights_deadlines_and_reviews(province):
    """Working tasks are counted by light and deadline; drafts and completed tasks are not at work."""
    red(province)
    province.in_progress(deadline_days=3)
    province.completion_requested(province.health)
    province.completed(province.city)
    province.draft()
    board = dashboards.supervisor_dashboard(province.supervisor)
    assert board.lights == {"red": 1, "amber": 0, "green": 2}
    assert board.due_soon == 1 and board.overdue == 0 and board.completed == 1
    assert board.completion_requested == 1 and [t.lead_unit for t in board.completion_requests] == [province.health]
    assert board.pending_report_count == 2  # the reports of the in-progress and the completion-requested task
    assert [u.code for u in board.units][0] == province.emergency.code and board.units[0].red == 1
    assert [(r.area, r.red, r.green) for r in board.areas] == [(province.area, 1, 2)]


def test_the_completion_chart_counts_weeks_and_a_running_total(province):
    """26 Monday-based weeks; a task completed this week is in the last bar; the total includes older ones."""
    with lib.clock_at(days_ago(400)):
        province.completed()
    province.completed()
    weeks = dashboards.supervisor_dashboard(province.supervisor).weeks
    assert len(weeks) == 26 and all(w["start"].weekday() == 0 for w in weeks)
    assert weeks[-1]["completed"] == 1 and weeks[-1]["cumulative"] == 2 and weeks[0]["cumulative"] == 1
    data = dashboards.supervisor_dashboard(province.supervisor).chart_data()
    assert data["completion"]["completed"][-1] == 1 and len(data["completion"]["weeks"]) == 26


def test_the_inbox_lists_reports_due_within_three_days_or_missing(province):
    """Weekly tasks signed 5 and 10 days ago are due and late; one signed 2 days ago is not yet due."""
    soon = weekly_signed(province, 5)
    late = weekly_signed(province, 10)
    weekly_signed(province, 2)
    province.signed(cadence="")  # no cadence, never due
    inbox = dashboards.liaison_inbox(province.liaison)
    assert [(item.task.pk, item.missing) for item in inbox.reports_due] == [(late.pk, True), (soon.pk, False)]


def test_the_inbox_lists_returned_reports_until_the_unit_reports_again(province):
    """A returned completion request is listed until a new report is submitted."""
    task = services.return_task(province.supervisor, province.completion_requested(), reason="No evidence")
    inbox = dashboards.liaison_inbox(province.liaison)
    assert [r.review_note for r in inbox.returned] == ["No evidence"]
    assert dashboards.liaison_inbox(province.other_liaison).returned == []
    services.report_progress(province.liaison, task, text="evidence attached", progress=90)
    assert dashboards.liaison_inbox(province.liaison).returned == []


def test_the_inbox_lists_urges_of_the_last_thirty_days_to_the_unit_or_below(province):
    """Urges to the city's county reach the city; urges older than 30 days drop off."""
    county_task = province.signed(province.county)
    with lib.clock_at(days_ago(40)):
        old = province.signed(province.county)
        services.urge_task(province.supervisor, old, text="old")
    services.urge_task(province.supervisor, county_task, text="recent")
    assert [u.text for u in dashboards.liaison_inbox(province.city_liaison).urges] == ["recent"]
    assert dashboards.liaison_inbox(province.liaison).urges == []


def test_the_inbox_marks_cooperating_work(province):
    """A task where the unit only cooperates is listed, marked as not led by it."""
    province.signed(province.health, cooperating_units=[province.emergency])
    tasks = dashboards.liaison_inbox(province.liaison).tasks
    assert len(tasks) == 1 and tasks[0].is_lead is False  # type: ignore[attr-defined]


def test_the_stocktake_puts_red_before_amber_and_measures_the_trajectory(province):
    """Top risks: red first, then amber by gap; each item knows its expected progress."""
    amber = weekly_signed(province, 10)
    services.refresh_lights()
    blocked = red(province)
    province.in_progress()  # green, not a risk
    stocktake = dashboards.leader_stocktake(province.leader)
    assert [item.task.pk for item in stocktake.risks] == [blocked.pk, amber.pk]
    area = stocktake.areas[0]
    assert area.row.total == 3 and len(area.items) == 3 and area.items[0].task.pk == blocked.pk
    assert all(item.expected is not None for item in area.items)


def test_the_stocktake_shows_a_bounded_number_of_tasks_per_area(province, settings):
    """Each area lists at most STOCKTAKE_PER_AREA tasks and says how many more there are."""
    for _ in range(dashboards.STOCKTAKE_PER_AREA + 2):
        province.assigned()
    area = dashboards.leader_stocktake(province.leader).areas[0]
    assert len(area.items) == dashboards.STOCKTAKE_PER_AREA and area.more == 2


# --- query counts do not grow ------------------------------------------------------------------


def supervisor_rows(province: Province, n: int) -> None:
    units = [province.emergency, province.health, province.city, province.county]
    for i in range(n):
        lead = units[i % len(units)]
        kind = i % 4
        if kind == 3:
            red(province, lead)
        else:
            [province.in_progress, province.completion_requested, province.completed][kind](lead)


def liaison_rows(province: Province, n: int) -> None:
    for i in range(n):
        kind = i % 4
        if kind == 0:
            province.assigned()
        elif kind == 1:
            weekly_signed(province, 10)
        elif kind == 2:
            services.return_task(province.supervisor, province.completion_requested(), reason="again")
        else:
            services.urge_task(province.supervisor, province.signed(), text="hurry")


def leader_rows(province: Province, n: int) -> None:
    for i in range(n):
        if i % 2:
            red(province)
        else:
            province.in_progress()


def queries_for(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("home")).status_code == 200
    return len(context)


def assert_flat(province: Province, user, rows: Callable[[Province, int], None],  # type: ignore[no-untyped-def]
                django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    rows(province, 1)
    client = client_for(user)
    with_one = queries_for(client)
    rows(province, 49)
    with django_assert_num_queries(with_one):
        assert client.get(reverse("home")).status_code == 200


def test_the_supervisor_dashboard_runs_the_same_queries_for_1_and_50_tasks(province, django_assert_num_queries):
    """The supervisor's home costs the same number of queries whatever the number of tasks."""
    assert_flat(province, province.supervisor, lambda p, n: supervisor_rows(p, n), django_assert_num_queries)


def test_the_liaison_inbox_runs_the_same_queries_for_1_and_50_tasks(province, django_assert_num_queries):
    """The liaison's inbox costs the same number of queries whatever the number of tasks."""
    assert_flat(province, province.liaison, liaison_rows, django_assert_num_queries)


def test_the_stocktake_runs_a_bounded_number_of_queries(province, django_assert_max_num_queries):
    """The leader's stocktake costs at most one query per light for each area and for the
    risks, whatever the number of tasks: its lists are read light by light."""
    leader_rows(province, 1)
    client = client_for(province.leader)
    base = queries_for(client)
    bound = base + 3 + 2  # at most every light of the one area, red and amber for the risks
    for more in (49, 150):
        leader_rows(province, more)
        with django_assert_max_num_queries(bound):
            assert client.get(reverse("home")).status_code == 200


def test_the_secretary_home_runs_a_fixed_number_of_queries(province, django_assert_max_num_queries):
    """The secretary's home is a handful of queries."""
    client = client_for(province.secretary)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("home")).status_code == 200


# --- the stored counts they read ---------------------------------------------------------------


def test_the_stored_counts_match_a_live_count_of_the_tasks(province):
    """Lights, deadlines, completions, units and areas on the dashboard equal a count of the tasks."""
    from django.db.models import Count

    red(province)
    province.in_progress(province.city, deadline_days=2)
    province.completion_requested(province.health)
    province.completed(province.county)
    province.suspended()
    province.draft()
    board = dashboards.supervisor_dashboard(province.supervisor)
    working = Task.objects.filter(status__in=dashboards.WORKING_STATUSES)
    live = dict(working.values_list("light").annotate(n=Count("id")).order_by())
    assert board.lights == {light: live.get(light, 0) for light in dashboards.LIGHTS}
    today = lib.today()
    assert board.due_soon == working.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=6)).count()
    assert board.overdue == working.filter(deadline__lt=today).count()
    assert board.completed == Task.objects.filter(status="completed").count() == 1
    assert {u.code: (u.red, u.amber, u.green) for u in board.units} == {
        code: (working.filter(lead_unit__code=code, light="red").count(), 0,
               working.filter(lead_unit__code=code, light="green").count())
        for code in {t.lead_unit.code for t in working}}
    assert [(row.area, row.total) for row in board.areas] == [(province.area, working.count())]
    assert board.weeks[-1]["cumulative"] == 1


def test_a_liaison_counts_only_the_tasks_of_their_unit(province):
    """The liaison's numbers are their unit's (and sub-units'), not the province's."""
    red(province)  # emergency management
    province.signed(province.city)
    province.signed(province.county)
    inbox = dashboards.liaison_inbox(province.city_liaison)
    assert inbox.lights == {"red": 0, "amber": 0, "green": 2}
    assert dashboards.liaison_inbox(province.liaison).lights == {"red": 1, "amber": 0, "green": 0}


def test_the_province_wide_boards_are_only_for_those_who_read_everything(province):
    """A liaison cannot be handed the province-wide counts by mistake."""
    with pytest.raises(PermissionError):
        dashboards.supervisor_dashboard(province.liaison)
    with pytest.raises(PermissionError):
        dashboards.leader_stocktake(province.city_liaison)


def test_a_long_queue_of_reports_is_counted_up_to_a_cap(province, monkeypatch):
    """Beyond the cap the page says "N+" instead of counting the whole backlog."""
    monkeypatch.setattr(dashboards, "PENDING_COUNT_CAP", 2)
    for lead in (province.emergency, province.city, province.health):
        province.in_progress(lead)
    board = dashboards.supervisor_dashboard(province.supervisor)
    assert board.pending_capped and board.pending_report_count == 2 and board.pending_report_label == "2+"
    assert len(board.pending_reports) == 3 and board.awaiting_review_label == "2+"
    page = client_for(province.supervisor).get(reverse("home"), headers={"Accept-Language": "en"}).content.decode()
    assert "(2+)" in page


def test_the_stocktake_lists_each_areas_most_severe_tasks_first(province, monkeypatch):
    """Red before amber before green, then by deadline (undated last) and id: the first few of
    every working task of the area sorted that way, finished tasks left out."""
    from luoshi.meetings.models import PriorityArea
    from luoshi.tasks import counts

    monkeypatch.setattr(dashboards, "STOCKTAKE_PER_AREA", 4)
    first = PriorityArea.objects.order_by("code").first()
    second = PriorityArea.objects.create(code="ZZ-SECOND", name_zh="第二", name_en="Second")
    today = lib.today()
    for i in range(30):
        task = province.completed() if i % 10 == 9 else province.in_progress()
        task.priority_areas.set([[first], [second], [first, second]][i % 3])
        deadline = None if i % 7 == 0 else today + dt.timedelta(days=(i * 5) % 11 - 4)
        Task.objects.filter(pk=task.pk).update(light=["red", "amber", "green"][(i * 7) % 3], deadline=deadline)
    counts.rebuild()
    severity = {"red": 0, "amber": 1, "green": 2}
    areas = {item.row.area.pk: item for item in dashboards.leader_stocktake(province.leader).areas}
    for area in (first, second):
        working = [t for t in Task.objects.filter(priority_areas=area) if t.status != "completed"]
        working.sort(key=lambda t: (severity[t.light], t.deadline is None, t.deadline or today, t.pk))
        assert [item.task.pk for item in areas[area.pk].items] == [t.pk for t in working[:4]]
        assert areas[area.pk].more == len(working) - 4
