"""Every change to a task goes through one of these functions.

Each is atomic, checks the acting user's permission, moves the task only as the life
cycle allows (luoshi/tasks/lifecycle.py), refreshes the light, and writes its audit event
in the same transaction. The web views, the API, the command line and the jobs call these.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.leaders.models import InstructionDocument
from luoshi.lib import ConflictError, Forbidden, InvalidInput
from luoshi.lib import files as filestore
from luoshi.meetings.models import Directive
from luoshi.notifications.services import notify
from luoshi.search import indexing as search_index
from luoshi.security import check_upload, served_content_type
from luoshi.tasks import counts, lights, relight
from luoshi.tasks import nodes as task_nodes
from luoshi.tasks.lifecycle import FINISHED, LIT, Action, Status, allowed_actions, next_status
from luoshi.tasks.models import (
    Escalation,
    Evidence,
    Indicator,
    IndicatorPoint,
    Instruction,
    Milestone,
    ProgressReport,
    Task,
    Urge,
)
from luoshi.tasks.permissions import can, is_supervisor
from luoshi.tasks.titles import suggest_title
from luoshi.units.models import Unit

ALLOWED_EVIDENCE_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".csv",
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".ofd", ".wps", ".et",
}


# --- helpers ------------------------------------------------------------------------------


def task_snapshot(task: Task) -> dict[str, Any]:
    return {
        "title": task.title, "status": task.status, "progress": task.progress,
        "lead_unit": task.lead_unit.code, "deadline": task.deadline, "cadence": task.cadence,
        "person_responsible": task.person_responsible, "blocked": task.blocked,
        "public": task.public, "light": task.light, "weight": task.weight, "grade": task.grade,
        "parent": task.parent_id, "version": task.version, "reason": task.status_reason,
        "cooperating_units": sorted(u.code for u in task.cooperating_units.all()) if task.pk else [],
        "source": task.source,
    }


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


def _lock(task: Task, expected_version: int | None) -> Task:
    """Re-read the task under a row lock; refuse if it changed since the caller read it."""
    fresh = Task.objects.select_for_update(of=("self",)).select_related("lead_unit", "parent__lead_unit").get(pk=task.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(
            _("This task was changed by someone else since you opened it (now version %(now)s, "
              "yours %(yours)s). Reload it and try again.") % {"now": fresh.version, "yours": expected_version}
        )
    return fresh


def facts_of(task: Task) -> lights.TaskFacts:
    return lights.TaskFacts(
        status=task.status, progress=task.progress, deadline=task.deadline,
        assigned_on=timezone.localdate(task.assigned_at) if task.assigned_at else None,
        blocked=task.blocked, cadence=task.cadence,
        last_report_on=timezone.localdate(task.last_report_at) if task.last_report_at else None,
        next_milestone_due=task.next_milestone_due,
        indicator_lag=task.indicator_lag, indicator_name=task.indicator_lag_name,
    )


# The stored light and its reason: always written together.
LIGHT_FIELDS = ("light", "light_rule", "light_amount")
# What the light depends on (facts_of).
FACT_FIELDS = ("status", "progress", "deadline", "assigned_at", "blocked", "cadence", "last_report_at",
               "next_milestone_due", "indicator_lag", "indicator_lag_name")


def compute_light(task: Task, today: dt.date | None = None) -> str:
    """The light to store: empty for a status without one (lifecycle.LIT), else the rules'."""
    if task.status not in LIT:
        return Task.Light.NONE
    return explain_light(task, today).light.value


def explain_light(task: Task, today: dt.date | None = None) -> lights.Reason:
    return lights.explain(facts_of(task), today or lib.today(), lights.LightRules.from_settings())


def set_light(task: Task, today: dt.date | None = None) -> None:
    """Put the task's light and its reason on the instance (none for a status without a light,
    lifecycle.LIT); the caller saves LIGHT_FIELDS."""
    if task.status not in LIT:
        task.light, task.light_rule, task.light_amount = Task.Light.NONE, "", None
        return
    reason = explain_light(task, today)
    task.light, task.light_rule, task.light_amount = reason.light.value, reason.rule, reason.amount


def _save(task: Task, counted: counts.State) -> None:
    """Save a task read under its row lock, whose state was then `counted`."""
    set_light(task)
    task.updated_at = lib.now()
    task.version += 1
    task.save()
    counts.task_changed(counted, task)


def _change(user: User | None, task: Task, verb: str, action: str | None = None, **changes: Any) -> Task:
    """Apply `changes` (and the life-cycle move of `action`) to a task read under its row
    lock, save, audit."""
    before = task_snapshot(task)
    counted = counts.state_of(task)
    if action is not None:
        target = next_status(task.status, action, task.status_before_suspension)
        if target != task.status:
            task.status = target
    for name, value in changes.items():
        setattr(task, name, value)
    _save(task, counted)
    record_event(user, verb, task, before=before, after=task_snapshot(task))
    return task


def _check_deadline(deadline: dt.date | None, *, required: bool) -> None:
    if deadline is None:
        if required:
            raise InvalidInput(_("A task needs a deadline before it is assigned."))
        return
    if deadline < lib.today():
        raise InvalidInput(_("The deadline %(date)s is in the past.") % {"date": deadline.isoformat()})


def _check_progress(progress: int) -> None:
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise InvalidInput(_("Progress must be a whole number from 0 to 100."))


def _check_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Please write the %(what)s.") % {"what": what})
    return text


