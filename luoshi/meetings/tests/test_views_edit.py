"""Correcting a meeting (meeting_edit) and deleting it (meeting_delete) through the pages."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.meetings.models import Meeting
from luoshi.meetings.services import AgendaItemInput, DirectiveInput, record_meeting
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def duplicate(province):  # type: ignore[no-untyped-def]
    return record_meeting(
        province.secretary, kind="executive", title="省政府第2次常务会议", date=None,
        agenda_items=[AgendaItemInput(kind="plan", title="防汛工作方案")],
        directives=[DirectiveInput(text="要在汛期前完成堤防加固。")],
    )


def edit_url(meeting):  # type: ignore[no-untyped-def]
    return reverse("meeting_edit", args=[meeting.pk])


def delete_url(meeting):  # type: ignore[no-untyped-def]
    return reverse("meeting_delete", args=[meeting.pk])


def form_data(meeting, **changes):  # type: ignore[no-untyped-def]
    items = list(meeting.agenda_items.all())
    data = {"meeting-kind": meeting.kind, "meeting-title": meeting.title, "meeting-number": meeting.number or "",
            "meeting-date": meeting.date.isoformat() if meeting.date else "", "meeting-chair_name": meeting.chair_name,
            "meeting-chair_title": meeting.chair_title, "meeting-place": meeting.place,
            "meeting-attendees": meeting.attendees, "meeting-version": meeting.version,
            "agenda-TOTAL_FORMS": len(items), "agenda-INITIAL_FORMS": len(items)}
    for n, item in enumerate(items):
        data.update({f"agenda-{n}-id": item.pk, f"agenda-{n}-kind": item.kind, f"agenda-{n}-title": item.title,
                     f"agenda-{n}-outcome": item.outcome})
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["supervisor", "secretary"])
def test_it_shows_the_form_to_the_office_and_secretaries(province, persona):
    """The form is filled with the meeting as recorded, with its version."""
    meeting = duplicate(province)
    response = client_for(getattr(province, persona)).get(edit_url(meeting))
    assert response.status_code == 200
    assert response.context["form"]["title"].value() == "省政府第2次常务会议"
    assert response.context["form"]["version"].value() == 1
    assert "防汛工作方案" in response.content.decode()


def test_the_meeting_page_links_to_the_form_for_recorders_only(province):
    """"Correct or delete" shows for the secretary, not for a liaison."""
    url = reverse("meeting_detail", args=[province.meeting.pk])
    assert edit_url(province.meeting) in client_for(province.secretary).get(url).content.decode()
    assert edit_url(province.meeting) not in client_for(province.liaison).get(url).content.decode()


@pytest.mark.parametrize("persona", ["liaison", "other_liaison", "leader", "sysadmin", "secadmin", "auditadmin"])
def test_it_is_404_for_everyone_else(province, persona):
    """Others get 404 on the form, on a correction and on a delete; nothing changes."""
    meeting = duplicate(province)
    client = client_for(getattr(province, persona))
    assert client.get(edit_url(meeting)).status_code == 404
    assert client.post(edit_url(meeting), form_data(meeting, **{"meeting-title": "改"})).status_code == 404
    assert client.post(delete_url(meeting), {"delete-version": 1, "delete-confirm": "on"}).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).title == "省政府第2次常务会议"


def test_it_requires_login(province):
    response = Client().get(edit_url(province.meeting))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_other_methods(province):
    """PUT on the form and GET on the delete are 405."""
    client = client_for(province.supervisor)
    assert client.put(edit_url(province.meeting)).status_code == 405
    assert client.get(delete_url(province.meeting)).status_code == 405


def test_it_saves_a_correction_and_audits_it(province):
    """Date, chair and an agenda item's outcome are corrected; one audit event by the user."""
    meeting = duplicate(province)
    client = client_for(province.secretary)
    response = client.post(edit_url(meeting), form_data(meeting, **{
        "meeting-date": "2022-10-07", "meeting-chair_name": "李乐成", "meeting-chair_title": "省长",
        "agenda-0-outcome": "adopted"}))
    assert response.status_code == 302 and response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert (meeting.date, meeting.chair_name, meeting.version) == (dt.date(2022, 10, 7), "李乐成", 2)
    assert meeting.agenda_items.get().outcome == "adopted"
    assert AuditEvent.objects.get(verb="update_meeting").actor == province.secretary


