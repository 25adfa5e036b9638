"""What each task service does besides moving the status: evidence, checks, versions, audit."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import translation

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify_chain
from luoshi.lib import ConflictError, InvalidInput, TransitionError
from luoshi.tasks import services
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Escalation, Evidence, Instruction, ProgressReport, Task, Urge
from luoshi.tasks.services import SubTask
from luoshi.testing.fixtures import Province, build_province, built_for_module


# About eighty cases: the province is built once, through the services, in a transaction
# rolled back when the module ends; every test runs in its own savepoint (the `db` fixture)
# on its own copy of the personas.
@pytest.fixture(scope="module")
def shared_province(django_db_setup: None, django_db_blocker: Any) -> Iterator[Province]:
    def make():  # type: ignore[no-untyped-def]
        province = build_province()
        return province

    yield from built_for_module(django_db_blocker, make)


@pytest.fixture
def province(shared_province: Province, db: None) -> Province:
    return copy.deepcopy(shared_province)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def pdf(name: str = "inspection report.pdf", content: bytes = b"%PDF-1.4 inspection") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def snapshot(task: Task) -> tuple[Any, ...]:
    """Everything a refused call must leave as it was."""
    task.refresh_from_db()
    return (task.status, task.version, task.progress, task.last_report_at,
            ProgressReport.objects.count(), Evidence.objects.count(), AuditEvent.objects.count())


# --- evidence files ------------------------------------------------------------------------------


def test_it_stores_evidence_under_a_random_name(province: Province, media: Path):
    """An accepted file is stored under a random name, its original name kept as data."""
    task = province.signed()
    report = services.report_progress(province.liaison, task, text="sites inspected", progress=30,
                                      files=[pdf("检查报告 final.PDF")])
    [evidence] = report.evidence.all()
    assert evidence.original_name == "检查报告 final.PDF"
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", evidence.file.name)
    assert (evidence.size, evidence.content_type) == (len(b"%PDF-1.4 inspection"), "application/pdf")
    assert stored_files(media) == [media / evidence.file.name]
    assert evidence.file.read() == b"%PDF-1.4 inspection"


def test_it_gives_two_files_of_the_same_name_different_stored_names(province: Province):
    """Two uploads called the same are both kept, neither overwriting the other."""
    report = services.report_progress(province.liaison, province.signed(), text="photos", progress=30,
                                      files=[pdf("a.pdf", b"%PDF-one"), pdf("a.pdf", b"%PDF-two")])
    names = [e.file.name for e in report.evidence.all()]
    assert len(set(names)) == 2


def test_it_keeps_only_the_base_name_of_an_uploaded_path(province: Province, media: Path):
    """A file name with directories in it cannot place the file outside the evidence folder."""
    report = services.report_progress(province.liaison, province.signed(), text="x", progress=30,
                                      files=[pdf("../../etc/passwd.txt")])
    [evidence] = report.evidence.all()
    assert evidence.original_name == "passwd.txt"
    assert (media / evidence.file.name).is_file()


def _oversized(settings: Any) -> SimpleUploadedFile:
    settings.LUOSHI_MAX_UPLOAD_MB = 1
    return pdf("scan.pdf", b"x" * (1024 * 1024 + 1))


REFUSED_FILES: dict[str, Callable[[Any], list[SimpleUploadedFile]]] = {
    "exe": lambda settings: [SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/pdf")],
    "no-extension": lambda settings: [SimpleUploadedFile("README", b"hello")],
    "over-the-limit": lambda settings: [_oversized(settings)],
    "empty": lambda settings: [pdf("empty.pdf", b"")],
    "good-then-bad": lambda settings: [pdf("good.pdf"), SimpleUploadedFile("bad.exe", b"MZ")],
}


@pytest.mark.parametrize("case", list(REFUSED_FILES))
def test_it_refuses_bad_evidence_and_saves_nothing(province: Province, media: Path, settings: Any, case: str):
    """A refused file leaves no report, no evidence row, no stored file, and the task unchanged."""
    task = province.signed()
    files = REFUSED_FILES[case](settings)
    before = snapshot(task)
    with pytest.raises(InvalidInput):
        services.report_progress(province.liaison, task, text="see attached", progress=40, files=files)
    assert snapshot(task) == before
    assert stored_files(media) == []


def test_it_accepts_a_file_exactly_at_the_limit(province: Province, settings: Any):
    """The limit is inclusive: a file of exactly LUOSHI_MAX_UPLOAD_MB is accepted."""
    settings.LUOSHI_MAX_UPLOAD_MB = 1
    report = services.report_progress(province.liaison, province.signed(), text="scan", progress=30,
                                      files=[pdf("scan.pdf", b"%PDF-" + b"x" * (1024 * 1024 - 5))])
    assert report.evidence.count() == 1


def test_it_refuses_bad_evidence_with_a_completion_request(province: Province, media: Path):
    """Asking for completion with a refused file leaves the task in progress and saves nothing."""
    task = province.in_progress()
    before = snapshot(task)
    with pytest.raises(InvalidInput):
        services.request_completion(province.liaison, task, text="done",
                                    files=[SimpleUploadedFile("virus.exe", b"MZ")])
    assert snapshot(task) == before
    assert stored_files(media) == []


# --- reporting progress ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 101, 50.5, "50"])
def test_it_refuses_progress_outside_0_to_100(province: Province, value: Any):
    """Progress is a whole number from 0 to 100; anything else is refused and changes nothing."""
    task = province.signed()
    before = snapshot(task)
    with pytest.raises(InvalidInput):
        services.report_progress(province.liaison, task, text="x", progress=value)
    assert snapshot(task) == before


@pytest.mark.parametrize("value", [0, 100])
def test_it_accepts_progress_at_the_bounds(province: Province, value: int):
    """0 and 100 are both accepted."""
    task = province.signed()
    services.report_progress(province.liaison, task, text="x", progress=value)
    assert Task.objects.get(pk=task.pk).progress == value


def test_it_refuses_a_blank_report(province: Province):
    """A report needs some text."""
    with pytest.raises(InvalidInput):
        services.report_progress(province.liaison, province.signed(), text="  ", progress=10)


def test_it_records_the_report_and_moves_the_lead_units_progress(province: Province):
    """The lead unit's report is stored with its author, unit and period, and sets the task's progress."""
    task = province.signed()
    with lib.clock_at(dt.date.today()):
        report = services.report_progress(province.liaison, task, text="half done", progress=50, period="2026-05")
        now = lib.now()
    task.refresh_from_db()
    assert (report.unit, report.author, report.period, report.outcome) == (
        province.emergency, province.liaison, "2026-05", ProgressReport.Outcome.PENDING)
    assert (task.status, task.progress, task.last_report_at) == (Status.IN_PROGRESS, 50, now)


def test_it_records_a_cooperating_units_report_without_moving_progress(province: Province):
    """A cooperating unit reports its part; the lead unit's figure stays the task's progress."""
    task = province.in_progress(progress=10, cooperating_units=[province.health])
    report = services.report_progress(province.other_liaison, task, text="our part is done", progress=100)
    assert report.unit == province.health
    assert Task.objects.get(pk=task.pk).progress == 10


def test_it_reports_for_the_lead_unit_when_its_parent_units_liaison_writes(province: Province):
    """The city's liaison reporting on a county task reports for the county."""
    task = province.signed(province.county)
    report = services.report_progress(province.city_liaison, task, text="county on track", progress=25)
    assert report.unit == province.county
    assert Task.objects.get(pk=task.pk).progress == 25