def _check_cadence(cadence: str) -> None:
    if cadence not in Task.Cadence.values:
        raise InvalidInput(_("Unknown reporting cadence: %(cadence)s") % {"cadence": cadence})


def roll_up(user: User | None, task: Task | None) -> None:
    """Recompute a parent's progress from its children, weighted, and so on upwards."""
    while task is not None:
        parent = Task.objects.select_for_update(of=("self",)).select_related("lead_unit", "parent").get(pk=task.pk)
        children = list(parent.children.exclude(status=Status.CANCELLED).values_list("progress", "weight"))
        total = sum(weight for _, weight in children)
        if not total:
            return
        progress = round(sum(p * w for p, w in children) / total)
        if progress == parent.progress:
            return
        _change(user, parent, "roll_up_progress", progress=progress)
        task = parent.parent


# --- creating and assigning -----------------------------------------------------------------


@transaction.atomic
def create_task(
    user: User,
    directive: Directive,
    *,
    lead_unit: Unit,
    title: str = "",
    description: str = "",
    cooperating_units: Iterable[Unit] = (),
    person_responsible: str = "",
    deadline: dt.date | None = None,
    cadence: str = "",
    public: bool = False,
    milestones: Sequence[tuple[str, dt.date]] = (),
) -> Task:
    """A draft task from a directive, for the supervision office to check and assign. Without
    a title it gets a short one suggested from the directive (luoshi/tasks/titles.py)."""
    _require(is_supervisor(user), _("Only the supervision office creates tasks from directives."))
    return _create(user, Task(directive=directive, source=Task.Source.MEETING),
                   title=title.strip() or suggest_title(directive.text), description=description,
                   lead_unit=lead_unit, cooperating_units=cooperating_units, areas=directive.priority_areas.all(),
                   person_responsible=person_responsible, deadline=deadline, cadence=cadence, public=public,
                   milestones=milestones)


@transaction.atomic
def create_instruction_task(
    user: User,
    document: InstructionDocument,
    *,
    lead_unit: Unit,
    title: str = "",
    deadline: dt.date | None = None,
) -> Task:
    """A draft task from a leader's instruction document (批示件), as a directive gives one
    (luoshi/leaders/services.py registers the document and calls this for each unit named)."""
    _require(is_supervisor(user), _("Only the supervision office creates tasks from instructions."))
    return _create(user, Task(instruction_document=document, source=Task.Source.INSTRUCTION),
                   title=title.strip() or suggest_title(document.text), description=document.text,
                   lead_unit=lead_unit, cooperating_units=(), areas=document.priority_areas.all(),
                   person_responsible="", deadline=deadline, cadence="", public=False, milestones=())


def _create(user: User, task: Task, *, title: str, description: str, lead_unit: Unit,
            cooperating_units: Iterable[Unit], areas: Iterable[Any], person_responsible: str,
            deadline: dt.date | None, cadence: str, public: bool,
            milestones: Sequence[tuple[str, dt.date]]) -> Task:
    _check_deadline(deadline, required=False)
    _check_cadence(cadence)
    now = lib.now()
    task.title, task.description, task.lead_unit = title[:500], description, lead_unit
    task.person_responsible, task.deadline, task.cadence, task.public = person_responsible, deadline, cadence, public
    task.created_by, task.created_at, task.updated_at = user, now, now
    task.save()
    task.cooperating_units.set([u for u in cooperating_units if u.pk != lead_unit.pk])
    task.priority_areas.set(list(areas))
    for milestone_title, due in milestones:
        Milestone.objects.create(task=task, title=milestone_title, due=due)
    set_light(task)
    task.save(update_fields=LIGHT_FIELDS)
    counts.task_added(task)
    search_index.index(task)
    record_event(user, "create_task", task, after=task_snapshot(task))
    return task


@transaction.atomic
def assign_task(
    user: User,
    task: Task,
    *,
    lead_unit: Unit | None = None,
    cooperating_units: Iterable[Unit] | None = None,
    person_responsible: str | None = None,
    deadline: dt.date | None = None,
    cadence: str | None = None,
    nodes: str = "",
    expected_version: int | None = None,
) -> Task:
    """Hand a draft task to its lead unit (交办), with the milestones of the feedback-node
    template `nodes` (luoshi/tasks/nodes.py) counted from today, if one is named."""
    task = _lock(task, expected_version)
    _require(can(user, Action.ASSIGN, task), _("Only the supervision office assigns tasks."))
    next_status(task.status, Action.ASSIGN)
    changes: dict[str, Any] = {"assigned_at": lib.now()}
    if lead_unit is not None:
        changes["lead_unit"] = lead_unit
    if person_responsible is not None:
        changes["person_responsible"] = person_responsible
    if deadline is not None:
        changes["deadline"] = deadline
    if cadence is not None:
        _check_cadence(cadence)
        changes["cadence"] = cadence
    _check_deadline(changes.get("deadline", task.deadline), required=True)
    if cooperating_units is not None:
        lead = changes.get("lead_unit", task.lead_unit)
        task.cooperating_units.set([u for u in cooperating_units if u.pk != lead.pk])
    template = None
    if nodes:
        template = task_nodes.templates().get(nodes)
        if template is None:
            raise InvalidInput(_("There is no feedback-node template “%(key)s”.") % {"key": nodes})
    task = _change(user, task, "assign_task", Action.ASSIGN, **changes)
    if template is not None:
        add_milestones(user, task, task_nodes.steps(template, lib.today(), task.deadline))
        task.refresh_from_db()
    search_index.index_task_family(task)  # the lead unit may have changed: who finds it
    notify("assignment", task, _("Assigned to %(unit)s; due %(date)s.") % {"unit": task.lead_unit, "date": task.deadline})
    return task


