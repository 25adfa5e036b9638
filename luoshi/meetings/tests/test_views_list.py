"""The meeting list: who sees it, search and filters, counts, pagination and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.meetings.models import Meeting
from luoshi.meetings.services import DirectiveInput, record_meeting
from luoshi.tasks import services as tasks
from luoshi.testing.fixtures import PASSWORD

URL = reverse("meeting_list")


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def add_meetings(province, n: int) -> None:  # type: ignore[no-untyped-def]
    """n meetings, each with two directives and one task, through the services."""
    for i in range(n):
        meeting = record_meeting(
            province.secretary, kind="executive", title=f"第{i + 2}次常务会议", number=i + 2,
            date=dt.date(2022, 1, 1) + dt.timedelta(days=i), chair_name="李乐成",
            directives=[DirectiveInput(text=f"要抓好第{i}项工作。"), DirectiveInput(text="要保障民生。")],
        )
        tasks.create_task(province.supervisor, meeting.directives.first(), lead_unit=province.emergency)


def test_it_requires_login(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "city_liaison", "leader", "secretary"])
def test_it_lists_meetings_for_every_business_role(province, persona):
    """Every business role sees the meeting list."""
    response = client_for(getattr(province, persona)).get(URL)
    assert response.status_code == 200
    assert province.meeting.title in response.content.decode()


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin"])
def test_it_is_hidden_from_the_administrators(province, persona):
    """The three administrators get 404, as for a page that does not exist."""
    assert client_for(getattr(province, persona)).get(URL).status_code == 404


def test_it_refuses_post(province):
    """The list is read-only."""
    assert client_for(province.supervisor).post(URL).status_code == 405


def test_it_searches_title_chair_and_readout(province):
    """The search box looks in the title, the chair's name and the readout text."""
    add_meetings(province, 2)
    client = client_for(province.supervisor)
    by_title = client.get(URL, {"q": "第2次"}).context["meetings"]
    assert [m.title for m in by_title] == ["第2次常务会议"]
    assert len(client.get(URL, {"q": "李乐成"}).context["meetings"]) == 2
    assert [m.pk for m in client.get(URL, {"q": "重特大事故"}).context["meetings"]] == [province.meeting.pk]
    assert client.get(URL, {"q": "nothing like this"}).context["meetings"] == []


def test_it_filters_by_kind_status_and_dates(province):
    """Kind, status and a date range narrow the list."""
    add_meetings(province, 3)
    client = client_for(province.supervisor)
    assert len(client.get(URL, {"kind": "executive"}).context["meetings"]) == 4
    assert client.get(URL, {"kind": "party_group"}).context["meetings"] == []
    assert client.get(URL, {"status": "published"}).context["meetings"] == []
    rows = client.get(URL, {"date_from": "2022-01-02", "date_to": "2022-01-03"}).context["meetings"]
    assert sorted(m.date.isoformat() for m in rows) == ["2022-01-02", "2022-01-03"]


def test_it_explains_a_reversed_date_range(province):
    """A start date after the end date gives a clear message instead of an empty list."""
    response = client_for(province.supervisor).get(URL, {"date_from": "2022-02-01", "date_to": "2022-01-01"})
    assert "The start date is after the end date." in response.content.decode()


def test_it_counts_directives_and_tasks_with_their_lights(province):
    """Each meeting shows its directive count, task count and tasks per light (a draft has none)."""
    province.draft()
    province.assigned(lead=province.health)
    row = client_for(province.supervisor).get(URL).context["meetings"][0]
    assert row.directive_count == 1 and row.task_count == 2
    assert dict((light, n) for light, _label, n in row.lights) == {"green": 1, "amber": 0, "red": 0}


def test_it_counts_only_the_tasks_a_liaison_may_see(province):
    """A liaison's task count covers only the tasks of their unit, and no draft."""
    province.assigned()
    province.draft()
    province.assigned(lead=province.health)
    row = client_for(province.liaison).get(URL).context["meetings"][0]
    assert row.task_count == 1


def test_it_does_not_show_tasks_to_the_secretary(province):
    """A meeting secretary sees meetings and directives, not tasks."""
    province.draft()
    response = client_for(province.secretary).get(URL)
    assert response.context["meetings"][0].task_count == 0
    assert "1 task" not in response.content.decode()


def test_it_paginates(province):
    """Twenty meetings a page, with links to the next page that keep the filters."""
    add_meetings(province, 24)
    client = client_for(province.supervisor)
    first = client.get(URL, {"kind": "executive"})
    assert len(first.context["meetings"]) == 20
    assert "kind=executive&amp;page=2" in first.content.decode()
    assert len(client.get(URL, {"kind": "executive", "page": 2}).context["meetings"]) == 5


def test_it_serves_the_results_fragment_to_htmx(province):
    """An htmx request gets only the results, not the whole page."""
    response = client_for(province.supervisor).get(URL, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and province.meeting.title in body
    assert "HX-Request" in response["Vary"]


def count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["supervisor", "liaison"])
def test_it_runs_the_same_queries_for_1_and_50_meetings(province, persona):
    """The list costs the same number of queries with 1 meeting as with 50."""
    province.draft()
    client = client_for(getattr(province, persona))
    one = count_queries(client)
    add_meetings(province, 49)
    assert Meeting.objects.count() == 50
    assert count_queries(client) == one
    assert one <= 8
