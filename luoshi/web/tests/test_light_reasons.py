"""A light's reason reads the same on the task page, the ledger row, the leader's stocktake and
the API (list and detail), in both languages: all of them show the reason stored with the light."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from luoshi import lib
from luoshi.api.tests.conftest import api_client
from luoshi.tasks import lights
from luoshi.tasks.models import Task
from luoshi.tasks.services import explain_light, refresh_lights
from luoshi.testing.fixtures import PASSWORD

ZH = "zh-hans"


def client_for(user, language: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def late_and_behind(province):  # type: ignore[no-untyped-def]
    """Two working tasks seen on the day their reasons hold, after the daily pass: one 3 points
    behind its line whose monthly report is 3 days late, one 40 points behind with no cadence."""
    start = lib.today()
    day = lights.add_months(start, 1) + dt.timedelta(days=3)
    elapsed = (day - start).days
    report = province.in_progress(title="REPORT-LATE", cadence="monthly", deadline_days=90,
                                  progress=round(100 * elapsed / 90) - 3)
    behind = province.in_progress(title="FAR-BEHIND", deadline_days=50, progress=round(100 * elapsed / 50) - 40)
    with lib.clock_at(day):
        refresh_lights()
        yield province, day, Task.objects.get(pk=report.pk), Task.objects.get(pk=behind.pk)


def _reason_on_task_page(province, task: Task, language: str) -> str:  # type: ignore[no-untyped-def]
    page = client_for(province.supervisor, language).get(task.get_absolute_url()).content.decode()
    head = page[page.index('class="task-flags"'):]
    return html.unescape(re.search(r'<span class="light-reason">([^<]*)</span>', head)[1])


def _reason_in_ledger_row(province, task: Task, language: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The dot's label and the text under the title, in the task's row."""
    page = client_for(province.supervisor, language).get(reverse("ledger")).content.decode()
    row = next(row for row in page.split("<tr")[1:] if f'href="{task.get_absolute_url()}"' in row)
    label = html.unescape(re.search(r'class="dot [a-z]+" role="img" aria-label="([^"]*)" title="\1"', row)[1])
    return label, html.unescape(re.search(r'<span class="light-reason">([^<]*)</span>', row)[1])


def _reasons_on_stocktake(province, task: Task, language: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The reason of the task's risk card and of its row in its priority area."""
    page = client_for(province.leader, language).get(reverse("home")).content.decode()
    risks, areas = page[page.index('id="risks-title"'):page.index('id="areas-title"')], page[page.index('id="areas-title"'):]
    found = []
    for part, opening in ((risks, "<article"), (areas, "<tr")):
        at = part.index(f'href="{task.get_absolute_url()}"')
        block = part[part.rindex(opening, 0, at):at]
        found.append(html.unescape(re.search(r'<span class="light-reason">([^<]*)</span>', block)[1]))
    return found


def _reasons_in_api(province, task: Task, language: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    client = api_client(province.supervisor, name=f"task {task.pk} in {language}")
    listed = client.get("/api/v1/tasks", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
    detail = client.get(f"/api/v1/tasks/{task.pk}", HTTP_ACCEPT_LANGUAGE=language).json()
    return [next(row for row in listed if row["id"] == task.pk)["light_reason"], detail["light_reason"]]


@pytest.mark.parametrize(("language", "report_text", "behind_text"), [
    (ZH, "月报逾期3天", "落后预期进度40个百分点"),
    ("en", "monthly report 3 days late", "40 points behind expected progress"),
])
def test_every_view_shows_the_same_reason(late_and_behind, language, report_text, behind_text):
    """The stored reason, its words on the task page, the ledger, the stocktake (risk and area
    row) and the API list and detail agree for each task, in the page's language."""
    province, day, report, behind = late_and_behind
    for task, rule, amount, text in ((report, "monthly_report_late", 3, report_text),
                                     (behind, "behind_trajectory", 40, behind_text)):
        assert (task.light, task.light_rule, task.light_amount) == ("amber", rule, amount)
        assert explain_light(task) == task.light_reason  # what is stored is what the rules say today
        with translation.override(language):
            colour = lights.colour_name("amber")
            assert lights.describe(task.light_reason) == text
        assert _reason_on_task_page(province, task, language) == text
        label, shown = _reason_in_ledger_row(province, task, language)
        assert (label, shown) == ((f"{colour}：{text}" if language == ZH else f"{colour}: {text}"), text)
        assert _reasons_on_stocktake(province, task, language) == [text, text]
        assert _reasons_in_api(province, task, language) == [{"rule": rule, "text": text, "by": amount}] * 2


def test_a_green_task_says_it_is_on_track_in_the_dot_title_only(province):
    """A green row's reason is in the dot's label, not written out under the title."""
    task = province.in_progress(title="ON-TRACK", progress=50, deadline_days=30)
    page = client_for(province.supervisor, "en").get(reverse("ledger")).content.decode()
    row = next(row for row in page.split("<tr")[1:] if f'href="{task.get_absolute_url()}"' in row)
    assert 'aria-label="Green: on track" title="Green: on track"' in row
    assert "light-reason" not in row
    assert _reasons_in_api(province, task, "en")[1] == {"rule": "on_track", "text": "on track", "by": None}


def test_the_task_page_does_not_repeat_an_overdue_reason(province):
    """An overdue task names its days once, in its light, not again in a badge."""
    task = province.in_progress(deadline_days=3)
    with lib.clock_at(lib.today() + dt.timedelta(days=11)):
        refresh_lights()
        page = client_for(province.supervisor, "en").get(task.get_absolute_url()).content.decode()
    start = page.index('class="task-flags"')
    head = page[start:page.index("</header>", start)]
    assert '<span class="light-reason">8 days overdue</span>' in head
    assert head.count("8 days overdue") == 1
