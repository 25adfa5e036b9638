"""The ledger's rows, written in Python: the 50 rows of a page were most of its time when
each cell went through the template engine. tests/test_views_ledger.py checks the output
against the template these rows were written from."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from luoshi.html import escaped, format_html, format_html_join, truncated
from luoshi.tasks import lights
from luoshi.tasks.ledger import TaskRow
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task

register = template.Library()

_ROW = ('<tr class="light-{row_light}">\n'
        '      <td class="light-cell">{dot}</td>\n'
        '      <td class="title-cell"><a href="{url}">{title}</a>{reason}</td>\n'
        '      <td data-label="{l_unit}">{lead_unit}</td>\n'
        '      <td data-label="{l_coop}" class="small">{coop}</td>\n'
        '      <td data-label="{l_deadline}" class="num">{deadline}</td>\n'
        '      <td data-label="{l_progress}"><span class="progress-cell"><span class="bar {light}" role="img" '
        'aria-label="{progress_label}"><span class="fill w{width}"></span></span>'
        '<span class="num small">{progress}%</span></span></td>\n'
        '      <td data-label="{l_status}"><span class="badge s-{status}">{status_label}</span></td>\n'
        '      <td data-label="{l_overdue}" class="num">{overdue}</td>\n'
        '    </tr>')
_DOT = '<span class="dot {light}" role="img" aria-label="{light_label}" title="{light_label}"></span>'
TITLE_CHARS = 90
_NONE = SafeString('<span class="muted">—</span>')


@register.simple_tag
def ledger_rows(tasks: Iterable[TaskRow]) -> SafeString:
    """<tr> for each task of a ledger page (mark_overdue has given each `days_overdue`)."""
    labels = {"l_unit": gettext("Lead unit"), "l_coop": gettext("Cooperating units"),
              "l_deadline": gettext("Deadline"), "l_progress": gettext("Progress"),
              "l_status": gettext("Status"), "l_overdue": gettext("Overdue")}
    # The column labels go into the row's format once per page, escaped, not once per row.
    row_format = _ROW
    for name, text in labels.items():
        row_format = row_format.replace("{" + name + "}", escaped(text).replace("{", "{{").replace("}", "}}"))
    # The labels once per page, not once per row (get_FOO_display rebuilds its dict each call).
    light_labels = {value: str(label) for value, label in Task.Light.choices}
    status_labels = {value: str(label) for value, label in Status.choices}
    done = gettext("%(progress)s%% done")
    rows = []
    for task in tasks:
        units = task.cooperating_units
        days = getattr(task, "days_overdue", 0)
        reason = task.light_reason
        rows.append(format_html(
            row_format, light=task.light, row_light=task.light or "none", url=reverse("task_detail", args=[task.pk]),
            # A task without a light (draft, suspended, finished) shows no dot at all.
            dot=format_html(_DOT, light=task.light,
                            light_label=lights.labelled(reason) if reason else light_labels.get(task.light, task.light))
            if task.light else "",
            # The reason is written out where something is wrong; a green one is in the dot's title.
            reason=format_html('<span class="light-reason">{}</span>', lights.describe(reason))
            if reason and reason.light != lights.Light.GREEN else "",
            title=truncated(task.title, TITLE_CHARS), lead_unit=task.lead_unit,
            coop=format_html_join("、", "{}", ((unit,) for unit in units)) if units else _NONE,
            deadline=f"{task.deadline:%Y-%m-%d}" if task.deadline else "—",
            progress_label=done % {"progress": task.progress},
            width=round(task.progress / 5), progress=task.progress, status=task.status,
            status_label=status_labels.get(task.status, task.status),
            overdue=format_html('<span class="overdue">{}</span>',
                                ngettext("%(days)s day", "%(days)s days", days) % {"days": days}) if days else _NONE,
        ))
    return format_html_join("", "{}", ((row,) for row in rows))


