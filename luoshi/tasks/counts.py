"""The stored task counts (TaskCount) behind the dashboards, kept exact in the transaction of
every task write, so a dashboard reads a few thousand small rows instead of the tasks table.

Each task adds one to each of its keys:
- ("unit", lead unit, status, light)
- ("area", priority area, status, light) for each of its priority areas
- ("deadline", deadline, status) when it has a deadline
- ("completed", day it was completed, in settings.TIME_ZONE) when it has been completed

How they stay right (docs/decisions.md, "Dashboard counts"): the services that write tasks
(luoshi/tasks/services.py) call these in their transaction, as they call the search index:
- `task_added(task)` once a new task has its priority areas;
- `task_changed(before, task)` after a save, with the state read under the row lock (old keys
  −1, new keys +1); `count_removed(ids)` before deleting;
- bulk writers call `count_new(...)` (the ledger import, from what it holds in memory) or
  `rebuild()` (`luoshi generate`, with nobody else writing). The daily lights pass
  (tasks/relight.py) moves the counts by each light it changes, in its short batches, and then
  `mend()`s any drift: a lock-free check from one snapshot, and a rebuild only when something
  is wrong (a write past the services, a raw UPDATE or the ORM in a shell).
`drift()` compares the stored counts with a full recount; the tests call it after every action.

Reading them: `light_counts(user, filters)` is the one count of tasks every page, document
and API answer shows (the ledger's header, the role homes, the stocktake, the Word stocktake
and bulletin, the API list, the portal); `light_counts_by(user, "unit", "area")` the
same per lead unit and/or priority area. Both count what the user may read
(permissions.read_scope), from the stored rows when the filters are among their keys, live
otherwise; luoshi/tasks/tests/test_count_agreement.py holds every view to a plain count.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from luoshi.accounts.models import User
from luoshi.meetings.models import PriorityArea
from luoshi.tasks.lifecycle import LIT
from luoshi.tasks.models import Task, TaskCount
from luoshi.tasks.permissions import ReadScope, read_scope
from luoshi.units.models import Unit, subtree_ids


class LedgerQuery(Protocol):
    """What the counts read of a ledger query (tasks.ledger.LedgerQuery, which imports this
    module: a protocol keeps the import graph acyclic)."""

    unit: Unit | None
    area: PriorityArea | None
    light: str

    @property
    def statuses(self) -> list[str]: ...

    @property
    def keyed_by_stored_counts(self) -> bool: ...

    def filter(self, tasks: QuerySet[Task]) -> QuerySet[Task]: ...

Kind = TaskCount.Kind
logger = logging.getLogger(__name__)


class Key(NamedTuple):
    kind: str
    unit_id: int | None = None
    area_id: int | None = None
    day: dt.date | None = None
    status: str = ""
    light: str = ""

    @property
    def text(self) -> str:
        """The unique key of the row, e.g. 'unit:12:signed:red', 'deadline:2026-06-30:signed'."""
        ident: object = self.unit_id if self.kind == Kind.UNIT else self.area_id if self.kind == Kind.AREA else self.day
        ident = ident.isoformat() if isinstance(ident, dt.date) else ident
        return ":".join(str(part) for part in (self.kind, ident, self.status, self.light) if part != "")


class State(NamedTuple):
    """What the counts of one task depend on (besides its priority areas)."""

    lead_unit_id: int
    status: str
    light: str
    deadline: dt.date | None
    completed_at: dt.datetime | None


FIELDS = tuple(State.__annotations__)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def keys_of(state: State, area_ids: Iterable[int] = ()) -> Counter[Key]:
    keys: Counter[Key] = Counter()
    keys[Key(Kind.UNIT, unit_id=state.lead_unit_id, status=state.status, light=state.light)] += 1
    for area in area_ids:
        keys[Key(Kind.AREA, area_id=area, status=state.status, light=state.light)] += 1
    if state.deadline is not None:
        keys[Key(Kind.DEADLINE, day=state.deadline, status=state.status)] += 1
    if state.completed_at is not None:
        keys[Key(Kind.COMPLETED, day=state.completed_at.astimezone(_zone()).date())] += 1
    return keys


def apply(delta: Counter[Key] | dict[Key, int]) -> None:
    """Add `delta` to the stored counts: one upsert per key, in key order (so two writers
    never wait on each other's rows in opposite orders)."""
    changes = sorted(((key, n) for key, n in delta.items() if n), key=lambda item: item[0].text)
    if not changes:
        return
    table = connection.ops.quote_name(TaskCount._meta.db_table)
    sql = (f"INSERT INTO {table} (key, kind, unit_id, area_id, day, status, light, n) "  # nosec B608 # the model's table name; values are parameters
           f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT (key) DO UPDATE SET n = {table}.n + excluded.n")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(key.text, key.kind, key.unit_id, key.area_id, key.day, key.status, key.light, n)
                                 for key, n in changes])


