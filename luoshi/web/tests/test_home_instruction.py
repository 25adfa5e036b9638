"""write_instruction: a leader writes an instruction on a task from the stocktake."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.tasks.models import Instruction
from luoshi.testing.fixtures import PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def url(task) -> str:  # type: ignore[no-untyped-def]
    return reverse("write_instruction", args=[task.pk])


def test_it_records_the_instruction_and_its_audit_row(province):
    """A leader's instruction is stored, audited, and the leader is sent home with a confirmation."""
    task = province.in_progress()
    response = client_for(province.leader).post(url(task), {"text": "  Finish it this month.  "}, follow=True)
    instruction = Instruction.objects.get(task=task)
    assert instruction.text == "Finish it this month." and instruction.by == province.leader
    event = AuditEvent.objects.get(verb="write_instruction")
    assert event.actor_id == province.leader.pk and event.after["text"] == "Finish it this month."
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "was recorded" in response.content.decode() or "已" in response.content.decode()


def test_it_swaps_the_form_for_a_confirmation_with_htmx(province):
    """With htmx the answer is the fragment: the confirmation in place of the form, no layout."""
    task = province.in_progress()
    client = client_for(province.leader)
    response = client.post(url(task), {"text": "Report to me on Friday."}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "instruction-done" in html and "<html" not in html
    assert f'id="instruction-{task.pk}"' in html and "Report to me on Friday." in html
    # The confirmation was shown in the fragment; it does not come back on the next page.
    assert "was recorded" not in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_it_refuses_an_empty_instruction_with_a_message(province):
    """Empty text writes nothing and says what is missing, in the fragment and on the page."""
    task = province.in_progress()
    client = client_for(province.leader)
    html = client.post(url(task), {"text": "   "}, **HTMX).content.decode()
    assert "Please write the instruction." in html and "<textarea" in html
    response = client.post(url(task), {"text": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Please write the instruction." in response.content.decode()
    assert not Instruction.objects.exists() and not AuditEvent.objects.filter(verb="write_instruction").exists()


def test_it_refuses_an_oversized_instruction_and_keeps_the_text(province):
    """Text over the limit is refused with a message, and what was typed is given back."""
    task = province.in_progress()
    text = "长" * 2001
    html = client_for(province.leader).post(url(task), {"text": text}, **HTMX).content.decode()
    assert text in html and "<ul class=\"messages\"" in html
    assert not Instruction.objects.exists()


def test_it_refuses_a_draft_task_as_if_it_did_not_exist(province):
    """A leader does not see drafts: 404, and nothing is stored."""
    task = province.draft()
    response = client_for(province.leader).post(url(task), {"text": "Go"}, **HTMX)
    assert response.status_code == 404 and not Instruction.objects.exists()


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "other_liaison", "secretary", "sysadmin",
                                     "secadmin", "auditadmin"])
def test_it_is_404_for_everyone_but_leaders(province, persona):
    """Only leaders write instructions; for everyone else the address does not exist."""
    task = province.in_progress()
    assert client_for(getattr(province, persona)).post(url(task), {"text": "Do it"}).status_code == 404
    assert not Instruction.objects.exists()


def test_it_is_404_for_a_missing_task(province):
    """A task that does not exist looks like one the user may not see."""
    assert client_for(province.leader).post(reverse("write_instruction", args=[99999]), {"text": "x"}).status_code == 404


def test_it_only_accepts_post(province):
    """GET is refused with 405."""
    assert client_for(province.leader).get(url(province.in_progress())).status_code == 405


def test_it_sends_anonymous_visitors_to_log_in(province):
    """An anonymous POST is redirected to the login page and stores nothing."""
    response = Client().post(url(province.in_progress()), {"text": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Instruction.objects.exists()
