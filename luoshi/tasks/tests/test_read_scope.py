"""permissions.read_scope: what a user may read, and that a draft is the office's alone (issue 14).

Each test here failed before the fix: a liaison listed and opened drafts, a cooperating unit
saw one among its ledger's cards, a leader and the search found them."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.api import services as api_services
from luoshi.search.results import search
from luoshi.tasks.counts import light_counts
from luoshi.tasks.ledger import LedgerQuery
from luoshi.tasks.lifecycle import UNIT_VISIBLE
from luoshi.tasks.permissions import ReadScope, read_scope, visible_tasks
from luoshi.testing.fixtures import Province


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api_for(user) -> Client:  # type: ignore[no-untyped-def]
    _token, raw = api_services.create_token(user, name="scope")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def test_it_gives_each_role_its_scope(province: Province) -> None:
    """The office everything, a leader everything but drafts, a liaison their subtree but
    drafts, the secretary, the administrators and an inactive user nothing."""
    assert read_scope(province.supervisor).everything and read_scope(province.supervisor).all_statuses
    assert read_scope(province.leader) == ReadScope(everything=True, statuses=UNIT_VISIBLE)
    assert read_scope(province.city_liaison) == ReadScope(path=province.city.path, statuses=UNIT_VISIBLE)
    for user in (province.secretary, province.sysadmin, province.secadmin, province.auditadmin, province.outsider):
        assert read_scope(user).nothing and not visible_tasks(user).exists()


@pytest.mark.parametrize("persona", ["liaison", "other_liaison", "leader"])
def test_it_keeps_drafts_out_of_the_ledger(province: Province, persona: str) -> None:
    """The lead liaison, a cooperating one and a leader: no draft row, none counted, even
    with ?status=draft (the phone's cards are the same rows)."""
    draft = province.draft(title="未交办的草稿", cooperating_units=[province.health])
    shown = province.assigned(title="已交办的事项", cooperating_units=[province.health])
    client = client_for(getattr(province, persona))
    for address in ("/tasks/", "/tasks/?status=draft"):
        response = client.get(address, headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
        body = response.content.decode()
        assert "未交办的草稿" not in body and f"/tasks/{draft.pk}/" not in body
    assert client.get("/tasks/?status=draft").context["counts"].total == 0
    assert "已交办的事项" in client.get("/tasks/").content.decode() and shown.pk


@pytest.mark.parametrize("persona", ["liaison", "other_liaison", "leader"])
def test_it_answers_404_for_a_draft(province: Province, persona: str) -> None:
    """Opening a draft, on the page or through the API, looks as if it did not exist."""
    draft = province.draft(cooperating_units=[province.health])
    user = getattr(province, persona)
    assert client_for(user).get(f"/tasks/{draft.pk}/").status_code == 404
    api = api_for(user)
    assert api.get(f"/api/v1/tasks/{draft.pk}").status_code == 404
    assert draft.pk not in [row["id"] for row in api.get("/api/v1/tasks?status=draft").json()["results"]]
    assert api.get("/api/v1/tasks").json()["count"] == 0


def test_the_office_still_sees_its_drafts(province: Province) -> None:
    """The supervision office lists, counts and opens drafts."""
    draft = province.draft()
    client = client_for(province.supervisor)
    assert client.get("/tasks/?status=draft").context["counts"].total == 1
    assert client.get(f"/tasks/{draft.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["liaison", "other_liaison", "leader"])
def test_search_finds_no_draft(province: Province, persona: str) -> None:
    """A draft's words find nothing for a liaison (lead or cooperating) or a leader; the office finds it."""
    draft = province.draft(title="危化品专项检查", cooperating_units=[province.health])
    assert ("task", draft.pk) not in {(hit.kind, hit.object.pk) for hit in search(getattr(province, persona), "危化品").hits}
    assert ("task", draft.pk) in {(hit.kind, hit.object.pk) for hit in search(province.supervisor, "危化品").hits}


@pytest.mark.parametrize("persona", ["liaison", "other_liaison", "leader"])
def test_no_count_includes_a_draft(province: Province, persona: str) -> None:
    """The one count leaves drafts out for everybody but the office, whatever the filters."""
    province.draft(cooperating_units=[province.health])
    user = getattr(province, persona)
    for query in (LedgerQuery(), LedgerQuery(status="draft"), LedgerQuery(area=province.area),
                  LedgerQuery(unit=province.emergency), LedgerQuery(q="安全")):
        assert light_counts(user, query).total == 0, query
    assert light_counts(province.supervisor, LedgerQuery(status="draft")).total == 1


def test_a_liaison_home_counts_no_draft(province: Province) -> None:
    """The liaison's home page counts and lists no draft."""
    province.draft(cooperating_units=[province.health])
    for user in (province.liaison, province.other_liaison):
        inbox = client_for(user).get("/").context["inbox"]
        assert inbox.task_count == 0 and inbox.to_sign_count == 0 and not inbox.tasks