def _area_ids(task_id: int) -> list[int]:
    through = Task.priority_areas.through
    return list(through.objects.filter(task_id=task_id).values_list("priorityarea_id", flat=True))


# --- single tasks: the services call these in their transaction, as they index for search ------


def state_of(task: Task) -> State:
    return State(*(getattr(task, name) for name in FIELDS))


def task_added(task: Task) -> None:
    """Count a task just created (with its priority areas set)."""
    apply(keys_of(state_of(task), _area_ids(task.pk)))


def task_changed(before: State, task: Task) -> None:
    """Move the counts of a task just saved from `before`, its state as the service read it
    under the row lock, to its state now."""
    after = state_of(task)
    if after == before:
        return
    areas = _area_ids(task.pk) if (before.status, before.light) != (after.status, after.light) else []
    delta = keys_of(after, areas)
    delta.subtract(keys_of(before, areas))
    apply(delta)


# --- many rows at once ----------------------------------------------------------------------------------


def _count(tasks: QuerySet[Task]) -> Counter[Key]:
    """The keys of `tasks` counted in SQL (four GROUP BY queries)."""
    counted: Counter[Key] = Counter()
    plain = tasks.order_by()
    through = tasks.model.priority_areas.through
    for unit, status, light, n in plain.values_list("lead_unit_id", "status", "light").annotate(n=Count("id")):
        counted[Key(Kind.UNIT, unit_id=unit, status=status, light=light)] += n
    links = through.objects.filter(task__in=plain.values("pk")).order_by()
    for area, status, light, n in links.values_list("priorityarea_id", "task__status", "task__light").annotate(n=Count("id")):
        counted[Key(Kind.AREA, area_id=area, status=status, light=light)] += n
    for day, status, n in (plain.filter(deadline__isnull=False).values_list("deadline", "status")
                           .annotate(n=Count("id"))):
        counted[Key(Kind.DEADLINE, day=day, status=status)] += n
    for day, n in (plain.filter(completed_at__isnull=False)
                   .annotate(day=TruncDate("completed_at", tzinfo=_zone())).values_list("day")
                   .annotate(n=Count("id"))):
        counted[Key(Kind.COMPLETED, day=day)] += n
    return counted


def count_added(task_ids: Iterable[int]) -> None:
    """Count tasks (with their priority areas) that were inserted in bulk, bypassing save()."""
    ids = list(task_ids)
    for start in range(0, len(ids), 5000):
        apply(_count(Task.objects.filter(pk__in=ids[start:start + 5000])))


def count_removed(task_ids: Iterable[int]) -> None:
    """Take away the counts of tasks about to be deleted."""
    ids = list(task_ids)
    for start in range(0, len(ids), 5000):
        delta: Counter[Key] = Counter()
        delta.subtract(_count(Task.objects.filter(pk__in=ids[start:start + 5000])))
        apply(delta)


def count_new(tasks: Iterable[tuple[State, Iterable[int]]]) -> None:
    """Count tasks a bulk writer has just inserted, bypassing save(), from what it holds in
    memory: (state, priority area ids) per task. One upsert per key, no query of the tasks."""
    delta: Counter[Key] = Counter()
    for state, areas in tasks:
        delta.update(keys_of(state, areas))
    apply(delta)


def _lock_counts() -> None:
    """Make writers wait while the counts are recounted (SQLite serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(TaskCount._meta.db_table)} IN EXCLUSIVE MODE")


@transaction.atomic
def rebuild(task_model: type[Task] = Task, count_model: type[TaskCount] = TaskCount) -> int:
    """Recount everything from the tasks table; returns the number of stored rows. (The
    migration that creates the table passes its historical models.)"""
    _lock_counts()
    count_model.objects.all().delete()
    rows = [count_model(key=key.text, kind=key.kind, unit_id=key.unit_id, area_id=key.area_id, day=key.day,
                        status=key.status, light=key.light, n=n)
            for key, n in sorted(_count(task_model.objects.all()).items(), key=lambda item: item[0].text) if n]
    count_model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def drift() -> dict[str, tuple[int, int]]:
    """Keys whose stored count differs from a full recount: {key: (stored, actual)}."""
    actual = {key.text: n for key, n in _count(Task.objects.all()).items() if n}
    stored = {key: n for key, n in TaskCount.objects.values_list("key", "n") if n}
    return {key: (stored.get(key, 0), actual.get(key, 0))
            for key in stored.keys() | actual.keys() if stored.get(key, 0) != actual.get(key, 0)}


def mend() -> int:
    """Heal counts that went wrong (a row written past the upkeep, such as a raw UPDATE):
    compare them with a recount read from one snapshot, which takes no lock, and rebuild only
    when they differ. Returns the number of keys that were wrong (0, the usual case: then no
    writer waited). The daily lights pass calls it."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:  # counts and tasks read at one moment
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            wrong = drift()
    else:
        wrong = drift()
    if wrong:
        logger.warning("task counts had drifted on %s keys; recounted", len(wrong))
        rebuild()
    return len(wrong)


