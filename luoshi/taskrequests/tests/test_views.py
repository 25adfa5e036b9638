"""The pages of requests: the task page's panel for each side, asking (and every bad input),
deciding, withdrawing, and the office's list."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from luoshi import lib
from luoshi.taskrequests import services
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import Province


def client_for(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def day(n: int) -> str:
    return (lib.today() + dt.timedelta(days=n)).isoformat()


def test_the_lead_unit_asks_from_the_task_page(province: Province) -> None:
    task = province.signed()
    liaison = client_for(province.liaison)
    page = liaison.get(task.get_absolute_url()).content.decode()
    assert f"/tasks/{task.pk}/ask/extension/" in page and f"/tasks/{task.pk}/ask/return/" in page
    assert "/ask/" not in client_for(province.supervisor).get(task.get_absolute_url()).content.decode()
    form = liaison.get(f"/tasks/{task.pk}/ask/extension/")
    assert form.status_code == 200 and b'name="deadline"' in form.content
    sent = liaison.post(f"/tasks/{task.pk}/ask/extension/", {"deadline": day(60), "reason": "the site is flooded"})
    assert sent.status_code == 302 and sent["Location"] == task.get_absolute_url()
    waiting = TaskRequest.objects.get(task=task)
    assert waiting.pending and waiting.requested_deadline.isoformat() == day(60)
    office_page = client_for(province.supervisor).get(task.get_absolute_url()).content.decode()
    assert "the site is flooded" in office_page and f"/requests/{waiting.pk}/decide/" in office_page


def test_bad_input_is_shown_and_nothing_is_stored(province: Province) -> None:
    task = province.signed()
    liaison = client_for(province.liaison)
    url = f"/tasks/{task.pk}/ask/extension/"
    for data, words in (({"deadline": "", "reason": "x"}, b"This field is required"),
                        ({"deadline": "31/12/2030", "reason": "x"}, b"Enter a valid date"),
                        ({"deadline": day(10), "reason": "x"}, b"after the current deadline"),
                        ({"deadline": day(60), "reason": "  "}, b"This field is required")):
        response = liaison.post(url, data)
        assert response.status_code == 400 and words in response.content, (data, response.content[:300])
    assert not TaskRequest.objects.exists()


def test_a_second_submission_is_refused_with_a_message(province: Province) -> None:
    task = province.signed()
    liaison = client_for(province.liaison)
    data = {"deadline": day(60), "reason": "flooded"}
    assert liaison.post(f"/tasks/{task.pk}/ask/extension/", data).status_code == 302
    again = liaison.post(f"/tasks/{task.pk}/ask/extension/", data)
    assert again.status_code == 400 and b"already has a request waiting" in again.content
    assert TaskRequest.objects.count() == 1


def test_a_completed_task_says_why_no_request_can_be_made(province: Province) -> None:
    task = province.completion_requested()
    page = client_for(province.liaison).get(f"/tasks/{task.pk}/ask/return/")
    assert page.status_code == 200 and b"completion requested" in page.content and b'name="reason"' not in page.content


def test_the_office_decides_on_the_task_page(province: Province) -> None:
    task = province.signed()
    asked = services.request_return(province.liaison, task, reason="health's work", suggested_unit=province.health)
    office = client_for(province.supervisor)
    assert office.get("/requests/").content.decode().count(f"/tasks/{task.pk}/") >= 1
    missing = office.post(f"/requests/{asked.pk}/decide/", {"decision": "accept", "lead_unit": ""}, follow=True)
    assert b"Choose the unit that leads the task" in missing.content
    assert TaskRequest.objects.get(pk=asked.pk).pending
    done = office.post(f"/requests/{asked.pk}/decide/", {"decision": "accept", "lead_unit": province.health.pk})
    assert done.status_code == 302
    task = Task.objects.get(pk=task.pk)
    assert task.lead_unit == province.health and task.status == Status.ASSIGNED
    history = office.get(task.get_absolute_url()).content.decode()
    assert "handed the task back" in history and "reassigned the task" in history


def test_only_the_office_decides_and_only_the_unit_withdraws(province: Province) -> None:
    task = province.signed()
    asked = services.request_extension(province.liaison, task, deadline=lib.today() + dt.timedelta(days=60),
                                       reason="x")
    for user in (province.liaison, province.leader, province.other_liaison):
        assert client_for(user).post(f"/requests/{asked.pk}/decide/", {"decision": "approve"}).status_code == 404
    for user in (province.leader, province.other_liaison):
        assert client_for(user).post(f"/requests/{asked.pk}/withdraw/").status_code == 404
    assert TaskRequest.objects.get(pk=asked.pk).pending
    assert client_for(province.liaison).post(f"/requests/{asked.pk}/withdraw/").status_code == 302
    assert TaskRequest.objects.get(pk=asked.pk).state == TaskRequest.State.WITHDRAWN


def test_the_pages_speak_chinese(province: Province) -> None:
    task = province.signed()
    page = client_for(province.liaison, "zh-hans").get(f"/tasks/{task.pk}/ask/extension/").content.decode()
    assert "申请延期" in page and "报送督查室" in page


def test_the_cooperating_share_shows_only_on_a_task_with_cooperating_units(province: Province) -> None:
    """No heading over nothing: a task with no cooperating unit has nobody to ask for input."""
    alone = province.signed()
    shared = province.signed(cooperating_units=[province.health])
    liaison = client_for(province.liaison)
    assert "Cooperating units' share" not in liaison.get(alone.get_absolute_url()).content.decode()
    page = liaison.get(shared.get_absolute_url()).content.decode()
    assert "Cooperating units&#x27;" in page or "Cooperating units' share" in page
    assert f"/tasks/{shared.pk}/input/ask/" in page
