"""A meeting's page: header, agenda, directives with tasks, the highlighted readout, a task
from a directive (htmx and plain), and publishing."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.meetings.models import Meeting
from luoshi.meetings.services import AgendaItemInput, DirectiveInput, record_meeting
from luoshi.tasks.models import Task
from luoshi.testing import city
from luoshi.testing.city import add_city_departments
from luoshi.testing.fixtures import PASSWORD


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def detail(province):  # type: ignore[no-untyped-def]
    return reverse("meeting_detail", args=[province.meeting.pk])


def task_url(province):  # type: ignore[no-untyped-def]
    return reverse("directive_task_new", args=[province.meeting.pk, province.directive.pk])


def task_form(province, **fields):  # type: ignore[no-untyped-def]
    prefix = f"d{province.directive.pk}-"
    data = {"lead_unit": province.health.pk, "cooperating_units": [province.city.pk],
            "deadline": (lib.today() + dt.timedelta(days=20)).isoformat(), "cadence": "monthly",
            "person_responsible": "张处长", **fields}
    return {prefix + k: v for k, v in data.items()}


def test_it_requires_login(province):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(detail(province))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "other_liaison", "leader", "secretary"])
def test_it_shows_the_meeting_to_every_business_role(province, persona, django_assert_max_num_queries):
    """Every business role sees the header, the directives and the readout, in few queries."""
    province.in_progress()
    client = client_for(getattr(province, persona))
    with django_assert_max_num_queries(16):
        response = client.get(detail(province))
    body = response.content.decode()
    assert response.status_code == 200
    assert province.meeting.title in body and province.directive.text in body


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin"])
def test_it_is_hidden_from_the_administrators(province, persona):
    """The three administrators get 404."""
    assert client_for(getattr(province, persona)).get(detail(province)).status_code == 404


def test_it_answers_404_for_a_missing_meeting(province):
    """A meeting that does not exist is 404."""
    assert client_for(province.supervisor).get(reverse("meeting_detail", args=[9999])).status_code == 404


def test_it_refuses_post(province):
    """The page itself is read-only."""
    assert client_for(province.supervisor).post(detail(province)).status_code == 405


def test_it_highlights_each_directive_in_the_readout(province):
    """The readout carries a <mark> with an id around each directive's source sentence."""
    body = client_for(province.leader).get(detail(province)).content.decode()
    assert '<mark id="d1" class="src src-directive"' in body
    assert province.directive.text + "</mark>" in body
    assert 'href="#d1"' in body and "meetings/meetings.js" in body


