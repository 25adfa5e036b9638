"""/search/: who may use it, kinds with counts, pagination, highlighting, bounded queries."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.meetings.services import DirectiveInput, record_meeting
from luoshi.testing.fixtures import PASSWORD

URL = reverse("search")


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def test_it_requires_login(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(URL, {"q": "安全"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "leader", "liaison", "city_liaison", "county_liaison",
                                     "other_liaison", "secretary"])
def test_it_serves_every_business_role(province, persona):
    """Every role that reads business data gets the page, empty and with results."""
    client = client_for(getattr(province, persona))
    assert client.get(URL).status_code == 200
    response = client.get(URL, {"q": "安全生产"})
    assert response.status_code == 200
    assert province.meeting.title in response.content.decode()


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin"])
def test_it_is_hidden_from_the_administrators(province, persona):
    """The three administrators get 404, as for a page that does not exist."""
    assert client_for(getattr(province, persona)).get(URL, {"q": "安全"}).status_code == 404


def test_it_refuses_post(province):
    """Search is read-only."""
    assert client_for(province.supervisor).post(URL, {"q": "安全"}).status_code == 405


def test_it_shows_kinds_with_counts_and_highlights(province):
    """The kinds carry their counts; hits link to their objects with the words marked."""
    task = province.in_progress(title="安全生产大检查")
    client = client_for(province.supervisor)
    response = client.get(URL, {"q": "安全"})
    html = response.content.decode()
    assert response.context["results"].counts == {"meeting": 1, "directive": 1, "task": 1}
    assert [(value, n) for value, _label, n in response.context["tabs"]] == [
        ("", "3"), ("meeting", "1"), ("directive", "1"), ("task", "1"), ("report", "0")]
    assert f'href="{task.get_absolute_url()}"' in html
    assert "<mark>安全</mark>生产大检查" in html
    assert f'href="{province.meeting.get_absolute_url()}#directive-1"' in html
    only_tasks = client.get(URL, {"q": "安全", "kind": "task"})
    assert [h.object.pk for h in only_tasks.context["results"].hits] == [task.pk]
    assert 'aria-current="page">Tasks' in only_tasks.content.decode()


def test_it_hides_what_the_user_may_not_read(province):
    """A liaison of another unit sees neither the task nor its count."""
    province.in_progress(title="安全生产大检查")
    response = client_for(province.other_liaison).get(URL, {"q": "大检查"})
    assert response.context["results"].counts == {}
    assert "Nothing you may read contains" in response.content.decode()


@pytest.mark.parametrize("params", [{"q": "。，！"}, {"q": '"AND NEAR(*'}, {"q": "安全", "kind": "nonsense"},
                                    {"q": "安全", "page": "abc"}, {"q": "安全", "page": "-3"}, {"q": "x" * 5000}])
def test_it_handles_odd_input(province, params):
    """Punctuation, operators, unknown kinds, bad pages and very long input render a page, not an error."""
    assert client_for(province.supervisor).get(URL, params).status_code == 200


def test_it_escapes_the_query(province):
    """What was typed is shown escaped."""
    html = client_for(province.supervisor).get(URL, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_it_paginates(province, settings):
    """Pages link to each other and keep the query and kind."""
    settings.LUOSHI_SEARCH_PAGE_SIZE = 2
    for i in range(5):
        province.draft(title=f"抗旱第{i}项")
    client = client_for(province.supervisor)
    page = client.get(URL, {"q": "抗旱", "kind": "task", "page": 2})
    assert len(page.context["results"].hits) == 2
    html = page.content.decode()
    assert "page=3" in html and "page=1" in html and "kind=task" in html and "Page 2 of 3" in html


def add_meetings(province: Any, n: int) -> None:
    for i in range(n):
        meeting = record_meeting(province.secretary, kind="executive", title=f"防汛专题会议{i}", date=None,
                                 readout="研究部署防汛工作。", directives=[DirectiveInput(text="要做好防汛准备。")])
        province.draft(title=f"防汛任务{i}", lead=province.emergency)
        assert meeting


def queries_for(client: Client, kind: str = "") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": "防汛", "kind": kind}).status_code == 200
    return len(queries)


def test_it_runs_the_same_queries_for_1_and_50_hits(province):
    """One or fifty hits: the same number of queries for each kind, and no more for all
    kinds (one query per kind on the page, at most four)."""
    add_meetings(province, 1)
    client = client_for(province.supervisor)
    one = {kind: queries_for(client, kind) for kind in ["meeting", "directive", "task"]}
    every = queries_for(client)
    add_meetings(province, 49)
    assert {kind: queries_for(client, kind) for kind in ["meeting", "directive", "task"]} == one
    assert queries_for(client) <= every


def test_past_the_cap_it_shows_the_best_of_the_newest_matches(province, settings, monkeypatch):
    """More matches than LUOSHI_SEARCH_MAX_COUNTED: counts read "2+", the hits come from the
    newest two matches (found window by window), and the page says how to narrow the search."""
    from luoshi.search import results as search_results

    monkeypatch.setattr(search_results, "MIN_WINDOW", 1)
    monkeypatch.setattr(search_results, "WINDOW_PER_MATCH", 1)
    settings.LUOSHI_SEARCH_MAX_COUNTED = 2
    old = province.in_progress(title="防汛检查 第一项")
    newer = [province.in_progress(title=f"防汛检查 第{n}项") for n in "二三"]
    found = search_results.search(province.supervisor, "防汛")
    assert found.more and found.tab_count("") == "2+" and found.tab_count("task") == ""
    assert old.pk not in {hit.object.pk for hit in found.hits if hit.kind == "task"}
    only_tasks = search_results.search(province.supervisor, "防汛", kind="task")
    assert only_tasks.more and only_tasks.tab_count("task") == "2+" and only_tasks.tab_count("meeting") == ""
    assert {hit.object.pk for hit in only_tasks.hits} == {task.pk for task in newer}
    page = client_for(province.supervisor).get(URL, {"q": "防汛", "kind": "task"}).content.decode()
    assert "More than 2 results for “防汛”" in page and "Add a word to narrow the search." in page
    one = search_results.search(province.supervisor, "第一项")
    assert not one.more and one.all_counted and one.tab_count("") == "1"
    assert [hit.object.pk for hit in one.hits] == [old.pk]


def test_the_same_search_again_starts_from_the_window_that_held_enough(province, settings, monkeypatch):
    """The next page of a search, or the same search again, skips the windows that came up
    short the first time; the answer is the same. Another user, or other words, start afresh."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.search import results as search_results

    cache.clear()
    monkeypatch.setattr(search_results, "MIN_WINDOW", 1)
    monkeypatch.setattr(search_results, "WINDOW_PER_MATCH", 1)
    settings.LUOSHI_SEARCH_MAX_COUNTED = 2
    for n in "一二三四五":
        province.in_progress(title=f"防汛检查 第{n}项")
    for n in range(30):  # newer documents without the word: the first windows hold too few matches
        province.in_progress(title=f"安全检查 {n}")

    def windows(user):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as captured:
            found = search_results.search(user, "防汛")
        return found, len(captured.captured_queries)

    first, first_queries = windows(province.supervisor)
    again, again_queries = windows(province.supervisor)
    assert again_queries <= first_queries - 2  # at least two windows fewer
    assert ([(h.kind, h.object.pk) for h in again.hits], again.more) == ([(h.kind, h.object.pk) for h in first.hits], first.more)
    assert windows(province.leader)[1] == first_queries  # the hint is the user's own