@transaction.atomic
def sign_task(user: User, task: Task, *, expected_version: int | None = None) -> Task:
    """The lead unit acknowledges the task (签收)."""
    task = _lock(task, expected_version)
    _require(can(user, Action.SIGN, task), _("Only the lead unit's liaison signs for a task."))
    return _change(user, task, "sign_task", Action.SIGN, signed_at=lib.now())


@transaction.atomic
def update_task(
    user: User, task: Task, *, expected_version: int | None = None, **fields: Any,
) -> Task:
    """Edit a task's details: deadline, person responsible, cooperating units, flags, …"""
    editable = {"title", "description", "person_responsible", "deadline", "cadence", "public",
                "blocked", "weight", "cooperating_units"}
    unknown = set(fields) - editable
    if unknown:
        raise InvalidInput(_("These fields cannot be edited: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    task = _lock(task, expected_version)
    _require(can(user, Action.UPDATE, task), _("Only the office that supervises this task edits it."))
    next_status(task.status, Action.UPDATE)
    if "deadline" in fields and fields["deadline"] != task.deadline:
        _check_deadline(fields["deadline"], required=task.status != Status.DRAFT)
    if "cadence" in fields:
        _check_cadence(fields["cadence"])
    if "title" in fields:
        fields["title"] = _check_text(fields["title"], _("title"))
    if "weight" in fields and (not isinstance(fields["weight"], int) or fields["weight"] < 1):
        raise InvalidInput(_("A sub-task's weight must be at least 1."))
    cooperating = fields.pop("cooperating_units", None)
    if cooperating is not None:
        before, counted = task_snapshot(task), counts.state_of(task)
        task.cooperating_units.set([u for u in cooperating if u.pk != task.lead_unit_id])
        for name, value in fields.items():
            setattr(task, name, value)
        _save(task, counted)
        record_event(user, "update_task", task, before=before, after=task_snapshot(task))
    else:
        task = _change(user, task, "update_task", **fields)
    search_index.index_task_family(task)
    if "weight" in fields:  # the parent's average depends on it
        roll_up(user, task.parent)
    return task


@transaction.atomic
def extend_deadline_by_leader(user: User, task: Task, *, deadline: dt.date) -> Task:
    """Move the deadline as a leader in charge granted an extension beyond the office's
    threshold. The caller (taskrequests.services.decide_extension) has checked that `user` is
    that leader; a leader edits nothing else of a task."""
    _require(user.is_active and user.role == User.Role.LEADER, _("Only a leader grants this extension."))
    task = _lock(task, None)
    next_status(task.status, Action.UPDATE)
    _check_deadline(deadline, required=True)
    return _change(user, task, "update_task", deadline=deadline)


@transaction.atomic
def reassign_task(
    user: User, task: Task, *, lead_unit: Unit, cooperating_units: Iterable[Unit] | None = None,
    reason: str, expected_version: int | None = None,
) -> Task:
    """Give a task that a unit holds to another lead unit (改派), for example after the unit
    handed it back. The new unit signs for it again: the task is assigned anew."""
    task = _lock(task, expected_version)
    _require(can(user, Action.REASSIGN, task), _("Only the office that supervises this task reassigns it."))
    next_status(task.status, Action.REASSIGN)
    reason = _check_text(reason, _("reason"))
    if lead_unit.pk == task.lead_unit_id and cooperating_units is None:
        raise InvalidInput(_("%(unit)s already leads this task; choose another lead unit.") % {"unit": lead_unit})
    if cooperating_units is not None:
        task.cooperating_units.set([u for u in cooperating_units if u.pk != lead_unit.pk])
    else:  # the new lead is no longer also a cooperating unit
        task.cooperating_units.remove(lead_unit)
    task = _change(user, task, "reassign_task", Action.REASSIGN, lead_unit=lead_unit, assigned_at=lib.now(),
                   signed_at=None, status_reason=reason)
    search_index.index_task_family(task)  # who finds it has changed
    notify("assignment", task, _("Reassigned to %(unit)s; due %(date)s.") % {"unit": task.lead_unit, "date": task.deadline})
    return task


# --- milestones (反馈节点) ---------------------------------------------------------------------------


def _next_milestone_due(task: Task) -> dt.date | None:
    return task.milestones.filter(done_at__isnull=True).order_by("due").values_list("due", flat=True).first()


@transaction.atomic
def add_milestones(user: User, task: Task, steps: Sequence[tuple[str, dt.date]]) -> list[Milestone]:
    """Plan steps of the task with their due dates (the office, or the lead unit)."""
    task = _lock(task, None)
    _require(can(user, Action.ADD_MILESTONE, task),
             _("Only the office that supervises this task or its lead unit plans its milestones."))
    next_status(task.status, Action.ADD_MILESTONE)
    if not steps:
        raise InvalidInput(_("Give at least one milestone."))
    made = []
    for title, due in steps:
        title = _check_text(title, _("milestone"))
        if len(title) > 300:
            raise InvalidInput(_("A milestone's title has at most 300 characters."))
        if task.deadline is not None and due > task.deadline:
            raise InvalidInput(_("The milestone “%(title)s” is due after the task's deadline, %(deadline)s.")
                               % {"title": title, "deadline": task.deadline})
        made.append(Milestone(task=task, title=title, due=due))
    Milestone.objects.bulk_create(made)
    _milestones_changed(user, task, "plan_milestones", [{"title": m.title, "due": m.due} for m in made])
    return made


def _milestones_changed(user: User, task: Task, verb: str, milestones: list[dict[str, Any]]) -> None:
    """Keep the task's next milestone (and so its light) and audit the change on the task."""
    before, counted = task_snapshot(task), counts.state_of(task)
    task.next_milestone_due = _next_milestone_due(task)
    _save(task, counted)
    record_event(user, verb, task, before=before, after={**task_snapshot(task), "milestones": milestones})


def add_milestone(user: User, task: Task, *, title: str, due: dt.date) -> Milestone:
    return add_milestones(user, task, [(title, due)])[0]


@filestore.atomic
def complete_milestone(user: User, milestone: Milestone, *, text: str, files: Sequence[UploadedFile] = (),
                       progress: int | None = None) -> Milestone:
    """The lead unit reports a milestone done, with what was done and its evidence: a progress
    report that the milestone keeps."""
    task = _lock(milestone.task, None)
    _require(can(user, Action.COMPLETE_MILESTONE, task), _("Only the lead unit's liaison completes a milestone."))
    next_status(task.status, Action.COMPLETE_MILESTONE)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_at is not None:
        raise ConflictError(_("The milestone “%(title)s” was already done on %(day)s.")
                            % {"title": milestone.title, "day": timezone.localdate(milestone.done_at)})
    text = _check_text(text, _("report"))
    report = report_progress(user, task, text=_("Milestone done: %(title)s") % {"title": milestone.title} + "\n" + text,
                             progress=task.progress if progress is None else progress, files=files)
    milestone.done_at, milestone.done_by, milestone.report = lib.now(), user, report
    milestone.save(update_fields=["done_at", "done_by", "report"])
    _milestones_changed(user, _lock(task, None), "complete_milestone", [{"title": milestone.title, "due": milestone.due}])
    return milestone


# --- reporting and completing ------------------------------------------------------------------
def contributions_since_lead_report(task: Task) -> list[ProgressReport]:
    """The cooperating units' reports since the lead unit's last one: what the lead can fold into its next."""
    last = (ProgressReport.objects.filter(task=task, unit=task.lead_unit).order_by("-submitted_at")
            .values_list("submitted_at", flat=True).first())
    shares = ProgressReport.objects.filter(task=task).exclude(unit=task.lead_unit).select_related("unit")
    if last is not None:
        shares = shares.filter(submitted_at__gt=last)
    return list(shares.order_by("submitted_at", "id"))




def _check_quota(report: ProgressReport, size: int, count: int) -> None:
    """Storage quotas (issue 16, item 15): files per report, megabytes per report, and
    megabytes one person has uploaded in all."""
    if count > settings.LUOSHI_MAX_REPORT_FILES:
        raise InvalidInput(_("A report takes at most %(n)s files; attach the rest to a later report.")
                           % {"n": settings.LUOSHI_MAX_REPORT_FILES})
    if size > settings.LUOSHI_MAX_REPORT_MB * 1024 * 1024:
        raise InvalidInput(_("The files of one report may add up to %(mb)s MB at most.")
                           % {"mb": settings.LUOSHI_MAX_REPORT_MB})
    used = Evidence.objects.filter(report__author=report.author).aggregate(total=Sum("size"))["total"] or 0
    if used + size > settings.LUOSHI_USER_QUOTA_MB * 1024 * 1024:
        raise InvalidInput(_("You have used your storage of %(mb)s MB for evidence. Ask the system "
                             "administrator to raise LUOSHI_USER_QUOTA_MB.") % {"mb": settings.LUOSHI_USER_QUOTA_MB})


def _store_evidence(report: ProgressReport, files: Sequence[UploadedFile]) -> None:
    limit = settings.LUOSHI_MAX_UPLOAD_MB * 1024 * 1024
    # Check every file before storing any; a file stored before the transaction fails is
    # deleted again by filestore.atomic, the decorator of every service that calls this.
    checked = []
    for upload in files:
        name = os.path.basename(upload.name or "")
        extension = os.path.splitext(name)[1].lower()
        if extension not in ALLOWED_EVIDENCE_EXTENSIONS:
            raise InvalidInput(_("%(name)s: files of this type are not accepted as evidence.") % {"name": name})
        if upload.size is None or upload.size > limit:
            raise InvalidInput(
                _("%(name)s is larger than the limit of %(mb)s MB.") % {"name": name, "mb": settings.LUOSHI_MAX_UPLOAD_MB}
            )
        if upload.size == 0:
            raise InvalidInput(_("%(name)s is empty.") % {"name": name})
        check_upload(upload, name)  # the content, not only the name (luoshi/security.py)
        checked.append((upload, name, extension))
    _check_quota(report, sum(upload.size or 0 for upload, _name, _ext in checked), len(checked))
    for upload, name, extension in checked:
        # Stored under a random name; the original name is kept only as data.
        stored = filestore.save_upload(Evidence._meta.get_field("file"), upload,
                                       secrets.token_hex(16) + extension)
        Evidence.objects.create(
            report=report, file=stored, original_name=name[:255], size=upload.size or 0,
            content_type=served_content_type(name),
        )


def _reporting_unit(user: User, task: Task) -> Unit:
    assert user.unit is not None
    if task.lead_unit.is_within(user.unit):
        return task.lead_unit
    return user.unit


@filestore.atomic
def report_progress(
    user: User,
    task: Task,
    *,
    text: str,
    progress: int,
    period: str = "",
    files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
    actuals: Mapping[int, Decimal | str | int | float] | None = None,
) -> ProgressReport:
    """The lead or a cooperating unit reports what has been done (进展反馈). The lead unit may
    give an actual for some of the task's indicators (`actuals`: indicator id → value), dated
    the day of the report."""
    task = _lock(task, expected_version)
    _require(can(user, Action.REPORT, task), _("Only the liaison of the lead or a cooperating unit reports progress."))
    next_status(task.status, Action.REPORT)
    text = _check_text(text, _("progress report"))
    _check_progress(progress)
    now = lib.now()
    unit = _reporting_unit(user, task)
    given = {pk: value for pk, value in (actuals or {}).items() if value not in (None, "")}
    if given and unit.pk != task.lead_unit_id:
        raise Forbidden(_("Only the lead unit reports the indicators' actuals."))
    checked_actuals = _check_actuals(task, given)
    report = ProgressReport.objects.create(
        task=task, unit=unit, author=user, period=period, text=text,
        progress=progress, submitted_at=now,
    )
    _store_evidence(report, files)
    search_index.index(report)
    changes: dict[str, Any] = {"last_report_at": now}
    is_leaf = not task.children.exists()
    if is_leaf and report.unit.pk == task.lead_unit_id:
        changes["progress"] = progress
    if checked_actuals:
        _put_actuals(user, [(indicator, lib.today(), value) for indicator, value in checked_actuals], report=report)
        changes.update(_indicator_lag(task))
    _change(user, task, "report_progress", Action.REPORT, **changes)
    record_event(user, "submit_report", report, after={"task": task.pk, "progress": progress, "text": text,
                                                        "files": [e.original_name for e in report.evidence.all()],
                                                        **({"actuals": {i.name: str(v) for i, v in checked_actuals}}
                                                           if checked_actuals else {})})
    if "progress" in changes:
        roll_up(user, task.parent)
    return report


@dataclass(frozen=True)
class ReportRow:
    """One task's row of the "report once" form: what the liaison wrote, and the task's
    version when the page was shown."""

    task: Task
    text: str
    progress: int
    expected_version: int | None = None


class RowErrors(lib.LuoshiError):
    """Some rows of a multi-task report were refused; `errors` maps task id → message.
    Nothing was saved."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(_("Nothing was submitted: %(count)s of the reports need attention.") % {"count": len(errors)})
        self.errors = errors


@transaction.atomic
def report_progress_on_many(user: User, rows: Sequence[ReportRow]) -> list[ProgressReport]:
    """Report on several tasks at once: one report_progress per row, all in one transaction.

    All or nothing, so that fixing one refused row and submitting again never files the
    other rows twice. Every row is tried, so each refused row gets its own message."""
    if not rows:
        raise InvalidInput(_("Nothing to submit: change the text or the progress of at least one task."))
    reports: list[ProgressReport] = []
    errors: dict[int, str] = {}
    for row in rows:
        try:
            fresh = Task.objects.get(pk=row.task.pk)
            if Action.REPORT not in allowed_actions(fresh.status):
                raise lib.TransitionError(
                    _("This task moved on since the page was shown: it is now %(status)s and takes no progress "
                      "reports.") % {"status": fresh.get_status_display()})
            reports.append(report_progress(user, fresh, text=row.text, progress=row.progress,
                                           expected_version=row.expected_version))
        except (Forbidden, lib.NotFound):
            raise
        except lib.LuoshiError as error:  # its savepoint is rolled back; the others are tried
            errors[row.task.pk] = str(error)
    if errors:
        raise RowErrors(errors)
    return reports


def _open_children(task: Task) -> int:
    return task.children.exclude(status__in=FINISHED).count()


@filestore.atomic
def request_completion(
    user: User, task: Task, *, text: str, files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> Task:
    """The lead unit says the work is done and asks the office to close it (申请办结)."""
    task = _lock(task, expected_version)
    _require(can(user, Action.REQUEST_COMPLETION, task), _("Only the lead unit's liaison asks for completion."))
    next_status(task.status, Action.REQUEST_COMPLETION)
    if _open_children(task):
        raise InvalidInput(_("Its sub-tasks must be completed first."))
    text = _check_text(text, _("summary of the work done"))
    now = lib.now()
    report = ProgressReport.objects.create(
        task=task, unit=task.lead_unit, author=user, text=text, progress=100,
        asks_completion=True, submitted_at=now,
    )
    _store_evidence(report, files)
    search_index.index(report)
    task = _change(user, task, "request_completion", Action.REQUEST_COMPLETION, last_report_at=now)
    record_event(user, "submit_report", report, after={"task": task.pk, "progress": 100, "text": text,
                                                        "asks_completion": True,
                                                        "files": [e.original_name for e in report.evidence.all()]})
    return task


def _pending_reports(task: Task) -> Any:
    return task.reports.filter(outcome=ProgressReport.Outcome.PENDING)


@transaction.atomic
def approve_completion(user: User, task: Task, *, grade: str, note: str = "",
                       expected_version: int | None = None) -> Task:
    """The office checks the work, grades it (优秀/良好/合格/不合格) and closes the task (办结).
    The grade feeds the lead unit's score (luoshi/scoring/ranking.py); a fail needs a comment."""
    task = _lock(task, expected_version)
    _require(can(user, Action.APPROVE, task), _("Only the office that supervises this task approves its completion."))
    next_status(task.status, Action.APPROVE)
    if grade not in Task.Grade.values:
        raise InvalidInput(_("Choose a grade for the closure: excellent, good, pass or fail."))
    note = (note or "").strip()
    if grade == Task.Grade.FAIL and not note:
        raise InvalidInput(_("Say in the comment why the work is graded fail."))
    if _open_children(task):
        raise InvalidInput(_("A task cannot be completed before its sub-tasks."))
    now = lib.now()
    _pending_reports(task).update(outcome=ProgressReport.Outcome.ACCEPTED, reviewed_by=user, reviewed_at=now,
                                  review_note=note)
    task = _change(user, task, "approve_completion", Action.APPROVE, completed_at=now, progress=100,
                   status_reason=note, grade=grade)
    roll_up(user, task.parent)
    return task


@transaction.atomic
def return_task(user: User, task: Task, *, reason: str, expected_version: int | None = None) -> Task:
    """The office refuses a completion request and sends the work back (退回)."""
    task = _lock(task, expected_version)
    _require(can(user, Action.RETURN, task), _("Only the office that supervises this task returns it."))
    next_status(task.status, Action.RETURN)
    reason = _check_text(reason, _("reason for returning"))
    _pending_reports(task).filter(asks_completion=True).update(
        outcome=ProgressReport.Outcome.RETURNED, reviewed_by=user, reviewed_at=lib.now(), review_note=reason,
    )
    task = _change(user, task, "return_task", Action.RETURN, status_reason=reason)
    notify("return", task, reason)
    return task


@transaction.atomic
def review_report(user: User, report: ProgressReport, *, accept: bool, note: str = "") -> ProgressReport:
    """Accept a progress report, or return it to the unit with a reason."""
    task = _lock(report.task, None)
    _require(can(user, Action.APPROVE, task), _("Only the office that supervises this task reviews its reports."))
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.outcome != ProgressReport.Outcome.PENDING:
        raise InvalidInput(_("This report has already been reviewed."))
    if report.asks_completion:
        raise InvalidInput(_("A completion request is approved or returned on its task."))
    if not accept:
        note = _check_text(note, _("reason for returning"))
    before = {"outcome": report.outcome}
    report.outcome = ProgressReport.Outcome.ACCEPTED if accept else ProgressReport.Outcome.RETURNED
    report.review_note, report.reviewed_by, report.reviewed_at = note, user, lib.now()
    report.save()
    record_event(user, "review_report", report, before=before, after={"outcome": report.outcome, "note": note})
    return report


# --- outcome indicators (指标) -------------------------------------------------------------------


MAX_INDICATOR_VALUE = Decimal("1e13")


def to_value(value: Decimal | str | int | float, what: str) -> Decimal:
    """A number for an indicator, or InvalidInput naming `what` (e.g. the indicator)."""
    try:
        number = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": value}) from None
    if not number.is_finite() or abs(number) >= MAX_INDICATOR_VALUE:
        raise InvalidInput(_("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": value})
    return number.quantize(Decimal("0.0001"))


def _indicator_lag(task: Task) -> dict[str, Any]:
    """Recompute every indicator's lag and give the task's columns for the worst one."""
    worst: tuple[int, str] | None = None
    for indicator in Indicator.objects.filter(task=task).prefetch_related("points"):
        points = list(indicator.points.all())
        lag = lights.indicator_lag(
            indicator.baseline,
            [(p.day, p.value) for p in points if p.kind == IndicatorPoint.Kind.PLAN],
            [(p.day, p.value) for p in points if p.kind == IndicatorPoint.Kind.ACTUAL])
        if lag != indicator.lag:
            indicator.lag = lag
            indicator.save(update_fields=["lag"])
        if lag is not None and (worst is None or lag > worst[0]):
            worst = (lag, indicator.name)
    return {"indicator_lag": worst[0] if worst else None, "indicator_lag_name": worst[1] if worst else ""}


def _check_plan(plan: Sequence[tuple[dt.date, Decimal | str | int | float]], name: str) -> list[tuple[dt.date, Decimal]]:
    if not plan:
        raise InvalidInput(_("Give the planned trajectory of “%(name)s”: at least one date and value.") % {"name": name})
    days = [day for day, _value in plan]
    if len(set(days)) != len(days):
        raise InvalidInput(_("The planned trajectory of “%(name)s” names a date twice.") % {"name": name})
    return sorted((day, to_value(value, name)) for day, value in plan)


@transaction.atomic
def add_indicator(
    user: User, task: Task, *, name: str, measure: str = "", baseline: Decimal | str | int | float,
    target: Decimal | str | int | float, plan: Sequence[tuple[dt.date, Decimal | str | int | float]],
) -> Indicator:
    """The office gives a task an outcome indicator with its planned trajectory (points joined
    by straight lines; docs/indicators.md)."""
    task = _lock(task, None)
    _require(can(user, Action.PLAN_INDICATORS, task), _("Only the office that supervises this task plans its indicators."))
    next_status(task.status, Action.PLAN_INDICATORS)
    name = _check_text(name, _("indicator's name"))
    if len(name) > 200 or len((measure or "").strip()) > 50:
        raise InvalidInput(_("An indicator's name has at most 200 characters and its unit of measure 50."))
    if Indicator.objects.filter(task=task, name=name).exists():
        raise InvalidInput(_("This task already has an indicator named “%(name)s”.") % {"name": name})
    base, goal = to_value(baseline, _("baseline")), to_value(target, _("target"))
    if base == goal:
        raise InvalidInput(_("The target of “%(name)s” must differ from its baseline.") % {"name": name})
    points = _check_plan(plan, name)
    now = lib.now()
    indicator = Indicator.objects.create(task=task, name=name, measure=(measure or "").strip(), baseline=base,
                                         target=goal, created_at=now)
    IndicatorPoint.objects.bulk_create([
        IndicatorPoint(indicator=indicator, kind=IndicatorPoint.Kind.PLAN, day=day, value=value,
                       recorded_by=user, recorded_at=now) for day, value in points])
    record_event(user, "add_indicator", indicator, after={
        "task": task.pk, "name": name, "measure": indicator.measure, "baseline": str(base), "target": str(goal),
        "plan": [[day.isoformat(), str(value)] for day, value in points]})
    _change(user, task, "plan_indicators", **_indicator_lag(task))
    return indicator


def _check_actuals(task: Task, given: Mapping[int, Decimal | str | int | float]) -> list[tuple[Indicator, Decimal]]:
    if not given:
        return []
    indicators = Indicator.objects.filter(task=task).in_bulk(list(given))
    checked = []
    for pk, value in given.items():
        indicator = indicators.get(pk)
        if indicator is None:
            raise InvalidInput(_("This task has no indicator %(id)s.") % {"id": pk})
        checked.append((indicator, to_value(value, indicator.name)))
    return checked


def _put_actuals(user: User, rows: Sequence[tuple[Indicator, dt.date, Decimal]], *,
                 report: ProgressReport | None = None) -> None:
    """Store actuals: a second one for the same indicator and day replaces the first."""
    now = lib.now()
    for indicator, day, value in rows:
        IndicatorPoint.objects.update_or_create(
            indicator=indicator, kind=IndicatorPoint.Kind.ACTUAL, day=day,
            defaults={"value": value, "report": report, "recorded_by": user, "recorded_at": now})


@dataclass(frozen=True)
class ActualRow:
    """One row of an actuals upload: the indicator's name, the day and the value, as read."""

    line: int
    indicator: str
    day: dt.date
    value: Decimal


@transaction.atomic
def record_actuals(user: User, task: Task, rows: Sequence[ActualRow], *, source: str = "") -> int:
    """Store the actuals of an upload (luoshi/tasks/indicator_import.py reads the file), all or
    nothing: a row naming an unknown indicator or a day in the future refuses the whole upload,
    with every refused row named. Importing the same rows again changes nothing."""
    task = _lock(task, None)
    _require(can(user, Action.RECORD_ACTUALS, task),
             _("Only the office that supervises this task or its lead unit records indicator actuals."))
    next_status(task.status, Action.RECORD_ACTUALS)
    if not rows:
        raise InvalidInput(_("The file has no rows of actuals."))
    indicators = {i.name: i for i in Indicator.objects.filter(task=task)}
    errors, checked = [], []
    today = lib.today()
    for row in rows:
        indicator = indicators.get(row.indicator.strip())
        if indicator is None:
            errors.append(_("Row %(line)s: this task has no indicator named “%(name)s”.")
                          % {"line": row.line, "name": row.indicator})
        elif row.day > today:
            errors.append(_("Row %(line)s: the date %(day)s is in the future.") % {"line": row.line, "day": row.day})
        else:
            checked.append((indicator, row.day, row.value))
    if errors:
        raise InvalidInput(" ".join([_("Nothing was imported.")] + errors))
    _put_actuals(user, checked)
    before, counted = task_snapshot(task), counts.state_of(task)
    for name, value in _indicator_lag(task).items():
        setattr(task, name, value)
    _save(task, counted)
    record_event(user, "record_actuals", task, before=before, after={
        **task_snapshot(task), "source": source, "actuals": [[i.name, d.isoformat(), str(v)] for i, d, v in checked]})
    return len(checked)


# --- suspending and cancelling ----------------------------------------------------------------


@transaction.atomic
def suspend_task(user: User, task: Task, *, reason: str, expected_version: int | None = None) -> Task:
    task = _lock(task, expected_version)
    _require(can(user, Action.SUSPEND, task), _("Only the office that supervises this task suspends it."))
    previous = task.status
    next_status(task.status, Action.SUSPEND)
    reason = _check_text(reason, _("reason for suspending"))
    return _change(user, task, "suspend_task", Action.SUSPEND, status_reason=reason,
                   status_before_suspension=previous)


@transaction.atomic
def resume_task(user: User, task: Task, *, expected_version: int | None = None) -> Task:
    task = _lock(task, expected_version)
    _require(can(user, Action.RESUME, task), _("Only the office that supervises this task resumes it."))
    return _change(user, task, "resume_task", Action.RESUME, status_before_suspension="", status_reason="")


@transaction.atomic
def cancel_task(user: User, task: Task, *, reason: str, expected_version: int | None = None) -> Task:
    task = _lock(task, expected_version)
    _require(can(user, Action.CANCEL, task), _("Only the office that supervises this task cancels it."))
    next_status(task.status, Action.CANCEL)
    reason = _check_text(reason, _("reason for cancelling"))
    task = _change(user, task, "cancel_task", Action.CANCEL, status_reason=reason)
    roll_up(user, task.parent)
    return task


# --- decomposing, urging, escalating, instructing --------------------------------------------


@dataclass
class SubTask:
    lead_unit: Unit
    title: str
    deadline: dt.date | None = None
    weight: int = 1
    person_responsible: str = ""
    cooperating_units: list[Unit] = field(default_factory=list)


@transaction.atomic
def decompose_task(
    user: User, task: Task, parts: Sequence[SubTask], *, expected_version: int | None = None,
) -> list[Task]:
    """Split a task into sub-tasks for sub-units (分解); the parent's progress then rolls up."""
    task = _lock(task, expected_version)
    _require(can(user, Action.DECOMPOSE, task), _("Only the lead unit or the supervision office decomposes a task."))
    next_status(task.status, Action.DECOMPOSE)
    if not parts:
        raise InvalidInput(_("Name at least one sub-task."))
    now = lib.now()
    children = []
    for part in parts:
        if not is_supervisor(user) and not part.lead_unit.is_within(task.lead_unit):
            raise Forbidden(_("%(unit)s is not below the lead unit.") % {"unit": part.lead_unit})
        deadline = part.deadline or task.deadline
        _check_deadline(deadline, required=True)
        if task.deadline and deadline and deadline > task.deadline:
            raise InvalidInput(_("A sub-task cannot be due after its parent (%(date)s).") % {"date": task.deadline})
        if part.weight < 1:
            raise InvalidInput(_("A sub-task's weight must be at least 1."))
        child = Task.objects.create(
            directive=task.directive, instruction_document_id=task.instruction_document_id,
            source=task.source, parent=task, title=_check_text(part.title, _("sub-task title"))[:500],
            lead_unit=part.lead_unit, person_responsible=part.person_responsible, deadline=deadline,
            cadence=task.cadence, status=Status.ASSIGNED, assigned_at=now, weight=part.weight,
            public=task.public, created_by=user, created_at=now, updated_at=now,
        )
        child.cooperating_units.set(part.cooperating_units)
        child.priority_areas.set(task.priority_areas.all())
        set_light(child)
        child.save(update_fields=LIGHT_FIELDS)
        counts.task_added(child)
        search_index.index(child)
        record_event(user, "create_subtask", child, after=task_snapshot(child))
        children.append(child)
    _change(user, task, "decompose_task", Action.DECOMPOSE)
    roll_up(user, task)
    return children


@transaction.atomic
def urge_task(user: User | None, task: Task, *, text: str) -> Urge:
    """Remind the lead unit that the work is slipping (催办). `user` None is the daily pass."""
    task = _lock(task, None)
    if user is not None:
        _require(can(user, Action.URGE, task), _("Only the office that supervises this task urges it."))
    next_status(task.status, Action.URGE)
    urge = Urge.objects.create(task=task, by=user, to_unit=task.lead_unit, text=_check_text(text, _("urge")),
                               created_at=lib.now())
    record_event(user, "urge_task", urge, after={"task": task.pk, "to": task.lead_unit.code, "text": urge.text})
    notify("urge", task, urge.text)
    return urge


@transaction.atomic
def escalate_task(user: User | None, task: Task, *, level: int, reason: str) -> Escalation:
    """Raise supervision of a task one level up (提级督办). `user` None is the daily pass."""
    task = _lock(task, None)
    if user is not None:
        _require(can(user, Action.ESCALATE, task), _("Only the supervision office escalates a task."))
    next_status(task.status, Action.ESCALATE)
    if level not in Escalation.Level.values:
        raise InvalidInput(_("Unknown escalation level: %(level)s") % {"level": level})
    escalation = Escalation.objects.create(task=task, by=user, level=level,
                                           reason=_check_text(reason, _("reason")), created_at=lib.now())
    record_event(user, "escalate_task", escalation, after={"task": task.pk, "level": level, "reason": reason})
    notify("escalation", task, escalation.reason, level=level)
    return escalation


@transaction.atomic
def write_instruction(user: User, task: Task, *, text: str) -> Instruction:
    """A leader's instruction on a task (批示)."""
    _require(can(user, Action.INSTRUCT, task), _("Only a leader writes instructions."))
    task = _lock(task, None)
    next_status(task.status, Action.INSTRUCT)
    instruction = Instruction.objects.create(task=task, by=user, text=_check_text(text, _("instruction")),
                                             created_at=lib.now())
    record_event(user, "write_instruction", instruction, after={"task": task.pk, "text": instruction.text})
    notify("instruction", task, instruction.text)
    return instruction


def refresh_lights(today: dt.date | None = None) -> int:
    """Recompute every lit task's light and reason (the clock moves even when nobody writes),
    and clear any light left on a task whose status has none; returns how many lights changed.
    In short batches that skip the tasks a writer holds, moving the dashboard counts by each
    change (luoshi/tasks/relight.py): no table lock, so writers do not wait for it."""
    changed = relight.refresh(today).changed
    counts.mend()  # anything written past the counts' upkeep is counted right again
    return changed


# --- deleting drafts (with the meeting they came from) ----------------------------------------


def never_assigned(task: Task) -> bool:
    """A draft, or a draft that was suspended or cancelled before anyone assigned it."""
    return task.assigned_at is None and task.status in {Status.DRAFT, Status.SUSPENDED, Status.CANCELLED}


@transaction.atomic
def delete_draft_tasks(user: User, tasks: Sequence[Task]) -> int:
    """Delete tasks that were never assigned (each audited as `delete_task`), for
    meetings.services.delete_meeting. A task that was ever assigned is refused: it is
    cancelled, never deleted."""
    _require(is_supervisor(user), _("Only the supervision office deletes draft tasks."))
    for task in tasks:
        if not never_assigned(task):
            raise InvalidInput(_("The task “%(title)s” has been assigned: cancel it instead of deleting it.")
                               % {"title": task.title[:60]})
    counts.count_removed(task.pk for task in tasks)
    for task in tasks:
        record_event(user, "delete_task", task, before=task_snapshot(task))
        task.delete()
    return len(tasks)
