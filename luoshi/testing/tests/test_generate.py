"""`luoshi generate`: a generated province-year."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from luoshi.audit.services import verify_chain
from luoshi.meetings.models import Directive, Meeting
from luoshi.search.models import SearchDocument
from luoshi.tasks.lifecycle import LIT
from luoshi.tasks.models import ProgressReport, Task, Urge
from luoshi.testing.generate import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return generate(300, seed=5)


def test_it_generates_exactly_the_tasks_asked_for(year):
    """300 tasks asked, 300 in the database, with meetings, directives, reports and urges."""
    assert year.tasks == Task.objects.count() == 300
    assert Meeting.objects.count() == year.meetings >= 2
    assert Directive.objects.count() >= year.meetings
    assert ProgressReport.objects.count() == year.reports > 0
    assert Urge.objects.count() == year.urges
    assert year.rows > year.tasks and year.rows_per_second > 0


def test_it_spreads_tasks_over_states_lights_and_levels(year):
    """Working and finished states, all three lights, and sub-tasks led by cities and counties."""
    statuses = set(Task.objects.values_list("status", flat=True))
    assert {"in_progress", "completed", "signed"} <= statuses
    assert set(Task.objects.filter(status__in=LIT).values_list("light", flat=True)) == {"green", "amber", "red"}
    assert set(Task.objects.exclude(status__in=LIT).values_list("light", flat=True)) == {""}
    assert Task.objects.filter(parent__isnull=False, lead_unit__kind="city").exists()
    assert Task.objects.filter(cooperating_units__isnull=False).exists()
    assert year.statuses == {s: Task.objects.filter(status=s).count() for s in statuses}


def test_its_data_agrees_with_the_rules(year):
    """Stored lights are what the rules say; completed tasks are at 100 %; reports match the task."""
    from luoshi.tasks.services import compute_light

    for task in Task.objects.all()[:300]:
        assert task.light == compute_light(task)
    assert not Task.objects.filter(status="completed").exclude(progress=100).exists()
    assert not Task.objects.filter(status="completed", children__status="in_progress").exists()
    first = Task.objects.order_by("pk").first()  # ids do not restart at 1 on PostgreSQL
    assert not ProgressReport.objects.exclude(unit=first.lead_unit).filter(task=first).exists()


def test_the_audit_chain_still_verifies(year):
    """Every generated row is in the hash chain, and the chain is intact."""
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked >= year.audit_events


def test_it_adds_to_what_is_there(year):
    """A second run adds its tasks beside the first year's and reuses the units and users."""
    generate(50, seed=6)
    assert Task.objects.count() == 350
    assert verify_chain().ok


def test_the_command_prints_counts_and_speed():
    """`luoshi generate --tasks N --quiet` prints the counts and rows per second."""
    out = StringIO()
    call_command("generate", "--tasks", "40", "--quiet", stdout=out)
    assert "40 tasks" in out.getvalue() and "rows/s" in out.getvalue()
    assert f"{SearchDocument.objects.count():,} search documents" in out.getvalue()


def test_the_command_refuses_zero_tasks():
    """Zero tasks is a clear error."""
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate", "--tasks", "0", "--quiet")


@pytest.mark.parametrize("tasks", ["0", "-5"])
def test_the_command_refuses_no_tasks_or_fewer(tasks):
    """Zero or a negative number of tasks is a clear error, and nothing is written."""
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate", "--tasks", tasks, "--quiet")
    assert not Task.objects.exists() and not Meeting.objects.exists()


def test_the_command_refuses_a_number_that_is_not_one():
    """`--tasks many` says which argument is wrong."""
    with pytest.raises(CommandError, match="--tasks: invalid int value"):
        call_command("generate", "--tasks", "many", "--quiet")


def test_search_finds_the_generated_year(year):
    """Every generated meeting, directive, task and report has its search document, found by search."""
    from luoshi.accounts.models import User
    from luoshi.search.results import search

    documents = dict(SearchDocument.objects.values_list("kind").annotate(n=Count("id")))
    assert documents == {"meeting": year.meetings, "directive": Directive.objects.count(), "task": year.tasks,
                         "report": year.reports}
    supervisor = User.objects.get(username="supervisor")
    task = Task.objects.filter(parent__isnull=False).order_by("pk").first()
    city = task.lead_unit.name_zh
    found = search(supervisor, city, kind="task")
    assert found.count == Task.objects.filter(lead_unit=task.lead_unit).count() > 0
    liaison = User.objects.filter(unit=task.lead_unit, role="liaison").first()
    assert search(liaison, city, kind="task").count == found.count  # the liaison reads the unit's own tasks


def test_its_search_documents_are_what_a_rebuild_writes(year):
    """The documents written with the rows are exactly those `luoshi reindex` builds from the data."""
    from luoshi.search import indexing

    def snapshot():
        return set(SearchDocument.objects.values_list("kind", "object_id", "unit_paths", "title", "body", "segmented"))

    before = snapshot()
    indexing.reindex()
    assert snapshot() == before


def test_it_writes_in_chunks_and_keeps_them_whole(monkeypatch):
    """Small chunks (memory stays flat) still give exactly the tasks asked for, each family's
    parents before its children, one progress line per chunk and an intact chain."""
    from luoshi.testing import generate as module

    monkeypatch.setattr(module, "CHUNK_TASKS", 40)
    lines = []
    result = generate(130, seed=3, progress=lambda done, total, rows, seconds: lines.append((done, total)))
    assert lines == [(40, 130), (80, 130), (120, 130), (130, 130)]
    assert result.tasks == Task.objects.count() == 130
    assert not Task.objects.filter(parent__isnull=False, parent__pk__gt=F("pk")).exists()
    assert not Task.objects.filter(directive__isnull=True).exists()
    assert verify_chain().ok


def test_the_same_seed_gives_the_same_year():
    """With the clock fixed, one seed gives the same tasks every time, another seed other tasks."""
    import datetime as dt

    from django.db import transaction

    from luoshi import lib

    def year_of(seed):
        with lib.clock_at(dt.date(2026, 6, 30)), transaction.atomic():
            generate(120, seed=seed)
            made = list(Task.objects.order_by("pk").values_list(
                "title", "status", "deadline", "progress", "light", "lead_unit__code", "parent__title"))
            made += list(ProgressReport.objects.order_by("pk").values_list("text", "progress", "submitted_at"))
            transaction.set_rollback(True)
        return made

    first = year_of(8)
    assert year_of(8) == first
    assert year_of(9) != first