# --- creating, assigning, signing, updating ----------------------------------------------------------


def test_it_creates_a_draft_from_a_directive(province: Province):
    """The draft takes the directive's text and priority areas, and never lists its lead as cooperating."""
    task = services.create_task(
        province.supervisor, province.directive, lead_unit=province.emergency,
        cooperating_units=[province.emergency, province.health], cadence="monthly",
        milestones=[("plan", lib.today() + dt.timedelta(days=10))],
    )
    assert (task.status, task.title, task.created_by) == (Status.DRAFT, "抓好安全生产", province.supervisor)
    assert list(task.cooperating_units.all()) == [province.health]
    assert list(task.priority_areas.all()) == [province.area]
    assert list(task.milestones.values_list("title", flat=True)) == ["plan"]


@pytest.mark.parametrize("bad", [{"cadence": "hourly"}, {"deadline": dt.date(2000, 1, 1)}])
def test_it_refuses_a_bad_draft(province: Province, bad: dict[str, Any]):
    """An unknown cadence or a past deadline is refused when the draft is created."""
    with pytest.raises(InvalidInput):
        services.create_task(province.supervisor, province.directive, lead_unit=province.emergency, **bad)
    assert not Task.objects.exists()


def test_it_refuses_to_assign_without_a_deadline(province: Province):
    """A task is not handed to a unit without a deadline."""
    task = services.create_task(province.supervisor, province.directive, lead_unit=province.emergency)
    before = snapshot(task)
    with pytest.raises(InvalidInput):
        services.assign_task(province.supervisor, task)
    assert snapshot(task) == before


