"""A task's light and its trajectory (progress against the straight line from assignment to
deadline), drawn by web/_light.html and web/_trajectory.html.

    {% load lights %}{% light task.light %} {% light task.light task.light_reason %} {% trajectory item %}
"""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.tasks import lights

register = template.Library()


@register.inclusion_tag("web/_light.html")
def light(value: str, reason: lights.Reason | None = None) -> dict[str, Any]:
    """The light as a dot and its word: overdue (red), at risk (amber), on track (green); nothing
    for a task without a light (draft, suspended, completed, cancelled: its status says it).
    With the task's reason, the light is named by its colour and followed by the reason:
    "● 黄灯 · 月报逾期3天" (docs/lights.md; the style sheet draws the "·", or puts the reason on
    a line of its own in the stocktake's narrow column)."""
    if value and reason is not None:
        return {"light": value, "colour": lights.colour_name(value), "reason": lights.describe(reason)}
    return {"light": value}


@register.inclusion_tag("web/_trajectory.html")
def trajectory(item: Any) -> dict[str, Any]:
    """A Trajectory (web/dashboards.py) as a bar: the progress, a mark where the straight line
    stands today, and both as numbers."""
    return {"item": item}
