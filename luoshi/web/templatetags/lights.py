"""A task's light and its trajectory (progress against the straight line from assignment to
deadline), written in Python: the leader's stocktake repeats both on every row, and as template
includes they were half of that page's time (about 400 includes a page). The markup is the
templates' they replaced; web/tests/test_lights_tags.py holds the two equal.

    {% load lights %}{% light task.light %} {% light task.light task.light_reason %} {% trajectory item %}
    {% stocktake_rows block.items %}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from luoshi.html import format_html, format_html_join, truncated
from luoshi.tasks import lights

register = template.Library()

STOCKTAKE_TITLE_CHARS = 80


@register.simple_tag
def light(value: str, reason: lights.Reason | None = None) -> SafeString:
    """The light as a dot and its word: overdue (red), at risk (amber), on track (green); nothing
    for a task without a light (draft, suspended, completed, cancelled: its status says it).
    With the task's reason, the light is named by its colour and followed by the reason:
    "● 黄灯 · 月报逾期3天" (docs/lights.md; the style sheet draws the "·", or puts the reason on
    a line of its own in the stocktake's narrow column).
    Like the partials these tags replaced, each ends with a line break: in running text, a space."""
    if not value:
        return SafeString("")
    if reason is not None:
        return format_html('<span class="light {}"><span class="dot {}" aria-hidden="true"></span>{}'
                           '<span class="light-reason">{}</span></span>\n',
                           value, value, lights.colour_name(value), lights.describe(reason))
    label = gettext("overdue") if value == "red" else gettext("at risk") if value == "amber" else gettext("on track")
    return format_html('<span class="light {}"><span class="dot {}" aria-hidden="true"></span>{}</span>\n',
                       value, value, label)


@register.simple_tag
def trajectory(item: Any) -> SafeString:
    """A Trajectory (web/dashboards.py) as a bar: the progress, a mark where the straight line
    stands today, and both as numbers."""
    task, expected = item.task, item.expected_rounded
    if expected is None:
        label = gettext("%(progress)s%% done") % {"progress": task.progress}
        mark = numbers = ""
    else:
        label = gettext("%(progress)s%% done, %(expected)s%% expected by today") % {
            "progress": task.progress, "expected": expected}
        mark = format_html('<span class="mark w{}"></span>', _width(expected))
        numbers = format_html(' <span class="muted">/ {}%</span>', expected)
    return format_html('<span class="progress-cell"><span class="bar {}" role="img" aria-label="{}">'
                       '<span class="fill w{}"></span>{}</span>\n<span class="num small">{}%{}</span></span>\n',
                       task.light, label, _width(task.progress), mark, task.progress, numbers)


@register.simple_tag
def stocktake_rows(items: Iterable[Any]) -> SafeString:
    """The <tr> of each Trajectory of a stocktake area: light, title, lead unit, deadline, bar."""
    return format_html_join("", "{}", ((format_html(
        '<tr>\n        <td>{}</td>\n        <td class="title-cell"><a href="{}">{}</a></td>\n        <td>{}</td>\n'
        '        <td class="date">{}</td>\n        <td>{}</td>\n      </tr>',
        light(item.task.light, item.task.light_reason), reverse("task_detail", args=[item.task.pk]), truncated(item.task.title, STOCKTAKE_TITLE_CHARS),
        item.task.lead_unit, f"{item.task.deadline:%Y-%m-%d}" if item.task.deadline else "—", trajectory(item),
    ),) for item in items))


def _width(percent: int) -> int:
    """{% widthratio percent 5 1 %}: the CSS class step (w0 … w20) of a percentage."""
    return round(percent / 5)
