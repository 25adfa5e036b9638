"""The search function: Chinese and English queries, odd input, permissions in SQL,
highlighting, and the index following every write (on SQLite and PostgreSQL alike)."""

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from luoshi import lib
from luoshi.meetings.services import DirectiveInput, record_meeting
from luoshi.search.models import SearchDocument
from luoshi.search.results import search, visible_documents
from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import visible_tasks
from luoshi.testing.fixtures import Province, build_province, built_for_module


def found(user, query: str, kind: str = "") -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    results = search(user, query, kind=kind)
    return {(hit.kind, hit.object.pk) for hit in results.hits}


def build_work(province: Province) -> dict[str, Any]:
    """Tasks for three units with reports, and an English meeting."""
    emergency = province.in_progress(title="安全生产大检查", description="组织开展全省安全生产大检查，排查隐患。")
    health = province.in_progress(province.health, title="医疗机构消防检查", description="Fire safety inspection of hospitals.")
    county = province.in_progress(province.county, title="和平区防汛准备", description="flood control 防汛物资储备")
    english = record_meeting(
        province.secretary, kind="special_topic", title="Special meeting on flood control", date=dt.date(2022, 7, 1),
        readout="The meeting called for thorough flood control inspections before the rainy season.",
        directives=[DirectiveInput(text="Inspect every reservoir before the rainy season.")],
    )
    return {"emergency": emergency, "health": health, "county": county, "english": english}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Province, dict[str, Any]]]:
    def make() -> tuple[Province, dict[str, Any]]:
        province = build_province()
        return province, build_work(province)

    yield from built_for_module(django_db_blocker, make)


@pytest.fixture
def province(world: tuple[Province, dict[str, Any]], db: None) -> Province:
    return copy.deepcopy(world[0])


@pytest.fixture
def work(world: tuple[Province, dict[str, Any]], db: None) -> dict[str, Any]:
    return copy.deepcopy(world[1])


def test_it_finds_one_two_and_more_chinese_characters(province, work):
    """安, 安全 and 安全生产 all find the task, its meeting and its directive."""
    for query in ["安", "安全", "安全生产", "安全生产大检查"]:
        assert ("task", work["emergency"].pk) in found(province.supervisor, query), query
    for query in ["安", "安全", "安全生产"]:
        assert ("meeting", province.meeting.pk) in found(province.supervisor, query), query
    assert found(province.supervisor, "重特大事故") == {("meeting", province.meeting.pk),
                                                   ("directive", province.directive.pk)}
    assert ("directive", province.directive.pk) in found(province.supervisor, "防范")


def test_it_requires_every_word(province, work):
    """Every word of the query must be in a hit: 安全 防汛 finds nothing with both."""
    assert found(province.supervisor, "防汛 储备") == {("task", work["county"].pk)}
    assert found(province.supervisor, "安全 防汛") == set()


def test_it_finds_english_words_and_longer_forms(province, work):
    """English is found in any case, and a word finds its longer forms (inspect → inspection)."""
    meeting, directive = work["english"], work["english"].directives.get()
    assert ("meeting", meeting.pk) in found(province.supervisor, "FLOOD Control")
    assert {("meeting", meeting.pk), ("directive", directive.pk), ("task", work["health"].pk)} <= found(
        province.supervisor, "inspect")
    assert found(province.supervisor, "reservoirs") == set()


def test_it_finds_mixed_chinese_and_english(province, work):
    """One query can mix Chinese and English words."""
    assert found(province.supervisor, "防汛 flood") == {("task", work["county"].pk)}
    assert found(province.supervisor, "消防 hospitals") == {("task", work["health"].pk)}


def test_it_finds_reports_and_task_units(province, work):
    """Progress reports are found by their text; tasks by their lead unit's name."""
    report = work["emergency"].reports.get()
    assert ("report", report.pk) in found(province.supervisor, "work under way")
    assert ("task", work["emergency"].pk) in found(province.supervisor, "应急管理厅")
    assert found(province.supervisor, "under", kind="report") == {
        ("report", t.reports.get().pk) for t in (work["emergency"], work["health"], work["county"])}


def test_it_finds_nothing_without_a_match(province, work):
    """A word in no document gives no hit and no count."""
    results = search(province.supervisor, "不存在的词语 zzyzx")
    assert results.hits == [] and results.counts == {} and results.count == 0


@pytest.mark.parametrize("query", [
    '"安全', "安全\"生产'", "安全 AND 生产", "NEAR(安全 生产)", "安全 OR", "*", "安*", "-安全", "a:b", "'); DROP TABLE x; --",
    "安全" * 500, "x" * 10000, "。，！？……", "   ", "\x00安全", "^安全", "{安全}", "&|!<->", "\\",
])
def test_it_survives_odd_input(province, work, query):
    """Quotes, FTS operators, SQL, very long and punctuation-only input never raise."""
    results = search(province.supervisor, query)
    assert results.count >= 0


def test_it_treats_operators_as_words(province, work):
    """AND, OR and NEAR are words to look for, not operators."""
    assert found(province.supervisor, "flood AND control") == set()
    assert found(province.supervisor, "安全 OR 防汛") == set()


