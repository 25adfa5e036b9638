"""What the checks say beside each directive under review and on the meeting page: its gaps
(checks.supervisable) in words, and the earlier demands it repeats (checks.repeats)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from luoshi.checks import supervisable

GAP_PROMPTS = {
    supervisable.LEAD: lambda: _("No lead unit: choose one to make it a task, or say why it stays a principle."),
    supervisable.DEADLINE: lambda: _("No time limit: enter a deadline (a task is assigned only with one)."),
    supervisable.RESULT: lambda: _("No checkable result (a number, a deliverable such as a plan, list or "
                                   "rules, or a work finished): say in the task what will show it is done."),
}
GAP_SHORT = {
    supervisable.LEAD: lambda: _("no lead unit"),
    supervisable.DEADLINE: lambda: _("no time limit"),
    supervisable.RESULT: lambda: _("no checkable result"),
}


@dataclass(frozen=True)
class Gap:
    code: str
    prompt: str
    short: str


def gaps(text: str, lang: str | None, *, lead: bool = False, deadline: bool = False) -> list[Gap]:
    found = supervisable.check(text, lang, lead=lead, deadline=deadline)
    return [Gap(code, GAP_PROMPTS[code](), GAP_SHORT[code]()) for code in found.gaps]


def principle_reason(found: Sequence[Gap]) -> str:
    """The reason recorded when the reviewer leaves a flagged directive without a task."""
    return _("Stays a principle: %(gaps)s.") % {"gaps": _(", ").join(g.short for g in found)}


def share(supervisable_count: int, total: int) -> int | None:
    return round(100 * supervisable_count / total) if total else None
