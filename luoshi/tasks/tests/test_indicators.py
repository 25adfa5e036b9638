"""Outcome indicators through their services, the task page and the API: planning one,
actuals with a report or from Excel, the light that follows, and every refusal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput, TransitionError
from luoshi.tasks import services
from luoshi.tasks.indicator_import import read_actuals
from luoshi.tasks.models import Indicator, IndicatorPoint, ProgressReport, Task

NAME = "保交楼 交付套数"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """The services' messages are matched in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def plan() -> list[tuple[dt.date, int]]:
    """0 fifty days ago to 10,000 in fifty days: 5,000 planned today."""
    return [(lib.today() - dt.timedelta(days=50), 0), (lib.today() + dt.timedelta(days=50), 10000)]


def with_indicator(province, **kwargs):  # type: ignore[no-untyped-def]
    task = province.in_progress(deadline_days=60, **kwargs)
    indicator = services.add_indicator(province.supervisor, task, name=NAME, measure="套", baseline=0,
                                       target=10000, plan=plan())
    return fresh(task), indicator


def xlsx(rows: list[list[object]], name: str = "actuals.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- planning an indicator ---------------------------------------------------------------------


def test_it_adds_an_indicator_with_its_trajectory(province):
    """The office adds one: its points are stored, the task's version moves, both are audited;
    with no actual yet the light stays on track."""
    task = province.in_progress(deadline_days=60)
    indicator = services.add_indicator(province.supervisor, task, name=NAME, measure="套", baseline="0",
                                       target="10000", plan=plan())
    assert [(p.day, p.value) for p in indicator.points.all()] == [(d, Decimal(v)) for d, v in plan()]
    task = fresh(task)
    assert (task.light, task.light_rule, task.indicator_lag) == ("green", "on_track", None)
    assert AuditEvent.objects.filter(verb="add_indicator", object_id=str(indicator.pk)).exists()
    assert AuditEvent.objects.filter(verb="plan_indicators", object_id=str(task.pk)).exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": " "}, "Please write the indicator's name."),
    ({"baseline": 5, "target": 5}, "must differ from its baseline"),
    ({"target": "lots"}, "is not a number"),
    ({"plan": []}, "at least one date and value"),
    ({"plan": [(dt.date(2026, 1, 1), 1), (dt.date(2026, 1, 1), 2)]}, "names a date twice"),
    ({"plan": [(dt.date(2026, 1, 1), "NaN")]}, "is not a number"),
])
def test_it_refuses_a_malformed_indicator(province, changes, message):
    """Each malformed part gets its own message, and nothing is stored."""
    task = province.in_progress()
    arguments = {"name": NAME, "baseline": 0, "target": 100, "plan": plan(), **changes}
    with pytest.raises(InvalidInput, match=message):
        services.add_indicator(province.supervisor, task, **arguments)
    assert not Indicator.objects.exists() and fresh(task).version == task.version


def test_it_refuses_a_second_indicator_of_the_same_name(province):
    task, _indicator = with_indicator(province)
    with pytest.raises(InvalidInput, match="already has an indicator"):
        services.add_indicator(province.supervisor, task, name=NAME, baseline=0, target=1, plan=plan())


def test_only_the_office_plans_indicators_and_only_while_the_task_is_open(province):
    """The liaison is refused; a completed task takes no new indicator."""
    task = province.in_progress()
    with pytest.raises(Forbidden):
        services.add_indicator(province.liaison, task, name=NAME, baseline=0, target=1, plan=plan())
    done = province.completed()
    with pytest.raises(TransitionError):
        services.add_indicator(province.supervisor, done, name=NAME, baseline=0, target=1, plan=plan())
    assert not Indicator.objects.exists()


# --- actuals with a progress report ------------------------------------------------------------


def test_an_actual_behind_plan_turns_the_light_amber_with_its_reason(province):
    """4,100 against 5,000 planned is 18 % behind: amber, "… behind plan by 18%"."""
    task, indicator = with_indicator(province)
    report = services.report_progress(province.liaison, task, text="4,100 homes handed over", progress=40,
                                      actuals={indicator.pk: "4100"})
    task = fresh(task)
    assert (task.light, task.light_rule, task.light_amount, task.indicator_lag_name) == ("amber", "indicator_behind",
                                                                                        18, NAME)
    assert lib_describe(task) == "保交楼 交付套数 behind plan by 18%"
    actual = IndicatorPoint.objects.get(kind="actual")
    assert (actual.day, actual.value, actual.report_id) == (lib.today(), Decimal(4100), report.pk)
    assert Indicator.objects.get().lag == 18
    event = AuditEvent.objects.get(verb="submit_report", object_id=str(report.pk))
    assert event.after["actuals"] == {NAME: "4100.0000"}


def lib_describe(task: Task) -> str:
    from django.utils import translation

    from luoshi.tasks.lights import describe
    with translation.override("en"):
        return describe(task.light_reason)