def test_it_highlights_hits_and_escapes_the_rest(province, work):
    """Titles and snippets mark the query's words and escape HTML."""
    services.update_task(province.supervisor, work["emergency"], description="<script>x</script> 安全生产重点检查")
    hit = next(h for h in search(province.supervisor, "安全生产").hits if h.kind == "task")
    assert "<mark>安全生产</mark>" in hit.title
    assert "&lt;script&gt;" in hit.snippet and "<script>" not in hit.snippet


PERSONAS = ["supervisor", "leader", "liaison", "city_liaison", "county_liaison", "other_liaison", "secretary",
            "sysadmin", "secadmin", "auditadmin", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_finds_exactly_the_tasks_and_reports_the_user_may_read(province, work, persona):
    """For every persona, the tasks and reports found are those of visible_tasks."""
    user = getattr(province, persona)
    services.update_task(province.supervisor, work["health"], cooperating_units=[province.county])
    results = search(user, "work")  # every report says "work under way"
    expected = {("report", r.pk) for t in visible_tasks(user) for r in t.reports.all()}
    assert {(h.kind, h.object.pk) for h in results.hits if h.kind == "report"} == expected
    every_task = {t.pk for t in visible_tasks(user)}
    documents = visible_documents(user).filter(kind="task")
    assert set(documents.values_list("object_id", flat=True)) == every_task


def test_it_filters_by_unit_in_sql(province, work):
    """A liaison finds their unit's and their sub-units' tasks, not others'."""
    assert found(province.liaison, "检查") == {("task", work["emergency"].pk)}
    assert found(province.other_liaison, "检查") == {("task", work["health"].pk)}
    assert found(province.city_liaison, "防汛") == {("task", work["county"].pk)}
    assert found(province.county_liaison, "安全生产", kind="task") == set()
    assert found(province.leader, "检查") == {("task", work["emergency"].pk), ("task", work["health"].pk)}


def test_it_lets_secretaries_find_meetings_only(province, work):
    """A meeting secretary finds meetings and directives, never tasks or reports."""
    assert set(search(province.secretary, "安全").counts) == {"meeting", "directive"}


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin", "outsider"])
def test_it_gives_administrators_nothing(province, work, persona):
    """The administrators and inactive users find nothing at all."""
    assert search(getattr(province, persona), "安全").counts == {}


def test_it_follows_task_updates(province, work):
    """A new title is found at once; the old one no longer is."""
    task = work["emergency"]
    services.update_task(province.supervisor, task, title="森林防火专项督查", description="")
    assert found(province.supervisor, "森林防火") == {("task", task.pk)}
    assert ("task", task.pk) not in found(province.supervisor, "大检查")


def test_it_follows_cooperating_units(province, work):
    """Adding a cooperating unit lets its liaison find the task and its reports."""
    task = work["health"]
    assert found(province.liaison, "消防") == set()
    services.update_task(province.supervisor, task, cooperating_units=[province.emergency])
    assert found(province.liaison, "消防") == {("task", task.pk)}
    assert ("report", task.reports.get().pk) in found(province.liaison, "work")


def test_it_indexes_sub_tasks_and_completion_requests(province, work):
    """Sub-tasks and completion requests are found as soon as they are written."""
    parent = province.signed(title="城市燃气安全整治")
    [child] = services.decompose_task(province.supervisor, parent, [services.SubTask(
        lead_unit=province.county, title="和平区燃气管道排查", deadline=lib.today() + dt.timedelta(days=5))])
    assert found(province.county_liaison, "燃气") == {("task", child.pk)}
    task = province.completion_requested(title="危化品整治")
    request = task.reports.get(asks_completion=True)  # written by services.request_completion
    assert ("report", request.pk) in found(province.liaison, "all done")


def test_it_follows_deletes(province, work):
    """Deleting an object (and what cascades from it) removes its documents."""
    task = work["emergency"]
    report = task.reports.get()
    Task.objects.filter(pk=task.pk).delete()
    assert not SearchDocument.objects.filter(kind="task", object_id=task.pk).exists()
    assert not SearchDocument.objects.filter(kind="report", object_id=report.pk).exists()
    work["english"].delete()
    assert found(province.supervisor, "reservoir") == set()


def test_it_ranks_and_pages(province, settings):
    """Pages hold the setting's number of hits, counts are for every page."""
    settings.LUOSHI_SEARCH_PAGE_SIZE = 4
    for i in range(10):
        province.draft(title=f"抗旱第{i}项", description="抗旱" * (i + 1))
    first = search(province.supervisor, "抗旱", kind="task")
    assert first.count == 10 and first.pages == 3 and len(first.hits) == 4
    last = search(province.supervisor, "抗旱", kind="task", page=99)
    assert last.page == 3 and len(last.hits) == 2
    every = [h.object.pk for p in (1, 2, 3) for h in search(province.supervisor, "抗旱", kind="task", page=p).hits]
    assert len(set(every)) == 10
    assert first.hits[0].object.description == "抗旱" * 10  # the most mentions first