# --- reading: the one count -------------------------------------------------------------------------

LIGHTS = ("red", "amber", "green")


@dataclass(frozen=True)
class Counts:
    """How many tasks, by status and light: `total`, the lit ones by light (`red`, `amber`,
    `green`), `unlit` (drafts, suspended, completed, cancelled: no light), and any status's
    count (`of_status("completed")`). Built from (status, light, n) rows, stored or live."""

    cells: dict[tuple[str, str], int] = field(default_factory=dict)  # (status, light) → n

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, int | None]]) -> Counts:
        cells: dict[tuple[str, str], int] = {}
        for status, light, n in rows:
            if n:
                cells[(status, light or "")] = cells.get((status, light or ""), 0) + n
        return cls(cells)

    def __add__(self, other: Counts) -> Counts:
        return Counts.of([*((s, li, n) for (s, li), n in self.cells.items()),
                          *((s, li, n) for (s, li), n in other.cells.items())])

    def _light(self, light: str) -> int:
        """The tasks of `light` (a lit status and that light), or without one ("": an unlit
        status; the status decides, so a stale stored light cannot make a finished task red)."""
        if not light:
            return sum(n for (status, _shown), n in self.cells.items() if status not in LIT)
        return sum(n for (status, shown), n in self.cells.items() if shown == light and status in LIT)

    @property
    def red(self) -> int:
        return self._light("red")

    @property
    def amber(self) -> int:
        return self._light("amber")

    @property
    def green(self) -> int:
        return self._light("green")

    @property
    def unlit(self) -> int:
        return self._light("")

    @property
    def lit(self) -> int:
        """The tasks with a light: the working ones (lifecycle.LIT)."""
        return self.red + self.amber + self.green

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def lights(self) -> dict[str, int]:
        return {light: self._light(light) for light in LIGHTS}

    def of_status(self, *statuses: str) -> int:
        return sum(n for (status, _light), n in self.cells.items() if status in statuses)


def _stored_sums(kind: str, area_id: int | None, path: str, statuses: list[str], light: str) -> Counts:
    """The stored counts of `kind` (in an area, for units under a path), by status and light."""
    rows = TaskCount.objects.filter(kind=kind)
    if area_id:
        rows = rows.filter(area_id=area_id)
    if path:
        rows = rows.filter(unit__path__startswith=path)
    return Counts.of(_in_state(rows, statuses, light).order_by().values_list("status", "light").annotate(total=Sum("n")))


STORED_KINDS = {TaskCount.Kind.UNIT, TaskCount.Kind.AREA}


def _in_state(rows: QuerySet[Any], statuses: list[str], light: str) -> QuerySet[Any]:
    """Tasks, or stored counts, in one of `statuses` and of `light` (either empty: any)."""
    if statuses:
        rows = rows.filter(status__in=statuses)
    return rows.filter(light=light) if light else rows


def _scope_of(reader: User | ReadScope) -> ReadScope:
    return reader if isinstance(reader, ReadScope) else read_scope(reader)


def _wanted(scope: ReadScope, filters: LedgerQuery | None) -> tuple[list[str], str] | None:
    """(statuses to sum, [] for any; light) for the scope and filters, or None when the
    filters ask only for statuses the scope does not read."""
    named = filters.statuses if filters is not None else []
    if named:
        statuses = sorted(scope.statuses & set(named))
        if not statuses:
            return None
    else:
        statuses = [] if scope.all_statuses else sorted(scope.statuses)
    return statuses, filters.light if filters is not None else ""


def _stored_applies(filters: LedgerQuery | None) -> bool:
    """Are the filters among the stored counts' keys (lead unit or area, status, light)?"""
    return filters is None or filters.keyed_by_stored_counts


def _live(tasks: QuerySet[Task]) -> Counts:
    """One query: the tasks grouped by status and light."""
    return Counts.of(tasks.order_by().values_list("status", "light").annotate(n=Count("id", distinct=True)))


