"""Feedback-node templates (反馈节点): the milestones a task gets when it is assigned, counted
in working days through the official holiday calendar (调休 included), e.g. Shanxi's 1-3-7
rule for meeting decisions: the plan within 1 working day, measures within 3, a result or a
close-out request within 7.

A deployment adds or replaces templates with LUOSHI_NODE_TEMPLATES, a JSON object:
    {"key": {"label": "…", "nodes": [{"title": "…", "working_days": 1},
                                      {"title": "…", "monthly": true}]}}
A node with `monthly` repeats on the same day of every following month until the deadline.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.extraction.deadlines import add_working_days
from luoshi.lib import ConfigError
from luoshi.tasks.lights import add_months


@dataclass(frozen=True)
class Node:
    title: str | Promise
    working_days: int = 0
    monthly: bool = False


@dataclass(frozen=True)
class Template:
    label: str | Promise
    nodes: tuple[Node, ...]


DEFAULT_TEMPLATES: dict[str, Template] = {
    "1-3-7": Template(_("1-3-7 working days: plan, measures, result"), (
        Node(_("Work plan reported"), working_days=1),
        Node(_("Concrete measures reported"), working_days=3),
        Node(_("Result or close-out request reported"), working_days=7),
    )),
    "plan-monthly": Template(_("Plan within 5 working days, then a report every month"), (
        Node(_("Work plan reported"), working_days=5),
        Node(_("Monthly progress reported"), monthly=True),
    )),
}


def parse(text: str) -> dict[str, Template]:
    """LUOSHI_NODE_TEMPLATES, checked: a clear ConfigError for anything it cannot use."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"LUOSHI_NODE_TEMPLATES is not JSON: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError("LUOSHI_NODE_TEMPLATES must be a JSON object of templates by key")
    templates = {}
    for key, value in raw.items():
        if not isinstance(value, dict) or not isinstance(value.get("label"), str) or not value.get("nodes"):
            raise ConfigError(f"LUOSHI_NODE_TEMPLATES[{key!r}] needs a label and a list of nodes")
        nodes = []
        for node in value["nodes"]:
            title, days, monthly = node.get("title"), node.get("working_days", 0), node.get("monthly", False)
            if not isinstance(title, str) or not title.strip() or not isinstance(days, int) or not 0 <= days <= 250 \
                    or not isinstance(monthly, bool) or (monthly == bool(days)):
                raise ConfigError(f"LUOSHI_NODE_TEMPLATES[{key!r}]: each node needs a title and either "
                                  f"working_days (1 to 250) or monthly: true, not {node!r}")
            nodes.append(Node(title.strip(), days, monthly))
        templates[key] = Template(value["label"], tuple(nodes))
    return templates


def templates() -> dict[str, Template]:
    from django.conf import settings

    return {**DEFAULT_TEMPLATES, **settings.LUOSHI_NODE_TEMPLATES}


def steps(template: Template, start: dt.date, deadline: dt.date | None) -> list[tuple[str, dt.date]]:
    """The milestones of `template` for a task assigned on `start`: (title, due), in order, none
    after the deadline (a monthly node stops before it)."""
    out: list[tuple[str, dt.date]] = []
    last = start
    for node in template.nodes:
        if node.monthly:
            month = 1
            while (due := add_months(last, month)) and (deadline is None or due < deadline) and month <= 24:
                out.append((f"{node.title} ({due:%Y-%m})", due))
                month += 1
            continue
        due, _known = add_working_days(start, node.working_days)
        if deadline is not None and due > deadline:
            due = deadline
        out.append((str(node.title), due))
        last = max(last, due)
    return out