def test_it_refuses_to_assign_with_a_past_deadline(province: Province):
    """Neither a past deadline given now nor one that has passed since the draft is accepted."""
    task = province.draft(deadline_days=5)
    before = snapshot(task)
    with pytest.raises(InvalidInput):
        services.assign_task(province.supervisor, task, deadline=lib.today() - dt.timedelta(days=1))
    with lib.clock_at(lib.today() + dt.timedelta(days=6)), pytest.raises(InvalidInput):
        services.assign_task(province.supervisor, task)
    assert snapshot(task) == before


def test_it_assigns_with_the_details_given(province: Province):
    """Assigning may set the lead, the cooperating units, the person responsible and the cadence."""
    task = province.draft()
    task = services.assign_task(province.supervisor, task, lead_unit=province.city,
                                cooperating_units=[province.city, province.health],
                                person_responsible="Ms Wang", cadence="weekly")
    assert (task.status, task.lead_unit, task.person_responsible, task.cadence) == (
        Status.ASSIGNED, province.city, "Ms Wang", "weekly")
    assert list(task.cooperating_units.all()) == [province.health]
    assert task.assigned_at is not None


def test_it_records_when_the_task_was_signed_for(province: Province):
    """Signing for a task stamps the time."""
    with lib.clock_at(dt.date.today()):
        task = services.sign_task(province.liaison, province.assigned())
        assert task.signed_at == lib.now()


def test_it_updates_the_details_of_a_task(province: Province):
    """The office edits the person responsible, flags and cooperating units."""
    task = services.update_task(province.supervisor, province.signed(), person_responsible="Mr Li",
                                blocked=True, cooperating_units=[province.health, province.emergency])
    task.refresh_from_db()
    assert (task.person_responsible, task.blocked, task.light) == ("Mr Li", True, Task.Light.RED)
    assert list(task.cooperating_units.all()) == [province.health]


@pytest.mark.parametrize("fields", [
    {"status": Status.COMPLETED}, {"progress": 100}, {"title": "  "},
    {"deadline": dt.date(2000, 1, 1)}, {"cadence": "hourly"},
], ids=["status", "progress", "blank-title", "past-deadline", "cadence"])
def test_it_refuses_a_bad_update(province: Province, fields: dict[str, Any]):
    """Status and progress are not edited directly, and the edited values are checked."""
    task = province.signed()
    before = snapshot(task)
    with pytest.raises(InvalidInput):
        services.update_task(province.supervisor, task, **fields)
    assert snapshot(task) == before


def test_it_refuses_to_edit_a_closed_task(province: Province):
    """A completed task is not edited any more."""
    with pytest.raises(TransitionError, match="不能修改"):
        services.update_task(province.supervisor, province.completed(), person_responsible="Mr Li")


# --- optimistic concurrency -----------------------------------------------------------------------------

