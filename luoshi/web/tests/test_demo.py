"""`luoshi demo --load-only`: the demo province from the canonical readout."""

import datetime as dt
import re
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

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
    meeting = Meeting.objects.get(readout__startswith="On October 7")
    assert str(meeting.date) == "2022-10-07" and meeting.chair_name == "Li Lecheng"
    assert meeting.title.startswith("Enlarged meeting")
    assert meeting.agenda_items.count() == 5 and meeting.directives.count() == 7
    for directive in meeting.directives.all():
        assert directive.source_text() == directive.text
    assert len(set(Task.objects.values_list("status", flat=True))) >= 5
    assert set(Task.objects.filter(status__in=LIT).values_list("light", flat=True)) == {"green", "amber", "red"}
    assert set(Task.objects.exclude(status__in=LIT).values_list("light", flat=True)) == {""}


def test_it_loads_the_meeting_in_chinese_too_and_its_tasks_speak_chinese(db):
    """The Chinese record of the same meeting carries the tasks: titles and areas in Chinese."""
    call_command("demo", "--load-only", stdout=StringIO())
    assert Meeting.objects.count() == 2
    chinese = Meeting.objects.get(readout__startswith="10月7日")
    assert str(chinese.date) == "2022-10-07" and chinese.chair_name == "李乐成"
    assert chinese.title == "省政府党组（扩大）会议暨省政府常务会议"
    assert chinese.directives.count() == 6
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for task in Task.objects.all():
        assert cjk.search(task.title) and len(task.title) <= 80, task.title
        assert task.directive is None or task.directive.meeting_id == chinese.pk
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(User.objects.get(username="supervisor"))
    ledger = page.get("/tasks/").content.decode()
    assert "抓好安全生产" in ledger or "高效统筹疫情防控和经济社会发展" in ledger
    assert "It is necessary" not in ledger


def test_its_history_follows_the_meeting_date(db):
    """Nothing happens before the meeting; its tasks are assigned a few days after it, not today
    (the leader's instruction, registered last week, has tasks of its own)."""
    call_command("demo", "--load-only", stdout=StringIO())
    meeting_day = dt.date(2022, 10, 7)
    for task in Task.objects.filter(source=Task.Source.MEETING).exclude(assigned_at=None):
        assigned = timezone.localdate(task.assigned_at)
        assert meeting_day < assigned <= meeting_day + dt.timedelta(days=14), (task.title, assigned)
    for meeting in Meeting.objects.all():
        assert timezone.localdate(meeting.created_at) == meeting_day + dt.timedelta(days=1)
    assert not AuditEvent.objects.filter(created_at__lt=timezone.make_aware(dt.datetime(2022, 10, 7))).exclude(
        object_type__in=["units.unit", "accounts.user", "meetings.priorityarea"]).exists()


def test_the_two_china_railway_agreements_are_ledgers_of_commitments(db):
    """Both framework agreements of the Chinese record are agreements with commitments in every
    stage of the funnel, and the look-back brief on that meeting can be built."""
    from luoshi.commitments.services import funnels
    from luoshi.documents.services import look_back_facts

    call_command("demo", "--load-only", stdout=StringIO())
    chinese = Meeting.objects.get(readout__startswith="10月7日")
    agreements = list(chinese.agenda_items.filter(kind="agreement"))
    assert sorted("中国铁建" in a.title for a in agreements) == [False, True] and len(agreements) == 2
    found = funnels(agreements)
    assert sum(f.signed for f in found.values()) == 4
    assert sum(f.started for f in found.values()) == 2 and sum(f.delivered for f in found.values()) == 1
    facts = look_back_facts(User.objects.get(username="supervisor"), chinese.pk)
    assert sum(len(p.directives) for p in facts.paragraphs) == chinese.directives.count()
    assert all(d.tasks for p in facts.paragraphs for d in p.directives)


def test_the_housing_task_carries_real_indicators(db):
    """保交楼 and heating: a trajectory and actuals each, one reported in Excel and one with a report."""
    from luoshi.tasks.models import Indicator

    call_command("demo", "--load-only", stdout=StringIO())
    homes, heating = Indicator.objects.order_by("pk")
    assert (homes.name, homes.measure, homes.target) == ("保交楼 交付套数", "套", 12000)
    assert heating.name == "冬季供暖 热源到位率" and heating.task_id == homes.task_id
    for indicator in (homes, heating):
        assert indicator.points.filter(kind="plan").count() == 3
        assert indicator.points.filter(kind="actual").count() == 2
    assert (homes.lag, heating.lag) == (7, 0)


def test_it_registers_a_leaders_instruction_and_maps_the_leaders_portfolio(db):
    """A 批示件 with two assigned tasks and a draft reply, and the demo leader in charge of an area and a unit."""
    from luoshi.leaders.models import InstructionDocument, LeaderInCharge

    call_command("demo", "--load-only", stdout=StringIO())
    document = InstructionDocument.objects.get()
    assert document.reply_state == "drafted" and document.lead_unit.code == "HOUSING"
    assert sorted(Task.objects.filter(instruction_document=document).values_list("lead_unit__code", flat=True)) == [
        "HOUSING", "SY"]
    assert set(Task.objects.filter(source="instruction").values_list("status", flat=True)) == {"assigned"}
    assert LeaderInCharge.objects.filter(leader__username="leader").count() == 2