def light_counts(reader: User | ReadScope, filters: LedgerQuery | None = None) -> Counts:
    """How many of the tasks `reader` (a user, or a scope such as the portal's) may read pass
    `filters` (a ledger query: lead unit, status, light, area, meeting, deadlines, text), by
    status and light. Summed from the stored counts when the filters allow, for readers of
    every task and for liaisons (whose cooperating tasks are counted live); else counted live."""
    scope = _scope_of(reader)
    wanted = _wanted(scope, filters)
    if scope.nothing or wanted is None:
        return Counts()
    statuses, light = wanted
    unit = filters.unit if filters is not None else None
    area = filters.area if filters is not None else None
    if _stored_applies(filters) and not scope.public:
        if scope.everything and not (unit and area):
            return _stored_sums(TaskCount.Kind.AREA if area else TaskCount.Kind.UNIT,
                                area.pk if area else None, unit.path if unit else "", statuses, light)
        if not scope.everything and area is None:
            return _subtree_counts(scope, unit.path if unit else "", statuses, light)
    tasks = scope.tasks()
    return _live(filters.filter(tasks) if filters is not None else tasks)


def _subtree_counts(scope: ReadScope, unit_path: str, statuses: list[str], light: str) -> Counts:
    """A liaison's count: the tasks led in their subtree (narrowed to `unit_path`, when
    given) from the stored counts, the tasks they only cooperate on counted live."""
    own = scope.path
    # The led tasks that pass a unit filter are those led in the narrower of the two subtrees.
    led_in: str | None
    if not unit_path or own.startswith(unit_path):
        led_in = own  # the filter names the liaison's unit or one above it
    elif unit_path.startswith(own):
        led_in = unit_path  # a unit below the liaison's
    else:
        led_in = None  # elsewhere: only tasks they cooperate on
    led = Counts()
    if led_in is not None:
        led = _stored_sums(TaskCount.Kind.UNIT, None, led_in, statuses, light)
    if unit_path and unit_path.startswith(own):
        return led  # every task led there is led in the liaison's subtree: none only cooperated on
    mine = subtree_ids(own)
    others = Task.objects.filter(
        pk__in=Task.cooperating_units.through.objects.filter(unit__in=mine).values("task_id"),
    ).exclude(lead_unit__in=mine)
    if unit_path:
        others = others.filter(lead_unit__in=subtree_ids(unit_path))
    return led + _live(_in_state(others, statuses, light))


def light_counts_by(reader: User | ReadScope, *kinds: str, filters: LedgerQuery | None = None
                    ) -> dict[str, dict[int, Counts]]:
    """light_counts for each priority area (kind "area"; a task counts in each of its areas,
    so these may add up to more than the total), each lead unit (kind "unit") and/or each
    meeting its directive came from (kind "meeting"), for those with any task:
    {kind: {id: Counts}}. One query on the stored counts for readers of every task (units and
    areas at once); one live query per kind otherwise (always for meetings)."""
    scope = _scope_of(reader)
    wanted = _wanted(scope, filters)
    found: dict[str, dict[int, list[tuple[str, str, int]]]] = {kind: {} for kind in kinds}
    if scope.nothing or wanted is None:
        return {kind: {} for kind in kinds}
    statuses, light = wanted
    rows: list[tuple[str, int, str, str, int]] = []
    if (scope.everything and not scope.public and _stored_applies(filters) and set(kinds) <= STORED_KINDS
            and (filters is None or (filters.unit is None and filters.area is None))):
        stored = (_in_state(TaskCount.objects.filter(kind__in=kinds), statuses, light).order_by()
                  .values_list("kind", "area_id", "unit_id", "status", "light").annotate(total=Sum("n")))
        for kind, area_id, unit_id, status, shown, n in stored:
            rows.append((kind, area_id if kind == TaskCount.Kind.AREA else unit_id, status, shown, n))
    else:
        tasks = scope.tasks()
        tasks = filters.filter(tasks) if filters is not None else tasks
        for kind in kinds:
            grouped: QuerySet[Any, Any]  # rows (key, status, light, n) of one of two tables
            if kind == TaskCount.Kind.AREA:
                through = Task.priority_areas.through
                grouped = (through.objects.filter(task__in=tasks.values("pk")).order_by()
                           .values_list("priorityarea_id", "task__status", "task__light").annotate(n=Count("id")))
            else:
                column = "lead_unit_id" if kind == TaskCount.Kind.UNIT else "directive__meeting_id"
                grouped = (tasks.order_by().values_list(column, "status", "light")
                           .annotate(n=Count("id", distinct=True)))
            rows += [(kind, key, status, shown, n) for key, status, shown, n in grouped]
    for kind, key, status, shown, n in rows:
        if n:
            found[kind].setdefault(key, []).append((status, shown, n))
    return {kind: {key: Counts.of(cells) for key, cells in by_key.items()} for kind, by_key in found.items()}

