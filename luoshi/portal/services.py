"""What the public portal may show: public tasks, reduced to their public fields.

Pages get `PublicTask` values, never Task rows, so no template can reach an internal
field (person responsible, reports, evidence, audit, liaisons) by accident."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from luoshi.lib import NotFound
from luoshi.tasks.counts import Counts, light_counts
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.permissions import PUBLIC_SCOPE

PUBLIC_FIELDS = ("id", "title", "status", "reviewed_progress", "light", "deadline", "completed_at",
                 "lead_unit__name_zh", "lead_unit__name_en", "directive__text",
                 "directive__meeting__title", "directive__meeting__date")


@dataclass(frozen=True)
class PublicTask:
    pk: int
    title: str
    status: str
    status_label: str
    progress: int
    light: str
    light_label: str
    deadline: dt.date | None
    completed: bool
    lead_unit: str
    directive: str
    meeting: str
    meeting_date: dt.date | None

    @property
    def shows_directive(self) -> bool:
        """Worth showing beside the title: tasks are often titled with their directive's text."""
        return bool(self.directive) and self.directive.strip() != self.title.strip()


def public_tasks() -> QuerySet[Task]:
    """The tasks the portal shows (its read scope, permissions.PUBLIC_SCOPE), with the progress
    the office has accepted (issue 16, item 13): a report awaiting review, or returned, never
    moves the figure the public sees."""
    accepted = (ProgressReport.objects.filter(task=OuterRef("pk"), outcome=ProgressReport.Outcome.ACCEPTED)
                .order_by("-reviewed_at", "-id").values("progress")[:1])
    return PUBLIC_SCOPE.tasks().annotate(reviewed_progress=Coalesce(Subquery(accepted), Value(0)))


def as_public(row: dict[str, Any]) -> PublicTask:
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return PublicTask(
        pk=row["id"], title=row["title"], status=row["status"],
        status_label=str(Status(row["status"]).label),
        progress=100 if row["status"] == Status.COMPLETED else row["reviewed_progress"],
        light=row["light"],
        light_label=str(Task.Light(row["light"]).label) if row["light"] else "",
        deadline=row["deadline"], completed=row["status"] == Status.COMPLETED,
        lead_unit=row["lead_unit__name_en" if english else "lead_unit__name_zh"],
        directive=row["directive__text"] or "", meeting=row["directive__meeting__title"] or "",
        meeting_date=row["directive__meeting__date"],
    )


def list_public(light: str = "") -> QuerySet[Task]:
    tasks = public_tasks()
    if light:
        tasks = tasks.filter(light=light)
    return tasks.order_by("deadline", "id")


def public_counts() -> Counts:
    """Every number the portal shows: the one count (counts.light_counts) of its scope."""
    return light_counts(PUBLIC_SCOPE)


def get_public_task(pk: int | str) -> PublicTask:
    row = public_tasks().filter(pk=pk).values(*PUBLIC_FIELDS).first()
    if row is None:
        raise NotFound("task")
    return as_public(row)
