"""Drafts, suspended, completed and cancelled tasks have no light (issue 14).

Each test here failed before the fix: they were stored green, shown with a green dot
("已撤销 · 正常推进"), and a suspended task past its deadline was "8 days overdue" but green."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.utils import translation
from docx import Document

from luoshi import lib
from luoshi.api import services as api_services
from luoshi.documents import services as documents
from luoshi.tasks import counts, services
from luoshi.tasks.ledger import days_overdue
from luoshi.tasks.lifecycle import LIT
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import Province
from luoshi.web import dashboards


def client_for(user, language: str = "zh-hans") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def unlit(province: Province) -> list[Task]:
    return [province.draft(), province.suspended(), province.completed(), province.cancelled()]


def test_it_stores_no_light_for_a_status_without_one(province: Province) -> None:
    """Every service leaves the light empty for draft, suspended, completed and cancelled
    tasks, and the daily pass keeps it so; a resumed task gets its light back."""
    tasks = unlit(province)
    assert [Task.objects.get(pk=t.pk).light for t in tasks] == ["", "", "", ""]
    services.refresh_lights(lib.today() + dt.timedelta(days=60))
    assert set(Task.objects.exclude(status__in=LIT).values_list("light", flat=True)) == {""}
    resumed = services.resume_task(province.supervisor, tasks[1])
    assert resumed.light == "green"


def test_the_ledger_shows_no_dot_and_no_on_track_for_them(province: Province) -> None:
    """No "已撤销 · 正常推进": an unlit task's row has no dot, the header counts it apart."""
    unlit(province)
    response = client_for(province.supervisor).get("/tasks/")
    body = response.content.decode()
    assert body.count('class="dot ') == 3  # the header's red, amber and green keys; no row has one
    assert body.count('<tr class="light-none">') == 4
    counts = response.context["counts"]
    assert (counts.total, counts.green, counts.unlit) == (4, 0, 4)


def test_the_task_page_shows_no_light_for_a_cancelled_task(province: Province) -> None:
    """The task page's flags say 已撤销, not 已撤销 · 正常推进 (the timeline may still tell that it
    was on track before it was cancelled)."""
    task = province.cancelled()
    body = client_for(province.supervisor).get(f"/tasks/{task.pk}/").content.decode()
    flags = body[body.index('<p class="task-flags">'):]
    flags = flags[:flags.index("</p>")]
    assert "已撤销" in flags and "正常推进" not in flags and 'class="dot' not in flags


def test_the_api_says_null(province: Province) -> None:
    """The API's light is null for them, and its counts keep them apart."""
    unlit(province)
    _token, raw = api_services.create_token(province.supervisor, name="lights")
    body = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/tasks").json()
    assert [row["light"] for row in body["results"]] == [None] * 4
    assert body["lights"] == {"red": 0, "amber": 0, "green": 0, "unlit": 4} and body["count"] == 4


def test_a_suspended_task_is_not_overdue(province: Province) -> None:
    """Its clock is stopped: past its deadline it has no light and no days overdue; it is
    still open (it can be edited and resumed)."""
    task = province.suspended(deadline_days=2)
    later = lib.today() + dt.timedelta(days=10)
    with lib.clock_at(later):
        services.refresh_lights()
        task = Task.objects.get(pk=task.pk)
        assert task.light == "" and days_overdue(task, later) == 0 and task.is_open and not task.has_light
        body = client_for(province.supervisor, "en").get("/tasks/").content.decode()
        assert "8 days" not in body and '<span class="overdue">' not in body


def test_the_ledger_and_the_stocktake_agree(province: Province) -> None:
    """The ledger's header said 24 · 1 · 3 · 20 where the stocktake said 1 · 3 · 7: finished
    and draft tasks were counted green. Now both count only working tasks by light."""
    province.in_progress()
    province.assigned()
    unlit(province)
    header = client_for(province.supervisor).get("/tasks/").context["counts"]
    stocktake = dashboards.leader_stocktake(province.leader)
    assert header.lights == stocktake.lights == {"red": 0, "amber": 0, "green": 2}
    leader_header = client_for(province.leader).get("/tasks/").context["counts"]
    assert leader_header.lights == stocktake.lights and leader_header.total == 5  # not the draft


def test_the_word_stocktake_counts_a_task_once(province: Province) -> None:
    """A task in two priority areas is in both areas' rows but once in the total; the areas'
    numbers are the page's, sub-tasks included."""
    from luoshi.meetings.services import create_priority_area

    roads = create_priority_area(None, code="ROADS", name_zh="道路", name_en="roads")
    both = province.signed()
    both.priority_areas.add(roads)  # past the services: recounted as the daily pass would
    counts.rebuild()
    parent = province.signed(province.city)
    services.decompose_task(province.city_liaison, parent, [services.SubTask(province.county, "district part")])
    province.completed()
    facts = documents.stocktake_facts(province.leader)
    assert facts.totals == {"red": 0, "amber": 0, "green": 3} and facts.total == 3
    page = {block.row.area.name: (block.row.red, block.row.amber, block.row.green)
            for block in dashboards.leader_stocktake(province.leader).areas}
    assert {s.name: (s.counts["red"], s.counts["amber"], s.counts["green"]) for s in facts.sections if s.total} == page
    with translation.override("zh-hans"):
        _name, content = documents.build_stocktake(province.leader)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "在办督办事项共3项，其中已超期（红灯）0项、存在风险（黄灯）0项、正常推进（绿灯）3项" in text


def test_the_supervisors_deadline_figures_are_the_ledgers_behind_their_links(province: Province) -> None:
    """"Past their deadline" counts working tasks; the ledger it opens counted finished ones
    too. Its link now asks for ?status=working, and the two numbers agree."""
    import re

    late = province.in_progress(deadline_days=2)
    done_late = province.completion_requested(deadline_days=2)
    province.suspended(deadline_days=2)
    with lib.clock_at(lib.today() + dt.timedelta(days=5)):
        services.approve_completion(province.supervisor, done_late, grade="good")
        services.refresh_lights()
        client = client_for(province.supervisor, "en")
        home = client.get("/")
        assert home.context["board"].overdue == 1
        link = re.search(r'<a class="kpi" href="(/tasks/\?status=working&amp;deadline_to=[0-9-]+)">', home.content.decode())
        assert link is not None
        ledger = client.get(link.group(1).replace("&amp;", "&"))
        assert ledger.context["counts"].total == 1 and f"/tasks/{late.pk}/" in ledger.content.decode()
