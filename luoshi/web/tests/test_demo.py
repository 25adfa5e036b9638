"""`luoshi demo --load-only`: the demo province from the canonical readout."""

from io import StringIO

from django.core.management import call_command

from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify_chain
from luoshi.meetings.models import Meeting
from luoshi.tasks.lifecycle import LIT
from luoshi.tasks.models import Task
from luoshi.units.models import Unit


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Unit, User, Meeting, Task, AuditEvent)}


def test_it_loads_the_province_once(db):
    """Loading twice creates nothing the second time, and the chain stays intact."""
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    first = counts()
    call_command("demo", "--load-only", stdout=StringIO())
    assert counts() == first
    assert "luoshi-demo-2022" in out.getvalue() and "emergency" in out.getvalue()
    assert verify_chain().ok


def test_it_builds_the_canonical_meeting_and_a_lively_ledger(db):
    """The meeting, its agenda and directives, and tasks in many states and every light."""
    call_command("demo", "--load-only", stdout=StringIO())
    assert Unit.objects.filter(kind="department").count() >= 25
    assert Unit.objects.filter(kind="city").count() == 14
    assert Unit.objects.filter(kind="county").count() >= 28
    for code in ("HEALTH", "EMERG", "HOUSING", "COMMERCE", "MIIT", "DRC", "TRANSPORT", "LETTERS"):
        assert Unit.objects.filter(code=code).exists(), code
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    meeting = Meeting.objects.get()
    assert str(meeting.date) == "2022-10-07" and meeting.chair_name == "Li Lecheng"
    assert meeting.readout.startswith("On October 7") and meeting.title.startswith("Enlarged meeting")
    assert meeting.agenda_items.count() == 5 and meeting.directives.count() == 7
    for directive in meeting.directives.all():
        assert directive.source_text() == directive.text
    assert len(set(Task.objects.values_list("status", flat=True))) >= 5
    assert set(Task.objects.filter(status__in=LIT).values_list("light", flat=True)) == {"green", "amber", "red"}
    assert set(Task.objects.exclude(status__in=LIT).values_list("light", flat=True)) == {""}
