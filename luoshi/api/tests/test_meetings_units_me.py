"""GET /api/v1/meetings, /api/v1/meetings/{id}, /api/v1/units and /api/v1/me per persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.api.tests.conftest import api_client
from luoshi.meetings.services import AgendaItemInput, DirectiveInput, record_meeting

READERS = ["supervisor", "liaison", "other_liaison", "leader", "secretary"]
ADMINISTRATORS = ["sysadmin", "secadmin", "auditadmin"]


@pytest.mark.parametrize("persona", READERS)
def test_it_lists_meetings_to_their_readers(province, persona):
    """Everyone but the administrators reads the meetings."""
    response = api_client(getattr(province, persona)).get("/api/v1/meetings")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["title"] == "省政府第1次常务会议"
    assert body["results"][0]["directive_count"] == 1


@pytest.mark.parametrize("persona", ADMINISTRATORS)
def test_it_hides_meetings_from_the_administrators(province, persona):
    """The three administrators read no business data: 404."""
    client = api_client(getattr(province, persona))
    assert client.get("/api/v1/meetings").status_code == 404
    assert client.get(f"/api/v1/meetings/{province.meeting.pk}").status_code == 404


def test_it_filters_and_pages_meetings(province):
    """q, kind and dates filter; page and page_size cut, newest first."""
    for n in range(3):
        record_meeting(province.secretary, kind="special_topic", title=f"topic {n}", date=dt.date(2023, 1, 1 + n))
    client = api_client(province.supervisor)
    assert client.get("/api/v1/meetings", {"kind": "special_topic"}).json()["count"] == 3
    assert client.get("/api/v1/meetings", {"q": "topic 1"}).json()["count"] == 1
    assert client.get("/api/v1/meetings", {"date_to": "2022-12-31"}).json()["count"] == 1
    page = client.get("/api/v1/meetings", {"page_size": 2}).json()
    assert [m["title"] for m in page["results"]] == ["topic 2", "topic 1"] and "page=2" in page["next"]


@pytest.mark.parametrize("persona, sees_task", [("supervisor", True), ("liaison", True), ("other_liaison", False),
                                                ("leader", True), ("secretary", False)])
def test_it_shows_a_meeting_with_agenda_directives_spans_and_visible_tasks(province, persona, sees_task):
    """The detail has the readout, the directives' spans and only the tasks the user may see."""
    task = province.assigned()
    response = api_client(getattr(province, persona)).get(f"/api/v1/meetings/{province.meeting.pk}")
    assert response.status_code == 200
    body = response.json()
    directive = body["directives"][0]
    span = directive["span"]
    assert body["readout"][span["start"]:span["end"]] == directive["text"]
    assert directive["priority_areas"] == ["SAFETY"]
    assert directive["tasks"] == ([task.pk] if sees_task else [])


def test_it_shows_agenda_items(province):
    """Agenda items come in order, with their kind and presenting unit."""
    meeting = record_meeting(
        province.secretary, kind="executive", title="agenda", date=dt.date(2023, 2, 1), readout="",
        agenda_items=[AgendaItemInput(kind="plan", title="the plan", presenting_unit=province.emergency)],
        directives=[DirectiveInput(text="do the plan", agenda_index=0)],
    )
    body = api_client(province.supervisor).get(f"/api/v1/meetings/{meeting.pk}").json()
    assert [(a["order"], a["kind"], a["title"], a["presenting_unit"]["code"]) for a in body["agenda_items"]] == [
        (1, "plan", "the plan", "EMERG")]
    assert body["directives"][0]["agenda_item"] == body["agenda_items"][0]["id"]


def test_it_answers_404_for_a_meeting_that_does_not_exist(province):
    """An unknown meeting id is a JSON 404."""
    response = api_client(province.supervisor).get("/api/v1/meetings/424242")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_lists_meetings_with_as_many_queries_for_fifty_as_for_one(province):
    """The meeting list costs a fixed number of queries."""
    client = api_client(province.supervisor)
    one = _queries(client, "/api/v1/meetings")
    for n in range(49):
        record_meeting(province.secretary, kind="other", title=f"m{n}", date=None,
                       directives=[DirectiveInput(text=f"directive {n}")])
    assert client.get("/api/v1/meetings").json()["count"] == 50
    assert _queries(client, "/api/v1/meetings") == one <= 4


@pytest.mark.parametrize("persona", READERS + ADMINISTRATORS)
def test_it_lists_the_units_to_everyone(province, persona):
    """The unit tree is reference data every user may read, with parents by code."""
    body = api_client(getattr(province, persona)).get("/api/v1/units").json()
    by_code = {unit["code"]: unit for unit in body}
    assert by_code["SY-HP"]["parent"] == "SY" and by_code["P"]["parent"] is None
    assert by_code["SY-HP"]["path"] == "/P/SY/SY-HP/" and by_code["SY"]["name_zh"] == "沈阳市"


def test_it_lists_units_in_one_query(province):
    """The units cost one query however many there are (plus the token's, and the check that
    its user is not locked out: issue 16, item 4)."""
    assert _queries(api_client(province.supervisor), "/api/v1/units") <= 3


@pytest.mark.parametrize("persona", READERS + ADMINISTRATORS)
def test_it_says_who_the_token_belongs_to(province, persona):
    """/me names the user, role and unit."""
    user = getattr(province, persona)
    body = api_client(user).get("/api/v1/me").json()
    assert body["username"] == user.username and body["role"] == user.role
    assert body["unit"] == ({"code": user.unit.code, "name": user.unit.name} if user.unit else None)
