"""The ledger (台账): which tasks a set of GET filters selects, in what order, with what counts.

The ledger page and its Excel export both read the same `LedgerQuery`, so a link such as
`/tasks/?light=red&unit=EMERG` means the same rows on screen and in the file. The GET
parameter names are a contract with the dashboards: unit, status, light, area, meeting,
deadline_from, deadline_to, q, sort, page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.meetings.models import Meeting, PriorityArea
from luoshi.search.matching import task_ids_containing
from luoshi.tasks import lights
from luoshi.tasks.counts import Counts, light_counts
from luoshi.tasks.lifecycle import LIT, WORKING
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.permissions import visible_tasks
from luoshi.units.models import Unit, in_language, subtree_ids

PAGE_SIZE = 50
WORKING_FILTER = "working"  # ?status=working: every status of lifecycle.WORKING
LIGHTS = ("red", "amber", "green")

# sort parameter → ORDER BY; every order ends on id so pages never overlap.
_LIGHT_RANK = Case(When(light="red", then=Value(0)), When(light="amber", then=Value(1)),
                   default=Value(2), output_field=IntegerField())
SORTS: dict[str, tuple[str | Case, ...]] = {
    "deadline": ("deadline_sort", "id"),
    "-deadline": ("-deadline_sort", "-id"),
    "progress": ("progress", "deadline", "id"),
    "-progress": ("-progress", "deadline", "id"),
    "light": (_LIGHT_RANK, "deadline", "id"),
    "updated": ("-updated_at", "-id"),
}
SORT_LABELS = {
    "deadline": _("deadline, soonest first"),
    "-deadline": _("deadline, latest first"),
    "progress": _("progress, least first"),
    "-progress": _("progress, most first"),
    "light": _("light, overdue first"),
    "updated": _("recently updated"),
}
# What a list of tasks shows (the ledger page, its export, the API list). The rest of a task,
# its description above all, stays in the database; tests count the queries of each list, so
# a column read but not listed here shows up as a query per row.
UNIT_COLUMNS = ("code", "name_zh", "name_en", "path")
LIST_COLUMNS = ("title", "person_responsible", "deadline", "status", "light", "progress", "parent", "directive",
                "version", "updated_at", "light_rule", "light_amount", "indicator_lag_name", "lead_unit",
                *(f"lead_unit__{name}" for name in UNIT_COLUMNS))
# Tasks without a deadline sort after every dated one, whichever way. Task.Meta indexes
# this expression: change both together.
FAR_FUTURE = dt.date(9999, 12, 31)


class FarFuture(Value):
    """FAR_FUTURE, written into SQLite's SQL as the literal the index has: SQLite uses an index
    on an expression only for the same expression, and a bound parameter is not the same
    constant (the ledger's first page sorted every row; bench/FIGURES.md).
    PostgreSQL's queries already carry it as a literal (client-side binding)."""

    def __init__(self) -> None:
        super().__init__(FAR_FUTURE)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return f"'{FAR_FUTURE.isoformat()}'", []


@dataclass
class LedgerQuery:
    """Validated filters. Build it with `LedgerFilterForm(request.GET).query()`."""

    unit: Unit | None = None
    status: str = ""
    light: str = ""
    area: PriorityArea | None = None
    meeting: Meeting | None = None
    source: str = ""  # Task.Source: meeting, instruction or ledger
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    q: str = ""
    sort: str = "deadline"
    applied: list[tuple[str, str]] = field(default_factory=list)  # (label, value) for people
    # Not on the ledger's form: the documents' selections (a bulletin's tasks).
    top_level: bool = False
    meetings: QuerySet[Meeting] | None = None

    @property
    def statuses(self) -> list[str]:
        """The statuses the status filter names: one, or every WORKING one ("working", the
        tasks at work, which have a light: what the dashboards' figures count)."""
        if self.status == WORKING_FILTER:
            return sorted(WORKING)
        return [self.status] if self.status else []

    @property
    def keyed_by_stored_counts(self) -> bool:
        """Do the filters use only what the stored counts are keyed by (lead unit or area,
        status, light), so that counts.light_counts may sum them?"""
        return not (self.meeting or self.source or self.deadline_from or self.deadline_to or self.q or self.top_level
                    or self.meetings is not None)

    def filter(self, tasks: QuerySet[Task]) -> QuerySet[Task]:
        if self.unit is not None:
            tasks = tasks.filter(lead_unit__in=subtree_ids(self.unit.path))
        if self.status:
            tasks = tasks.filter(status__in=self.statuses)
        if self.light:
            tasks = tasks.filter(light=self.light)
        if self.area is not None:
            tasks = tasks.filter(priority_areas=self.area)
        if self.meeting is not None:
            tasks = tasks.filter(directive__meeting=self.meeting)
        if self.source:
            tasks = tasks.filter(source=self.source)
        if self.deadline_from is not None:
            tasks = tasks.filter(deadline__gte=self.deadline_from)
        if self.deadline_to is not None:
            tasks = tasks.filter(deadline__lte=self.deadline_to)
        if self.q:
            # The text as typed, in the title or the description: the full-text index finds
            # the candidates (search.matching), so the text is read of those only, not of
            # every task (1.1 s at 10⁶ tasks).
            containing = task_ids_containing(self.q)
            tasks = tasks.filter(pk__in=containing) if containing is not None else tasks.filter(
                Q(title__icontains=self.q) | Q(description__icontains=self.q))
        if self.top_level:
            tasks = tasks.filter(parent__isnull=True)
        if self.meetings is not None:
            tasks = tasks.filter(directive__meeting__in=self.meetings)
        return tasks

    def ordered(self, tasks: QuerySet[Task]) -> QuerySet[Task]:
        return tasks.annotate(deadline_sort=Coalesce("deadline", FarFuture())).order_by(
            *SORTS.get(self.sort, SORTS["deadline"])
        )

    def tasks_for(self, user: User) -> QuerySet[Task]:
        """The user's visible tasks that pass the filters, in order, ready to show: the columns
        of LIST_COLUMNS, with their lead unit and cooperating units."""
        units = Unit.objects.only(*UNIT_COLUMNS)
        return (self.ordered(self.filter(visible_tasks(user))).select_related("lead_unit").only(*LIST_COLUMNS)
                .prefetch_related(Prefetch("cooperating_units", queryset=units)))


@dataclass(frozen=True)
class UnitName:
    """A unit as a list of tasks shows it: its code, and its name in the reader's language."""

    code: str
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return in_language(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return self.name


@dataclass
class TaskRow:
    """One task as the lists show it (the ledger page, the API), read as plain values: fifty
    model instances, with their units and related managers, cost more than the query."""

    id: int
    title: str
    status: str
    light: str
    progress: int
    deadline: dt.date | None
    person_responsible: str
    parent_id: int | None
    directive_id: int | None
    version: int
    updated_at: dt.datetime
    light_rule: str
    light_amount: int | None
    indicator_lag_name: str
    lead_unit: UnitName
    cooperating_units: list[UnitName] = field(default_factory=list)
    days_overdue: int = 0

    @property
    def pk(self) -> int:
        return self.id

    @property
    def light_reason(self) -> lights.Reason | None:
        return lights.stored_reason(self.light, self.light_rule, self.light_amount, self.indicator_lag_name)

    @classmethod
    def of(cls, task: Task) -> TaskRow:
        """A task already loaded as a model (its cooperating units preferably prefetched)."""
        def name(unit: Unit) -> UnitName:
            return UnitName(unit.code, unit.name_zh, unit.name_en)

        return cls(**{column: getattr(task, column) for column in _ROW_COLUMNS}, lead_unit=name(task.lead_unit),
                   cooperating_units=[name(unit) for unit in task.cooperating_units.all()])


_ROW_COLUMNS = ("id", "title", "status", "light", "progress", "deadline", "person_responsible", "parent_id",
                "directive_id", "version", "updated_at", "light_rule", "light_amount", "indicator_lag_name")


def task_rows(tasks: QuerySet[Task]) -> list[TaskRow]:
    """The tasks of an ordered (and sliced) queryset as rows, in two queries."""
    rows = [TaskRow(**dict(zip(_ROW_COLUMNS, values[:-3], strict=True)), lead_unit=UnitName(*values[-3:]))
            for values in tasks.prefetch_related(None).values_list(
                *_ROW_COLUMNS, "lead_unit__code", "lead_unit__name_zh", "lead_unit__name_en")]
    by_id = {row.id: row for row in rows}
    cooperating = (Task.cooperating_units.through.objects.filter(task_id__in=by_id).order_by("unit__path")
                   .values_list("task_id", "unit__code", "unit__name_zh", "unit__name_en"))
    for task_id, *unit in cooperating:
        by_id[task_id].cooperating_units.append(UnitName(*unit))
    return rows


def ledger_counts(user: User, query: LedgerQuery) -> Counts:
    """How many of the tasks the user sees pass the filters, by status and light: the one
    count (counts.light_counts), from the stored counts when the filters allow."""
    return light_counts(user, query)


class CountedPaginator(Paginator):
    """A paginator that takes the total it already knows instead of counting again."""

    def __init__(self, object_list: QuerySet[Task], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def days_overdue(task: Task | TaskRow, today: dt.date) -> int:
    """Days past the deadline of a task with a light; 0 when it is not overdue (a draft, a
    suspended task, whose clock is stopped, and a finished one never are)."""
    if task.deadline is None or task.status not in LIT:
        return 0
    return max(0, (today - task.deadline).days)


Shown = TypeVar("Shown", Task, TaskRow)


def mark_overdue(tasks: Iterable[Shown], today: dt.date | None = None) -> list[Shown]:
    """Give each task a `days_overdue` attribute for the templates."""
    today = today or lib.today()
    rows = list(tasks)
    for task in rows:
        task.days_overdue = days_overdue(task, today)
    return rows


def with_latest_report(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate `latest_report`: the text of the newest progress report (one subquery)."""
    newest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
    return tasks.annotate(latest_report=Subquery(newest.values("text")[:1]))


def ledger_workbook(tasks: QuerySet[Task], query: LedgerQuery, *, user: User, today: dt.date) -> bytes:
    """The filtered ledger as an .xlsx file: a title, the filters, headers, one row per task.

    Written in openpyxl's write-only mode and read in chunks, so a large ledger streams
    through instead of sitting in memory as cell objects."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from luoshi.lib import safe_cell, safe_row

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Ledger")))
    widths = [6, 48, 18, 24, 12, 12, 8, 14, 8, 10, 48]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width

    def row(*values: object) -> None:
        sheet.append(safe_row(sheet, list(values)))

    row(safe_cell(sheet, str(_("Task ledger")), font=Font(bold=True, size=14)))
    applied = str(_("; ")).join(f"{label}{_(': ')}{value}" for label, value in query.applied) or str(_("none"))
    row(str(_("Filters: %(filters)s")) % {"filters": applied})
    row(str(_("Exported on %(date)s by %(user)s")) % {"date": today.isoformat(), "user": user})
    headers = [_("No."), _("Task"), _("Lead unit"), _("Cooperating units"), _("Person responsible"),
               _("Deadline"), _("Progress"), _("Status"), _("Light"), _("Days overdue"), _("Latest progress")]
    row(*(safe_cell(sheet, str(header), font=Font(bold=True)) for header in headers))
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, task in enumerate(tasks.iterator(chunk_size=2000), start=1):
        row(
            number, safe_cell(sheet, task.title, alignment=wrap), task.lead_unit.name,
            "、".join(unit.name for unit in task.cooperating_units.all()),
            task.person_responsible,
            safe_cell(sheet, task.deadline, number_format="yyyy-mm-dd") if task.deadline else None,
            f"{task.progress}%", task.get_status_display(),
            task.get_light_display(), days_overdue(task, today) or None,
            safe_cell(sheet, getattr(task, "latest_report", "") or "", alignment=wrap),
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
