"""A ledger row (tasks/_ledger_row.html) for one TaskRow: its light labelled with its reason,
and its status's label."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.tasks import lights
from luoshi.tasks.ledger import TaskRow
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.units.pickers import initials

register = template.Library()


@register.inclusion_tag("tasks/_ledger_row.html")
def ledger_row(task: TaskRow) -> dict[str, Any]:
    """mark_overdue has given the task its `days_overdue`."""
    reason = task.light_reason
    return {
        "task": task,
        # The dot is labelled with the light's reason, which is written out unless the light is green.
        "dot_label": lights.labelled(reason) if reason else Task.Light(task.light).label if task.light else "",
        "reason": lights.describe(reason) if reason and reason.light != lights.Light.GREEN else "",
        "status_label": Status(task.status).label,
    }


@register.filter
def pinyin_initials(text: str) -> str:
    """The pinyin initials of a meeting's "date · title" (2022-10-07 · 常务会议 → cwhy, the
    date's digits kept), for the meeting picker's own filtering (web/pickers.js)."""
    return initials(text)