def test_it_shows_agenda_items_with_kind_and_outcome(province):
    """Agenda items are listed with their kind and outcome, and marked in the readout."""
    readout = "会议审议了《安全生产条例（草案）》。要抓好安全生产。"
    title = "《安全生产条例（草案）》"
    start = readout.index(title)
    meeting = record_meeting(
        province.secretary, kind="party_group", title="党组会议", date=dt.date(2022, 11, 1), readout=readout,
        agenda_items=[AgendaItemInput(kind="regulation", title=title, span=(start, start + len(title)),
                                      outcome="adopted_revised")],
        directives=[DirectiveInput(text="要抓好安全生产。")],
    )
    client = client_for(province.supervisor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "regulation" in body and "adopted after revision" in body
    assert '<mark id="a1" class="src src-agenda"' in body


def test_it_lists_the_tasks_a_reader_may_see(province):
    """Each directive lists its tasks with a link; a liaison sees only their unit's."""
    mine = province.signed()
    other = province.signed(lead=province.health)
    body = client_for(province.liaison).get(detail(province)).content.decode()
    assert reverse("task_detail", args=[mine.pk]) in body
    assert reverse("task_detail", args=[other.pk]) not in body
    body = client_for(province.leader).get(detail(province)).content.decode()
    assert reverse("task_detail", args=[other.pk]) in body


def test_it_offers_the_task_form_only_to_the_supervision_office(province):
    """Only a supervision officer sees the form that turns a directive into a task."""
    assert task_url(province) in client_for(province.supervisor).get(detail(province)).content.decode()
    for persona in ("leader", "liaison", "secretary"):
        assert task_url(province) not in client_for(getattr(province, persona)).get(detail(province)).content.decode()


def test_it_creates_a_task_from_a_directive_with_htmx(province):
    """The htmx form creates a draft task, audits it and returns the refreshed directive."""
    response = client_for(province.supervisor).post(task_url(province), task_form(province), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    task = Task.objects.get(directive=province.directive)
    assert response.status_code == 200 and "<html" not in body
    assert task.lead_unit == province.health and task.status == "draft" and task.cadence == "monthly"
    assert list(task.cooperating_units.all()) == [province.city]
    assert reverse("task_detail", args=[task.pk]) in body
    assert AuditEvent.objects.filter(verb="create_task", object_id=str(task.pk)).exists()


def test_it_creates_a_task_with_a_plain_post(province):
    """Without JavaScript the form posts and the page reloads at the directive."""
    response = client_for(province.supervisor).post(task_url(province), task_form(province))
    assert response.status_code == 302 and response["Location"].endswith("#directive-1")
    assert Task.objects.filter(directive=province.directive, lead_unit=province.health).count() == 1


def test_it_refuses_a_past_deadline_and_keeps_the_form(province):
    """A deadline in the past gives a message, creates nothing and keeps what was typed."""
    data = task_form(province, deadline="2000-01-01", person_responsible="王科长")
    response = client_for(province.supervisor).post(task_url(province), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert not Task.objects.exists()
    assert "2000-01-01" in body and "王科长" in body and "in the past" in body


def test_it_requires_a_lead_unit(province):
    """Without a lead unit nothing is created and the field says why."""
    data = task_form(province, lead_unit="")
    response = client_for(province.supervisor).post(task_url(province), data, HTTP_HX_REQUEST="true")
    assert not Task.objects.exists() and 'class="field has-error"' in response.content.decode()


@pytest.mark.parametrize("persona", ["leader", "liaison", "secretary", "sysadmin"])
def test_it_hides_task_creation_from_everyone_else(province, persona):
    """Anyone but a supervision officer gets 404 and nothing is created."""
    response = client_for(getattr(province, persona)).post(task_url(province), task_form(province))
    assert response.status_code == 404 and not Task.objects.exists()


def test_it_refuses_get_on_task_creation(province):
    """Creating a task is a POST."""
    assert client_for(province.supervisor).get(task_url(province)).status_code == 405


def test_it_answers_404_for_a_directive_of_another_meeting(province):
    """The directive must belong to the meeting in the address."""
    other = record_meeting(province.secretary, kind="executive", title="另一次会议", date=None)
    url = reverse("directive_task_new", args=[other.pk, province.directive.pk])
    assert client_for(province.supervisor).post(url, task_form(province)).status_code == 404


def test_it_publishes_the_meeting(province):
    """A supervision officer publishes the meeting; the audit trail records it."""
    url = reverse("meeting_publish", args=[province.meeting.pk])
    response = client_for(province.supervisor).post(url)
    assert response.status_code == 302
    assert Meeting.objects.get(pk=province.meeting.pk).status == "published"
    assert AuditEvent.objects.filter(verb="publish_meeting").count() == 1


def test_it_says_when_the_meeting_is_already_published(province):
    """Publishing twice gives a clear message and no second audit event."""
    client = client_for(province.supervisor)
    url = reverse("meeting_publish", args=[province.meeting.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "already published" in response.content.decode()
    assert AuditEvent.objects.filter(verb="publish_meeting").count() == 1


@pytest.mark.parametrize("persona", ["leader", "liaison", "auditadmin"])
def test_it_hides_publishing_from_readers(province, persona):
    """Readers cannot publish: 404, and the meeting is unchanged."""
    url = reverse("meeting_publish", args=[province.meeting.pk])
    assert client_for(getattr(province, persona)).post(url).status_code == 404
    assert Meeting.objects.get(pk=province.meeting.pk).status == "held"


def test_it_refuses_get_on_publish(province):
    """Publishing is a POST."""
    url = reverse("meeting_publish", args=[province.meeting.pk])
    assert client_for(province.supervisor).get(url).status_code == 405


def test_it_prefills_the_task_form_from_what_the_directive_names(province):
    """A directive recorded without a task: its form proposes the named lead, cooperating unit and deadline."""
    units = add_city_departments(province.root)
    text = "市商务局要会同市发展改革委抓紧出台支持政策，2027年1月15日前完成。"
    meeting = record_meeting(province.secretary, kind="executive", title="市政府常务会议",
                             date=city.MEETING_DAY, readout=text, directives=[DirectiveInput(text=text, span=(0, len(text)))])
    with lib.clock_at(city.MEETING_DAY):
        response = client_for(province.supervisor).get(meeting.get_absolute_url())
    form = response.context["directives"][0].task_form
    assert form["lead_unit"].value() == str(units["C-COM"].pk)
    assert form["cooperating_units"].value() == [str(units["C-DRC"].pk)]
    assert form["deadline"].value() == dt.date(2027, 1, 15)
