"""The daily reporting cadence (每日): its light, its reminders, and every way to set it
(the task page, the meeting page, the API, a ledger import)."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.utils import timezone, translation

from luoshi import lib
from luoshi.api.tests.conftest import api_client
from luoshi.ledgers.reading import parse_cadence
from luoshi.supervision.models import Reminder
from luoshi.supervision.services import run_daily_pass
from luoshi.tasks import services
from luoshi.tasks.lights import Light, LightRules, TaskFacts, light, next_report_due
from luoshi.tasks.models import Task

TODAY = dt.date(2026, 6, 15)  # a Monday


def daily(**kwargs: object) -> TaskFacts:
    base: dict[str, object] = {"status": "in_progress", "progress": 50, "cadence": "daily",
                               "deadline": TODAY + dt.timedelta(days=60), "assigned_on": TODAY - dt.timedelta(days=30)}
    return TaskFacts(**(base | kwargs))  # type: ignore[arg-type]


def test_it_owes_a_report_the_working_day_after_the_last_one():
    """A daily report is due the working day after the last report (or the assignment):
    Monday's on Tuesday, Friday's on Monday."""
    assert next_report_due(daily(last_report_on=TODAY)) == TODAY + dt.timedelta(days=1)
    assert next_report_due(daily(assigned_on=TODAY)) == TODAY + dt.timedelta(days=1)
    assert next_report_due(daily(last_report_on=TODAY - dt.timedelta(days=3))) == TODAY  # Friday → Monday


def test_it_turns_amber_when_a_working_days_report_is_missing():
    """On Monday: reported on Friday, green; reported on Thursday (due Friday), amber."""
    rules = LightRules()
    assert light(daily(last_report_on=TODAY - dt.timedelta(days=3)), TODAY, rules) == Light.GREEN
    assert light(daily(last_report_on=TODAY - dt.timedelta(days=4)), TODAY, rules) == Light.AMBER


def test_the_daily_pass_reminds_a_daily_task_every_day_it_is_owed(province):
    """The lead unit is reminded the working day after assignment, and the working day after
    each report (assigned on Monday 15 June 2026)."""
    with lib.clock_at(TODAY):
        task = province.signed(deadline_days=30, cadence="daily")
    assigned = timezone.localdate(task.assigned_at)
    with lib.clock_at(assigned + dt.timedelta(days=1)), translation.override("en"):
        assert run_daily_pass().report_reminders == 1
    assert "daily progress report" in Reminder.objects.get(task=task, kind="report_due").text
    with lib.clock_at(assigned + dt.timedelta(days=2)):
        services.report_progress(province.liaison, Task.objects.get(pk=task.pk), text="today's work", progress=10)
    with lib.clock_at(assigned + dt.timedelta(days=3)):
        assert run_daily_pass().report_reminders == 1
    assert Reminder.objects.filter(task=task, kind="report_due").count() == 2


def test_the_task_page_assigns_with_a_daily_cadence(province):
    """The assignment form offers 每日 and the task keeps it."""
    task = province.draft()
    client = Client()
    client.force_login(province.supervisor)
    form = client.get(f"/tasks/{task.pk}/assign/", HTTP_HX_REQUEST="true").content.decode()
    assert '<option value="daily">每日</option>' in form
    response = client.post(f"/tasks/{task.pk}/assign/", {
        "version": task.version, "lead_unit": province.emergency.pk,
        "deadline": (lib.today() + dt.timedelta(days=20)).isoformat(), "cadence": "daily"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).cadence == "daily"


def test_the_api_takes_and_describes_a_daily_cadence(province):
    """POST …/assign with cadence "daily" works, and the schema lists it."""
    task = province.draft()
    response = api_client(province.supervisor).post(
        f"/api/v1/tasks/{task.pk}/assign", json.dumps({"cadence": "daily"}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["cadence"] == "daily"
    schema = json.dumps(Client().get("/api/openapi.json").json())
    assert '"daily"' in schema


def test_a_ledger_names_the_daily_cadence_in_chinese_and_english():
    """每日, 每天, 日报 and daily all read as the daily cadence."""
    assert {parse_cadence(word) for word in ("每日", "每天", "日报", "daily", "Daily")} == {"daily"}


def test_the_liaisons_home_lists_the_daily_report_owed(province):
    """A daily task's next report shows among the liaison's reports due."""
    from luoshi.web.dashboards import liaison_inbox

    task = province.signed(deadline_days=60, cadence="daily")
    inbox = liaison_inbox(province.liaison, today=lib.today() + dt.timedelta(days=10))
    assert [(due.task.pk, due.missing) for due in inbox.reports_due] == [(task.pk, True)]
