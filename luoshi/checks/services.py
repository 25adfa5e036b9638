"""The office's two writes of the checks: attaching a repeated directive to the task it
repeats, and dismissing a report's mark. Each is audited in its transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.checks import report_rules
from luoshi.checks.models import DismissedMark, RepeatedMention
from luoshi.lib import Forbidden, InvalidInput
from luoshi.meetings.models import Directive
from luoshi.tasks.lifecycle import Action, Status
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.permissions import can, is_supervisor


@transaction.atomic
def attach_directive(user: User, directive: Directive, task: Task, similarity: float | None = None) -> RepeatedMention:
    """Record that `directive` demands again what `task` does: no new task, and the task's
    repeat count (its attention in the stocktake) goes up by one."""
    if not is_supervisor(user):
        raise Forbidden(_("Only the supervision office attaches a directive to a task."))
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status == Status.CANCELLED:
        raise InvalidInput(_("Task %(n)s is cancelled: a repeated demand cannot be attached to it.") % {"n": task.pk})
    if task.directive_id == directive.pk or directive.tasks.exists():
        raise InvalidInput(_("This directive already has a task of its own."))
    if RepeatedMention.objects.filter(directive=directive).exists():
        raise InvalidInput(_("This directive is already attached to a task."))
    mention = RepeatedMention.objects.create(directive=directive, task=task, similarity=similarity,
                                             created_by=user, created_at=lib.now())
    before = task.repeat_count
    Task.objects.filter(pk=task.pk).update(repeat_count=F("repeat_count") + 1)
    task.refresh_from_db(fields=["repeat_count"])
    record_event(user, "attach_directive", task,
                 before={"repeat_count": before},
                 after={"repeat_count": task.repeat_count, "directive": directive.pk,
                        "meeting": directive.meeting_id, "similarity": similarity})
    return mention


@transaction.atomic
def dismiss_mark(user: User, report: ProgressReport, code: str, note: str = "") -> DismissedMark:
    """The office judged a report's mark unfounded: it is no longer shown as a mark."""
    if code not in report_rules.CODES:
        raise InvalidInput(_("Unknown mark: %(code)s") % {"code": code})
    if not can(user, Action.APPROVE, report.task):
        raise Forbidden(_("Only the supervision office reviews reports."))
    if DismissedMark.objects.filter(report=report, code=code).exists():
        raise InvalidInput(_("This mark was already dismissed."))
    dismissed = DismissedMark.objects.create(report=report, code=code, note=note.strip()[:1000],
                                             dismissed_by=user, dismissed_at=lib.now())
    record_event(user, "dismiss_report_mark", report, after={"mark": code, "note": dismissed.note})
    return dismissed
