"""GET /api/v1/tasks and /api/v1/tasks/{id}: visibility per persona, the ledger's filters,
pagination, the ETag, and query counts that do not grow with the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi import lib
from luoshi.api.tests.conftest import api_client
from luoshi.tasks import services
from luoshi.tasks.counts import rebuild
from luoshi.tasks.models import Task

LIST = "/api/v1/tasks"

READERS_OF_EVERYTHING = ["supervisor", "leader"]
SEES_NOTHING = ["secretary", "sysadmin", "secadmin", "auditadmin"]


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("persona", READERS_OF_EVERYTHING)
def test_it_lists_every_task_to_readers_of_everything(province, persona):
    """The office and leaders see every task, with counts per light."""
    mine, theirs = province.assigned(), province.assigned(province.health)
    response = api_client(getattr(province, persona)).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert sorted(ids(response)) == sorted([mine.pk, theirs.pk])
    assert body["count"] == 2 and sum(body["lights"].values()) == 2
    assert body["next"] is None and body["previous"] is None


def test_it_lists_a_liaison_only_the_tasks_of_their_unit_and_below(province):
    """A city's liaison sees the city's tasks and its counties', not another unit's."""
    city, county = province.assigned(province.city), province.assigned(province.county)
    province.assigned(province.health)
    assert sorted(ids(api_client(province.city_liaison).get(LIST))) == sorted([city.pk, county.pk])
    assert ids(api_client(province.county_liaison).get(LIST)) == [county.pk]


def test_it_lists_a_cooperating_units_tasks_to_its_liaison(province):
    """A cooperating unit's liaison sees the task too."""
    task = province.assigned(province.health, cooperating_units=[province.emergency])
    assert ids(api_client(province.liaison).get(LIST)) == [task.pk]


@pytest.mark.parametrize("persona", SEES_NOTHING)
def test_it_lists_nothing_to_those_who_read_no_tasks(province, persona):
    """The secretary and the three administrators see an empty list, not an error."""
    province.assigned()
    response = api_client(getattr(province, persona)).get(LIST)
    assert response.status_code == 200 and response.json()["count"] == 0


def test_it_filters_like_the_ledger(province):
    """unit, status, light, area, meeting, deadlines and q select the same rows as the ledger."""
    flood = province.assigned(title="flood defences", deadline_days=10)
    health = province.signed(province.health, title="vaccination drive", deadline_days=40)
    client = api_client(province.supervisor)
    assert ids(client.get(LIST, {"unit": "EMERG"})) == [flood.pk]
    assert ids(client.get(LIST, {"status": "signed"})) == [health.pk]
    assert ids(client.get(LIST, {"q": "vaccination"})) == [health.pk]
    assert ids(client.get(LIST, {"light": "red"})) == []
    assert sorted(ids(client.get(LIST, {"area": "SAFETY"}))) == sorted([flood.pk, health.pk])
    assert sorted(ids(client.get(LIST, {"meeting": province.meeting.pk}))) == sorted([flood.pk, health.pk])
    later = (lib.today() + dt.timedelta(days=20)).isoformat()
    assert ids(client.get(LIST, {"deadline_from": later})) == [health.pk]
    assert ids(client.get(LIST, {"deadline_to": later})) == [flood.pk]
    assert ids(client.get(LIST, {"sort": "-deadline"})) == [health.pk, flood.pk]


@pytest.mark.parametrize("params, message", [
    ({"unit": "NOPE"}, "There is no unit with the code NOPE."),
    ({"area": "NOPE"}, "There is no priority area with the code NOPE."),
    ({"meeting": 999999}, "There is no meeting number 999999."),
    ({"deadline_from": "2030-01-02", "deadline_to": "2030-01-01"}, "“Due from” is after “Due by”"),
])
def test_it_refuses_filters_that_name_nothing(province, params, message):
    """An unknown unit, area or meeting, or crossed dates, is 422 with the ledger's message."""
    response = api_client(province.supervisor).get(LIST, params)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input" and message in response.json()["message"]


@pytest.mark.parametrize("params", [{"page_size": 201}, {"page": 0}, {"status": "done"}, {"sort": "title"},
                                    {"deadline_from": "tomorrow"}])
