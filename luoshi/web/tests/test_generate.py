"""`luoshi generate`: a generated province-year."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from luoshi.audit.services import verify_chain
from luoshi.meetings.models import Directive, Meeting
from luoshi.tasks.models import ProgressReport, Task, Urge
from luoshi.web.generate import generate

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
    assert set(Task.objects.values_list("light", flat=True)) == {"green", "amber", "red"}
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


def test_the_command_refuses_zero_tasks():
    """Zero tasks is a clear error."""
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate", "--tasks", "0", "--quiet")
