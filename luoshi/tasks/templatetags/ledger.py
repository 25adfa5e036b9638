"""The ledger's rows, written in Python: the 50 rows of a page were most of its time when
each cell went through the template engine. tests/test_views_ledger.py checks the output
against the template these rows were written from."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from luoshi.tasks.models import Task

register = template.Library()

_ROW = ('<tr class="light-{light}">\n'
        '      <td class="light-cell"><span class="dot {light}" role="img" aria-label="{light_label}" '
        'title="{light_label}"></span></td>\n'
        '      <td class="title-cell"><a href="{url}">{title}</a></td>\n'
        '      <td data-label="{l_unit}">{lead_unit}</td>\n'
        '      <td data-label="{l_coop}" class="small">{coop}</td>\n'
        '      <td data-label="{l_deadline}" class="num">{deadline}</td>\n'
        '      <td data-label="{l_progress}"><span class="progress-cell"><span class="bar {light}" role="img" '
        'aria-label="{progress_label}"><span class="fill w{width}"></span></span>'
        '<span class="num small">{progress}%</span></span></td>\n'
        '      <td data-label="{l_status}"><span class="badge s-{status}">{status_label}</span></td>\n'
        '      <td data-label="{l_overdue}" class="num">{overdue}</td>\n'
        '    </tr>')
_NONE = SafeString('<span class="muted">—</span>')


@register.simple_tag
def ledger_rows(tasks: Iterable[Task]) -> SafeString:
    """<tr> for each task of a ledger page (mark_overdue has given each `days_overdue`)."""
    labels = {"l_unit": gettext("Lead unit"), "l_coop": gettext("Cooperating units"),
              "l_deadline": gettext("Deadline"), "l_progress": gettext("Progress"),
              "l_status": gettext("Status"), "l_overdue": gettext("Overdue")}
    rows = []
    for task in tasks:
        units = list(task.cooperating_units.all())
        days = getattr(task, "days_overdue", 0)
        rows.append(format_html(
            _ROW, light=task.light, light_label=task.get_light_display(), url=task.get_absolute_url(),
            title=Truncator(task.title).chars(90), lead_unit=task.lead_unit,
            coop=format_html_join("、", "{}", ((unit,) for unit in units)) if units else _NONE,
            deadline=f"{task.deadline:%Y-%m-%d}" if task.deadline else "—",
            progress_label=gettext("%(progress)s%% done") % {"progress": task.progress},
            width=round(task.progress / 5), progress=task.progress, status=task.status,
            status_label=task.get_status_display(),
            overdue=format_html('<span class="overdue">{}</span>',
                                ngettext("%(days)s day", "%(days)s days", days) % {"days": days}) if days else _NONE,
            **labels,
        ))
    return format_html_join("", "{}", ((row,) for row in rows))
