"""The marks of the reports awaiting review (checks.report_rules), with their reasons, for the
office's review queue (the supervisor's home and the task page). Reads only: a fixed number of
queries for any number of reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from luoshi.checks import report_rules
from luoshi.checks.models import DismissedMark
from luoshi.tasks.models import ProgressReport, Task


@dataclass(frozen=True)
class Mark:
    code: str
    reason: str
    dismissed: bool = False


def reason(code: str, share: float = 0.0) -> str:
    if code == report_rules.OFF_TOPIC:
        return _("Never mentions what the task is about (its title and source sentence).")
    if code == report_rules.REPEATED:
        return _("Repeats the unit's previous report on this task (%(percent)s%% the same).") % {
            "percent": round(share * 100)}
    return _("Claims progress with no evidence attached and no change in progress since the previous report.")


def _task_text(task: Task) -> str:
    directive = task.directive
    return " ".join(filter(None, [task.title, directive.text if directive else "", task.description]))


def marks_for(reports: Sequence[ProgressReport], tasks: dict[int, Task] | None = None) -> dict[int, list[Mark]]:
    """Each report's marks, the dismissed ones included (flagged), by report id. `tasks`: the
    reports' tasks with their directives, when the caller has them (else one query)."""
    if not reports:
        return {}
    ids = [r.pk for r in reports]
    task_ids = {r.task_id for r in reports}
    tasks = dict(tasks or {})
    missing = task_ids - tasks.keys()
    if missing:
        tasks.update({t.pk: t for t in Task.objects.filter(pk__in=missing).select_related("directive")})
    earlier: dict[tuple[int, int], list[ProgressReport]] = defaultdict(list)
    evidence: dict[int, int] = {}
    # Every report of these tasks, with its evidence count: the previous ones and these.
    for other in (ProgressReport.objects.filter(task_id__in=task_ids)
                  .only("id", "task_id", "unit_id", "text", "progress", "submitted_at")
                  .annotate(evidence_count=Count("evidence")).order_by("submitted_at", "id")):
        earlier[(other.task_id, other.unit_id)].append(other)
        evidence[other.pk] = other.evidence_count
    dismissed = set(DismissedMark.objects.filter(report_id__in=ids).values_list("report_id", "code"))
    percent = settings.LUOSHI_REPORT_REPEAT_PERCENT
    out: dict[int, list[Mark]] = {}
    for report in reports:
        history = earlier[(report.task_id, report.unit_id)]
        before = [r for r in history if (r.submitted_at, r.pk) < (report.submitted_at, report.pk)]
        previous = before[-1] if before else None
        facts = report_rules.ReportFacts(
            text=report.text, task_text=_task_text(tasks[report.task_id]),
            previous_text=previous.text if previous else None, progress=report.progress,
            previous_progress=previous.progress if previous else None, evidence_count=evidence.get(report.pk, 0),
        )
        share = report_rules.repeat_share(report.text, previous.text) if previous else 0.0
        out[report.pk] = [Mark(code, reason(code, share), (report.pk, code) in dismissed)
                          for code in report_rules.marks(facts, percent)]
    return out


def marked_first(reports: Sequence[ProgressReport], tasks: dict[int, Task] | None = None) -> list[ProgressReport]:
    """The reports with their marks as `checks` (live ones first), the marked first, each
    group in its given order."""
    found = marks_for(reports, tasks)
    for report in reports:
        report.checks = found.get(report.pk, [])  # type: ignore[attr-defined]  # for the template
        report.live_checks = [m for m in report.checks if not m.dismissed]  # type: ignore[attr-defined]  # the live marks, for the template
    return sorted(reports, key=lambda r: not r.live_checks)  # type: ignore[attr-defined]  # set just above