def test_a_concurrent_correction_loses_nothing(province):
    """Two people open the form; the second save gets 409 with their typing kept and the other's
    change named; saving again then applies it on purpose."""
    meeting = duplicate(province)
    first, second = client_for(province.supervisor), client_for(province.secretary)
    stale = form_data(meeting, **{"meeting-place": "省政府第一会议室", "meeting-title": "第二人的标题"})
    assert first.post(edit_url(meeting), form_data(meeting, **{"meeting-date": "2022-10-07"})).status_code == 302
    response = second.post(edit_url(meeting), stale)
    body = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else" in body and "第二人的标题" in body and "省政府第一会议室" in body
    assert "Date is now “2022-10-07”" in body
    meeting.refresh_from_db()
    assert meeting.place == "" and meeting.title == "省政府第2次常务会议" and meeting.version == 2
    assert response.context["form"]["version"].value() == "2"
    again = dict(stale, **{"meeting-version": 2, "meeting-date": "2022-10-07"})
    assert second.post(edit_url(meeting), again).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.title, meeting.date) == ("省政府第一会议室", "第二人的标题", dt.date(2022, 10, 7))


def test_a_bad_field_keeps_what_was_typed(province):
    """An empty title is a form error (400): the other fields keep what was typed, nothing is saved."""
    meeting = duplicate(province)
    response = client_for(province.secretary).post(edit_url(meeting), form_data(
        meeting, **{"meeting-title": "", "meeting-place": "省政府"}))
    assert response.status_code == 400 and "省政府" in response.content.decode()
    assert response.context["form"].errors["title"]
    assert Meeting.objects.get(pk=meeting.pk).version == 1


def test_it_deletes_a_duplicate_with_its_drafts(province):
    """The office deletes a duplicate with its drafts in one go and lands on the list."""
    meeting = duplicate(province)
    draft = task_services.create_task(province.supervisor, meeting.directives.get(), lead_unit=province.emergency)
    client = client_for(province.supervisor)
    page = client.get(edit_url(meeting)).content.decode()
    assert "its 1 draft task are deleted with it" in page
    response = client.post(delete_url(meeting), {"delete-version": 1, "delete-confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("meeting_list")
    assert not Meeting.objects.filter(pk=meeting.pk).exists() and not Task.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.get(verb="delete_meeting").actor == province.supervisor


def test_it_deletes_nothing_without_the_confirmation(province):
    """Without the ticked box the meeting stays and the page says why."""
    meeting = duplicate(province)
    client = client_for(province.supervisor)
    response = client.post(delete_url(meeting), {"delete-version": 1}, follow=True)
    assert "Tick the box" in response.content.decode() and Meeting.objects.filter(pk=meeting.pk).exists()


def test_it_refuses_to_delete_a_meeting_with_assigned_work(province):
    """The fixture meeting has an assigned task: the page explains, a forced post is refused."""
    province.assigned()
    client = client_for(province.supervisor)
    page = client.get(edit_url(province.meeting)).content.decode()
    assert "cannot be deleted" in page and delete_url(province.meeting) not in page
    response = client.post(delete_url(province.meeting), {"delete-version": 1, "delete-confirm": "on"}, follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert Meeting.objects.filter(pk=province.meeting.pk).exists()


def test_a_secretary_cannot_delete_the_offices_drafts(province):
    """A secretary is told the office deletes a meeting with drafts; the meeting stays."""
    meeting = duplicate(province)
    task_services.create_task(province.supervisor, meeting.directives.get(), lead_unit=province.emergency)
    client = client_for(province.secretary)
    assert delete_url(meeting) not in client.get(edit_url(meeting)).content.decode()
    response = client.post(delete_url(meeting), {"delete-version": 1, "delete-confirm": "on"}, follow=True)
    assert "only the supervision office deletes it" in response.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()