def test_it_refuses_malformed_parameters(province, params):
    """Parameters outside the schema are 422 with the field named."""
    response = api_client(province.supervisor).get(LIST, params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_input" and body["details"]


def test_it_pages_with_links(province):
    """page and page_size cut the list; next and previous keep the filters."""
    for n in range(5):
        province.assigned(title=f"task {n}", deadline_days=10 + n)
    client = api_client(province.supervisor)
    first = client.get(LIST, {"page_size": 2, "unit": "EMERG"}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert "unit=EMERG" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert [r["title"] for r in second["results"]] == ["task 2", "task 3"]
    assert "page=1" in second["previous"]
    last = client.get(LIST, {"page_size": 2, "page": 3}).json()
    assert [r["title"] for r in last["results"]] == ["task 4"] and last["next"] is None
    beyond = client.get(LIST, {"page_size": 2, "page": 9}).json()
    assert beyond["results"] == [] and beyond["count"] == 5 and "page=3" in beyond["previous"]


def _list_queries(client, params=None) -> int:  # type: ignore[no-untyped-def]
    client.get(LIST, params or {})  # the first request notes the token's last use
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["supervisor", "liaison"])
def test_it_runs_as_many_queries_for_fifty_rows_as_for_one(province, persona):
    """The list costs a fixed number of queries, whatever the page holds."""
    province.assigned(cooperating_units=[province.health])
    client = api_client(getattr(province, persona))
    one = _list_queries(client, {"unit": "EMERG", "status": "assigned"})
    for n in range(49):
        province.draft(title=f"row {n}", cooperating_units=[province.health, province.city])
    Task.objects.filter(status="draft").update(status="assigned")
    rebuild()  # a raw UPDATE passes the stored counts by, as the daily pass's rebuild would mend
    fifty = _list_queries(client, {"unit": "EMERG", "status": "assigned"})
    assert client.get(LIST, {"unit": "EMERG", "status": "assigned"}).json()["count"] == 50
    assert one == fifty <= 6


# --- one task --------------------------------------------------------------------------------------


def detail(task: Task) -> str:
    return f"/api/v1/tasks/{task.pk}"


@pytest.mark.parametrize("persona", ["supervisor", "leader", "liaison", "other_liaison"])
def test_it_shows_a_task_to_those_who_may_see_it(province, persona):
    """Readers of everything, the lead unit and a cooperating unit see the task and its ETag."""
    task = province.in_progress(cooperating_units=[province.health])
    response = api_client(getattr(province, persona)).get(detail(task))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == task.pk and body["status"] == "in_progress" and body["lead_unit"]["code"] == "EMERG"
    assert response["ETag"] == f'"{task.version}"' and body["version"] == task.version
    assert [r["text"] for r in body["reports"]] == ["work under way"]
    assert body["directive_detail"]["meeting"] == province.meeting.pk


@pytest.mark.parametrize("persona", ["other_liaison", "city_liaison", "secretary", "sysadmin", "secadmin",
                                     "auditadmin"])
def test_it_hides_a_task_from_those_who_may_not_see_it(province, persona):
    """Anybody else gets the same 404 as for a task that does not exist."""
    task = province.assigned()
    hidden = api_client(getattr(province, persona)).get(detail(task))
    missing = api_client(getattr(province, persona), name="second").get("/api/v1/tasks/987654")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"error": "not_found", "message": "Not found, or not yours to see."}


@pytest.mark.parametrize("persona, actions", [
    ("supervisor", ["urge", "escalate", "suspend", "cancel", "reassign", "add_milestone"]),
    ("liaison", ["report", "request_completion", "request_extension", "request_return", "add_milestone",
                 "complete_milestone", "ask_for_input"]),
    ("leader", ["instruct"]),
])
def test_it_lists_the_actions_the_user_may_take(province, persona, actions):
    """`actions` comes from the same rules as the buttons on the task page."""
    task = province.in_progress()
    assert api_client(getattr(province, persona)).get(detail(task)).json()["actions"] == actions


def test_it_shows_sub_tasks_urges_escalations_and_instructions(province):
    """The detail carries the task's history as the task page shows it."""
    task = province.signed()
    services.urge_task(province.supervisor, task, text="hurry")
    services.escalate_task(province.supervisor, task, level=1, reason="slow")
    services.write_instruction(province.leader, task, text="do it well")
    body = api_client(province.supervisor).get(detail(task)).json()
    assert [u["text"] for u in body["urges"]] == ["hurry"]
    assert [(e["level"], e["reason"]) for e in body["escalations"]] == [(1, "slow")]
    assert [i["text"] for i in body["instructions"]] == ["do it well"]


def test_it_refuses_post_on_the_list(province):
    """The list is read-only: POST is 405, in JSON, with the allowed methods."""
    response = api_client(province.supervisor).post(LIST)
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_it_answers_unknown_addresses_in_json(province):
    """An address under /api/ that does not exist is a JSON 404."""
    response = api_client(province.supervisor).get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