STALE: dict[str, tuple[str, Callable[[Province, Task, int], object]]] = {
    "assign": ("draft", lambda p, t, v: services.assign_task(p.supervisor, t, expected_version=v)),
    "sign": ("assigned", lambda p, t, v: services.sign_task(p.liaison, t, expected_version=v)),
    "update": ("signed", lambda p, t, v: services.update_task(p.supervisor, t, expected_version=v, blocked=True)),
    "report": ("signed", lambda p, t, v: services.report_progress(
        p.liaison, t, text="x", progress=20, expected_version=v)),
    "request": ("in_progress", lambda p, t, v: services.request_completion(
        p.liaison, t, text="done", expected_version=v)),
    "approve": ("completion_requested", lambda p, t, v: services.approve_completion(
        p.supervisor, t, expected_version=v, grade="good")),
    "return": ("completion_requested", lambda p, t, v: services.return_task(
        p.supervisor, t, reason="no", expected_version=v)),
    "suspend": ("signed", lambda p, t, v: services.suspend_task(p.supervisor, t, reason="x", expected_version=v)),
    "resume": ("suspended", lambda p, t, v: services.resume_task(p.supervisor, t, expected_version=v)),
    "cancel": ("signed", lambda p, t, v: services.cancel_task(p.supervisor, t, reason="x", expected_version=v)),
    "decompose": ("signed", lambda p, t, v: services.decompose_task(
        p.supervisor, t, [SubTask(p.emergency, "part")], expected_version=v)),
}


@pytest.mark.parametrize("verb", list(STALE))
def test_it_refuses_a_stale_version_and_says_to_reload(province: Province, verb: str):
    """A write based on an older version raises ConflictError asking to reload, and changes nothing."""
    state, call = STALE[verb]
    task = getattr(province, state)()
    before = snapshot(task)
    with translation.override("en"), pytest.raises(ConflictError, match="Reload"):
        call(province, task, task.version - 1)
    assert snapshot(task) == before
    call(province, task, task.version)  # the current version goes through


# --- the audit trail -----------------------------------------------------------------------------------
# Each case sets up its task, notes the newest event, calls the service once, and says which
# events that call must have written: (verb, object), all by the acting user.

Case = tuple[User, list[tuple[str, models.Model]], int]


def newest_event() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_create(p: Province) -> Case:
    since = newest_event()
    task = services.create_task(p.supervisor, p.directive, lead_unit=p.emergency)
    return p.supervisor, [("create_task", task)], since


def audit_assign(p: Province) -> Case:
    task, since = p.draft(), newest_event()
    services.assign_task(p.supervisor, task)
    return p.supervisor, [("assign_task", task)], since


def audit_sign(p: Province) -> Case:
    task, since = p.assigned(), newest_event()
    services.sign_task(p.liaison, task)
    return p.liaison, [("sign_task", task)], since