def test_a_red_gap_and_a_recovery(province):
    """3,000 of 5,000 is red; the same day's actual reported again as 5,000 replaces it: green."""
    task, indicator = with_indicator(province)
    services.report_progress(province.liaison, task, text="behind", progress=40, actuals={indicator.pk: 3000})
    assert (fresh(task).light, fresh(task).light_amount) == ("red", 40)
    services.report_progress(province.liaison, fresh(task), text="caught up", progress=50,
                             actuals={indicator.pk: 5000})
    task = fresh(task)
    assert (task.light, task.light_rule, task.indicator_lag) == ("green", "on_track", 0)
    assert IndicatorPoint.objects.filter(kind="actual").count() == 1


def test_a_report_refuses_a_bad_actual_and_keeps_nothing(province):
    """A value that is no number, or an indicator of another task: refused, no report filed."""
    task, indicator = with_indicator(province)
    other, other_indicator = with_indicator(province)
    before = ProgressReport.objects.count()
    with pytest.raises(InvalidInput, match="is not a number"):
        services.report_progress(province.liaison, task, text="x", progress=40, actuals={indicator.pk: "many"})
    with pytest.raises(InvalidInput, match="has no indicator"):
        services.report_progress(province.liaison, task, text="x", progress=40, actuals={other_indicator.pk: 1})
    assert ProgressReport.objects.count() == before and not IndicatorPoint.objects.filter(kind="actual").exists()


def test_only_the_lead_unit_reports_actuals(province):
    """A cooperating unit reports progress, but an actual from it is refused."""
    task, indicator = with_indicator(province)
    task.cooperating_units.add(province.health)
    with pytest.raises(Forbidden):
        services.report_progress(province.other_liaison, task, text="our share", progress=40,
                                 actuals={indicator.pk: 4000})
    services.report_progress(province.other_liaison, task, text="our share", progress=40, actuals={indicator.pk: ""})
    assert not IndicatorPoint.objects.filter(kind="actual").exists()


# --- actuals from Excel ------------------------------------------------------------------------


def test_it_imports_actuals_from_excel_and_again_changes_nothing(province):
    """A header row and two rows; the same file again stores no second copy."""
    task, _indicator = with_indicator(province)
    rows = [["indicator", "date", "value"], [NAME, lib.today() - dt.timedelta(days=10), 3000],
            [NAME, lib.today().isoformat(), "4,100"]]
    for _round in range(2):
        parsed = read_actuals(xlsx(rows), "actuals.xlsx")
        assert services.record_actuals(province.liaison, fresh(task), parsed, source="actuals.xlsx") == 2
    assert IndicatorPoint.objects.filter(kind="actual").count() == 2
    task = fresh(task)
    assert (task.light, task.light_amount) == ("amber", 18)
    assert AuditEvent.objects.filter(verb="record_actuals", object_id=str(task.pk)).count() == 2


def test_it_names_every_malformed_row_and_imports_nothing(province):
    """Missing name, a date that is no date, a missing value, a value that is no number."""
    with_indicator(province)
    rows = [["indicator", "date", "value"], ["", "2026-01-01", 1], [NAME, "yesterday", 1], [NAME, "2026-01-01", None],
            [NAME, "2026-01-01", "lots"], [NAME, "2026-01-01", 5]]
    with pytest.raises(InvalidInput) as refusal:
        read_actuals(xlsx(rows), "actuals.xlsx")
    message = str(refusal.value)
    for expected in ("Nothing was imported.", "Row 2: the indicator's name is missing.",
                     "Row 3: “yesterday” is not a date", "Row 4: the value is missing.",
                     "Row 5: “lots” is not a number."):
        assert expected in message
    assert "Row 6" not in message


def test_it_refuses_unknown_indicators_and_future_days_all_or_nothing(province):
    task, _indicator = with_indicator(province)
    rows = read_actuals(xlsx([[NAME, lib.today(), 4000], ["petitions", lib.today(), 3],
                              [NAME, lib.today() + dt.timedelta(days=2), 6000]]), "a.xlsx")
    with pytest.raises(InvalidInput) as refusal:
        services.record_actuals(province.supervisor, task, rows)
    assert "Row 2: this task has no indicator named “petitions”." in str(refusal.value)
    assert "Row 3: the date" in str(refusal.value) and "is in the future" in str(refusal.value)
    assert not IndicatorPoint.objects.filter(kind="actual").exists() and fresh(task).version == task.version


def test_it_refuses_files_that_are_not_workbooks(province):
    with pytest.raises(InvalidInput, match="Excel file"):
        read_actuals(io.BytesIO(b"a,b,c"), "actuals.csv")
    with pytest.raises(InvalidInput, match="cannot be read"):
        read_actuals(io.BytesIO(b"not a zip"), "actuals.xlsx")
    with pytest.raises(InvalidInput, match="no rows"):
        read_actuals(xlsx([["indicator", "date", "value"]]), "actuals.xlsx")


