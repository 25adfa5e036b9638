"""Recording a meeting by hand: meeting fields, agenda items and directives."""

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.meetings.models import Meeting
from luoshi.testing.fixtures import PASSWORD

URL = reverse("meeting_new")


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def form(province, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "meeting-kind": "executive", "meeting-title": "省政府第15次常务会议", "meeting-number": "15",
        "meeting-status": "held", "meeting-date": "2022-11-02", "meeting-chair_name": "李乐成",
        "meeting-chair_title": "省长", "meeting-place": "省政府第一会议室", "meeting-attendees": "",
        "meeting-readout": "",
        "agenda-TOTAL_FORMS": "3", "agenda-INITIAL_FORMS": "0",
        "agenda-0-kind": "plan", "agenda-0-title": "冬季供暖工作方案", "agenda-0-outcome": "adopted",
        "agenda-1-kind": "other", "agenda-1-title": "", "agenda-1-outcome": "",
        "agenda-2-kind": "other", "agenda-2-title": "", "agenda-2-outcome": "",
        "directives-TOTAL_FORMS": "2", "directives-INITIAL_FORMS": "0",
        "directives-0-text": "要确保群众温暖过冬。", "directives-0-agenda_number": "1",
        "directives-0-priority_areas": [str(province.area.pk)],
        "directives-1-text": "", "directives-1-agenda_number": "",
    }
    data.update(overrides)
    return data


def test_it_requires_login(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "secretary"])
def test_it_shows_the_form_to_recorders(province, persona):
    """The supervision office and meeting secretaries get the form."""
    response = client_for(getattr(province, persona)).get(URL)
    assert response.status_code == 200 and 'name="meeting-title"' in response.content.decode()


@pytest.mark.parametrize("persona", ["liaison", "leader", "sysadmin", "secadmin", "auditadmin"])
def test_it_is_hidden_from_everyone_else(province, persona):
    """Liaisons, leaders and administrators get 404."""
    assert client_for(getattr(province, persona)).get(URL).status_code == 404
    assert client_for(getattr(province, persona)).post(URL, form(province)).status_code == 404
    assert Meeting.objects.count() == 1


def test_it_refuses_other_methods(province):
    """Only GET and POST are allowed."""
    assert client_for(province.supervisor).put(URL).status_code == 405


def test_it_records_the_meeting_with_agenda_and_directives(province):
    """A filled form records the meeting through the service, which audits it."""
    response = client_for(province.secretary).post(URL, form(province))
    meeting = Meeting.objects.get(title="省政府第15次常务会议")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.number == 15 and meeting.chair_title == "省长" and meeting.place == "省政府第一会议室"
    (item,) = meeting.agenda_items.all()
    assert (item.kind, item.title, item.outcome) == ("plan", "冬季供暖工作方案", "adopted")
    (directive,) = meeting.directives.all()
    assert directive.agenda_item == item and list(directive.priority_areas.all()) == [province.area]
    assert AuditEvent.objects.filter(verb="record_meeting", object_id=str(meeting.pk)).exists()


def test_it_requires_a_title_and_keeps_the_input(province):
    """Without a title nothing is recorded and the rest of the input is kept."""
    response = client_for(province.supervisor).post(URL, form(province, **{"meeting-title": ""}))
    body = response.content.decode()
    assert response.status_code == 200 and Meeting.objects.count() == 1
    assert "冬季供暖工作方案" in body and "要确保群众温暖过冬。" in body


def test_it_explains_an_agenda_number_that_does_not_exist(province):
    """A directive under agenda item 3 of 1 gives the service's message; nothing is recorded."""
    response = client_for(province.supervisor).post(URL, form(province, **{"directives-0-agenda_number": "3"}))
    body = response.content.decode()
    assert Meeting.objects.count() == 1 and not AuditEvent.objects.filter(verb="record_meeting").exclude(
        object_id=str(province.meeting.pk)).exists()
    assert "agenda item that does not exist" in body and "要确保群众温暖过冬。" in body