def audit_update(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    services.update_task(p.supervisor, task, public=True)
    return p.supervisor, [("update_task", task)], since


def audit_report(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    report = services.report_progress(p.liaison, task, text="x", progress=20)
    return p.liaison, [("report_progress", task), ("submit_report", report)], since


def audit_report_on_sub_task(p: Province) -> Case:
    parent = p.signed(p.city)
    [child] = services.decompose_task(p.city_liaison, parent, [SubTask(p.county, "schools")])
    services.sign_task(p.county_liaison, child)
    since = newest_event()
    report = services.report_progress(p.county_liaison, child, text="x", progress=20)
    return p.county_liaison, [("report_progress", child), ("submit_report", report),
                              ("roll_up_progress", parent)], since


def audit_request(p: Province) -> Case:
    task, since = p.in_progress(), newest_event()
    services.request_completion(p.liaison, task, text="done")
    return p.liaison, [("request_completion", task), ("submit_report", task.reports.get(asks_completion=True))], since


def audit_approve(p: Province) -> Case:
    task, since = p.completion_requested(), newest_event()
    services.approve_completion(p.supervisor, task, grade="good")
    return p.supervisor, [("approve_completion", task)], since


def audit_return(p: Province) -> Case:
    task, since = p.completion_requested(), newest_event()
    services.return_task(p.supervisor, task, reason="no proof")
    return p.supervisor, [("return_task", task)], since


def audit_review(p: Province) -> Case:
    report = p.in_progress().reports.get()
    since = newest_event()
    services.review_report(p.supervisor, report, accept=True)
    return p.supervisor, [("review_report", report)], since


def audit_suspend(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    services.suspend_task(p.supervisor, task, reason="x")
    return p.supervisor, [("suspend_task", task)], since


def audit_resume(p: Province) -> Case:
    task, since = p.suspended(), newest_event()
    services.resume_task(p.supervisor, task)
    return p.supervisor, [("resume_task", task)], since


def audit_cancel(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    services.cancel_task(p.supervisor, task, reason="x")
    return p.supervisor, [("cancel_task", task)], since


def audit_decompose(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    first, second = services.decompose_task(p.supervisor, task, [SubTask(p.emergency, "a"), SubTask(p.city, "b")])
    return p.supervisor, [("create_subtask", first), ("create_subtask", second), ("decompose_task", task)], since


def audit_urge(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    urge = services.urge_task(p.supervisor, task, text="hurry")
    return p.supervisor, [("urge_task", urge)], since


def audit_escalate(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    escalation = services.escalate_task(p.supervisor, task, level=3, reason="late")
    return p.supervisor, [("escalate_task", escalation)], since


def audit_instruct(p: Province) -> Case:
    task, since = p.signed(), newest_event()
    instruction = services.write_instruction(p.leader, task, text="Do it well.")
    return p.leader, [("write_instruction", instruction)], since


AUDITED: dict[str, Callable[[Province], Case]] = {
    "create_task": audit_create, "assign_task": audit_assign, "sign_task": audit_sign,
    "update_task": audit_update, "report_progress": audit_report,
    "report_progress-sub-task": audit_report_on_sub_task, "request_completion": audit_request,
    "approve_completion": audit_approve, "return_task": audit_return, "review_report": audit_review,
    "suspend_task": audit_suspend, "resume_task": audit_resume, "cancel_task": audit_cancel,
    "decompose_task": audit_decompose, "urge_task": audit_urge, "escalate_task": audit_escalate,
    "write_instruction": audit_instruct,
}


@pytest.mark.parametrize("case", list(AUDITED))
def test_it_writes_exactly_its_audit_events(province: Province, case: str):
    """Each service writes the events it should, in order, naming the actor and the object."""
    user, expected, since = AUDITED[case](province)
    events = AuditEvent.objects.filter(pk__gt=since).order_by("id")
    assert [(e.verb, e.object_type, e.object_id, e.actor_id, e.actor_label) for e in events] == [
        (verb, obj._meta.label_lower, str(obj.pk), user.pk, user.username) for verb, obj in expected
    ]
    assert verify_chain().ok


def test_it_keeps_before_and_after_in_the_event(province: Province):
    """A task event holds the task as it was and as it became."""
    task = province.signed()
    services.update_task(province.supervisor, task, person_responsible="Ms Wang")
    event = AuditEvent.objects.filter(verb="update_task").get()
    assert (event.before["person_responsible"], event.after["person_responsible"]) == ("", "Ms Wang")
    assert event.after["version"] == event.before["version"] + 1


def test_it_leaves_no_event_when_a_call_fails_half_way(province: Province):
    """The first sub-task's event is written, the second part fails: both roll back together."""
    task = province.signed()
    before = snapshot(task)
    with pytest.raises(InvalidInput):
        services.decompose_task(province.supervisor, task, [
            SubTask(province.emergency, "fine"),
            SubTask(province.emergency, "too late", deadline=task.deadline + dt.timedelta(days=1)),
        ])
    assert snapshot(task) == before
    assert not task.children.exists()


# --- reviewing reports, approving and returning ---------------------------------------------------------


def test_it_accepts_a_report(province: Province):
    """Accepting stores the outcome, the reviewer, the time and the note."""
    report = province.in_progress().reports.get()
    with lib.clock_at(dt.date.today()):
        report = services.review_report(province.supervisor, report, accept=True, note="good")
        now = lib.now()
    assert (report.outcome, report.reviewed_by, report.reviewed_at, report.review_note) == (
        ProgressReport.Outcome.ACCEPTED, province.supervisor, now, "good")


def test_it_returns_a_report_only_with_a_reason(province: Province):
    """Returning a report needs a reason, which the unit then sees."""
    report = province.in_progress().reports.get()
    with pytest.raises(InvalidInput):
        services.review_report(province.supervisor, report, accept=False, note=" ")
    report = services.review_report(province.supervisor, report, accept=False, note="no figures")
    assert (report.outcome, report.review_note) == (ProgressReport.Outcome.RETURNED, "no figures")


def test_it_reviews_a_report_only_once(province: Province):
    """A report already reviewed cannot be reviewed again."""
    report = province.in_progress().reports.get()
    services.review_report(province.supervisor, report, accept=True)
    with pytest.raises(InvalidInput):
        services.review_report(province.supervisor, report, accept=False, note="changed my mind")


def test_it_leaves_a_completion_request_to_approve_or_return(province: Province):
    """The report that asks for completion is not reviewed on its own."""
    task = province.completion_requested()
    with pytest.raises(InvalidInput):
        services.review_report(province.supervisor, task.reports.get(asks_completion=True), accept=True)


def test_it_accepts_the_pending_reports_when_it_approves(province: Province):
    """Approving completion closes the task at 100% and accepts every report still pending."""
    task = services.approve_completion(province.supervisor, province.completion_requested(), note="well done", grade="good")
    assert (task.status, task.progress, task.status_reason) == (Status.COMPLETED, 100, "well done")
    assert task.completed_at is not None
    assert set(task.reports.values_list("outcome", flat=True)) == {ProgressReport.Outcome.ACCEPTED}


def test_it_returns_the_completion_request_with_the_reason(province: Province):
    """Returning sends the task back in progress and marks the completion request returned."""
    task = services.return_task(province.supervisor, province.completion_requested(), reason="no photos")
    request = task.reports.get(asks_completion=True)
    assert (task.status, task.status_reason) == (Status.IN_PROGRESS, "no photos")
    assert (request.outcome, request.review_note) == (ProgressReport.Outcome.RETURNED, "no photos")


# --- urging, escalating, instructing ------------------------------------------------------------------


def test_it_urges_by_the_daily_pass(province: Province):
    """With no user, the urge is the system's, to the lead unit, and so is its audit event."""
    task = province.signed()
    urge = services.urge_task(None, task, text="The report is overdue.")
    assert (urge.by, urge.to_unit, urge.text) == (None, province.emergency, "The report is overdue.")
    event = AuditEvent.objects.filter(verb="urge_task").get()
    assert (event.actor, event.actor_label, event.object_id) == (None, "system", str(urge.pk))


def test_it_escalates_by_the_daily_pass(province: Province):
    """With no user, the escalation is the system's, and so is its audit event."""
    task = province.signed()
    escalation = services.escalate_task(None, task, level=Escalation.Level.UNIT_HEAD, reason="two weeks late")
    assert (escalation.by, escalation.level, escalation.reason) == (None, 2, "two weeks late")
    event = AuditEvent.objects.filter(verb="escalate_task").get()
    assert (event.actor, event.actor_label) == (None, "system")


@pytest.mark.parametrize(("level", "reason"), [(4, "late"), (0, "late"), (2, "  ")])
def test_it_refuses_an_unknown_level_or_a_blank_reason(province: Province, level: int, reason: str):
    """Escalation needs one of the three levels and a reason."""
    task = province.signed()
    with pytest.raises(InvalidInput):
        services.escalate_task(province.supervisor, task, level=level, reason=reason)
    assert not Escalation.objects.exists()


def test_it_refuses_a_blank_urge(province: Province):
    """An urge needs some text."""
    with pytest.raises(InvalidInput):
        services.urge_task(None, province.signed(), text="")
    assert not Urge.objects.exists()


def test_it_records_a_leaders_instruction(province: Province):
    """The instruction is stored with its author."""
    task = province.signed()
    instruction = services.write_instruction(province.leader, task, text="Finish before the flood season.")
    assert list(task.instructions.all()) == [instruction]
    assert instruction.by == province.leader


@pytest.mark.parametrize(("state", "text"), [("draft", "Do it."), ("signed", " ")])
def test_it_refuses_an_instruction_on_a_draft_or_without_text(province: Province, state: str, text: str):
    """A draft takes no instruction yet (the life cycle refuses), and an instruction needs text."""
    with pytest.raises(TransitionError if state == "draft" else InvalidInput):
        services.write_instruction(province.leader, getattr(province, state)(), text=text)
    assert not Instruction.objects.exists()