def test_who_records_actuals_and_when(province):
    """Another unit's liaison is refused; a completed task takes no actuals."""
    task, _indicator = with_indicator(province)
    row = [services.ActualRow(1, NAME, lib.today(), Decimal(1))]
    with pytest.raises(Forbidden):
        services.record_actuals(province.other_liaison, task, row)
    services.request_completion(province.liaison, task, text="done")
    services.approve_completion(province.supervisor, fresh(task), grade="good")
    with pytest.raises(TransitionError):
        services.record_actuals(province.supervisor, fresh(task), row)


# --- the task page -----------------------------------------------------------------------------


def test_the_task_page_shows_the_trajectory_against_the_actuals(province):
    """The card, the chart's data and its figures; the forms for those who may use them."""
    task, indicator = with_indicator(province)
    services.report_progress(province.liaison, task, text="x", progress=40, actuals={indicator.pk: 4100})
    office = client_for(province.supervisor).get(f"/tasks/{task.pk}/").content.decode()
    assert 'id="indicator-data"' in office and "data-indicator-chart" in office and "4100" in office
    assert "behind plan by 18%" in office and "echarts-5.6.0.min.js" in office
    assert "/indicators/add/" in office and "/indicators/import/" in office
    liaison = client_for(province.liaison).get(f"/tasks/{task.pk}/").content.decode()
    assert "/indicators/add/" not in liaison and "/indicators/import/" in liaison
    report_form = client_for(province.liaison).get(f"/tasks/{task.pk}/report/").content.decode()
    assert f'name="actual_{indicator.pk}"' in report_form


def test_the_views_add_and_import(province):
    """Add through the form (a malformed plan line is named), upload through the form."""
    task = province.in_progress(deadline_days=60)
    office = client_for(province.supervisor)
    bad = office.post(f"/tasks/{task.pk}/indicators/add/", {"name": NAME, "baseline": 0, "target": 10,
                                                            "plan": "2026-01-01 5\nsoon 7"}, follow=True)
    assert "Line 2, “soon 7”" in bad.content.decode() and not Indicator.objects.exists()
    lines = "\n".join(f"{d.isoformat()} {v}" for d, v in plan())
    office.post(f"/tasks/{task.pk}/indicators/add/", {"name": NAME, "measure": "套", "baseline": 0, "target": 10000,
                                                     "plan": lines})
    assert Indicator.objects.get().points.count() == 2
    upload = xlsx([[NAME, lib.today(), 4100]])
    response = client_for(province.liaison).post(f"/tasks/{task.pk}/indicators/import/", {"file": upload}, follow=True)
    assert "1 actuals were recorded." in response.content.decode()
    assert fresh(task).light_rule == "indicator_behind"


def test_the_views_hide_from_those_who_may_not(province):
    """The liaison cannot add (404); another unit's liaison cannot upload (404)."""
    task, _indicator = with_indicator(province)
    response = client_for(province.liaison).post(f"/tasks/{task.pk}/indicators/add/", {"name": "x"})
    assert response.status_code == 404
    response = client_for(province.other_liaison).post(f"/tasks/{task.pk}/indicators/import/",
                                                       {"file": xlsx([[NAME, lib.today(), 1]])})
    assert response.status_code == 404 and not IndicatorPoint.objects.filter(kind="actual").exists()


# --- the API -----------------------------------------------------------------------------------


def test_the_api_gives_the_indicators_and_takes_actuals_with_a_report(province):
    from luoshi.api.tests.conftest import api_client

    task, indicator = with_indicator(province)
    liaison = api_client(province.liaison)
    etag = liaison.get(f"/api/v1/tasks/{task.pk}").headers["ETag"]
    response = liaison.post(f"/api/v1/tasks/{task.pk}/report", {"text": "x", "progress": 40,
                                                                "actuals": {str(indicator.pk): 4100}},
                            content_type="application/json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["light"] == "amber" and body["light_reason"]["text"] == "保交楼 交付套数 behind plan by 18%"
    [shown] = body["indicators"]
    assert (shown["name"], shown["measure"], shown["baseline"], shown["target"], shown["lag"]) == (
        NAME, "套", 0, 10000, 18)
    assert [p["value"] for p in shown["plan"]] == [0, 10000] and shown["actuals"][0]["value"] == 4100
    assert body["grade"] == ""


def test_the_daily_pass_keeps_the_indicators_light(province):
    """refresh_lights recomputes from the stored lag (the batch path of each database): the
    amber stays, with its amount and its indicator; a light set wrong is put right."""
    task, indicator = with_indicator(province)
    services.report_progress(province.liaison, task, text="x", progress=40, actuals={indicator.pk: 4100})
    Task.objects.filter(pk=task.pk).update(light="green", light_rule="on_track", light_amount=None)
    assert services.refresh_lights() == 1
    task = fresh(task)
    assert (task.light, task.light_rule, task.light_amount, lib_describe(task)) == (
        "amber", "indicator_behind", 18, "保交楼 交付套数 behind plan by 18%")
    assert services.refresh_lights() == 0
