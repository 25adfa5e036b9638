"""Moving every task's light with the clock (`luoshi lights`, the daily pass) without making
writers wait.

The lights change with the date even when nobody writes, so once a day every task's light
and reason are recomputed (luoshi/tasks/lights.py has the rules). At a province's scale that
is 10⁶ tasks, while people keep writing. So:

- The tasks are read in id order, `READ_BATCH` at a time, with no lock and no transaction
  held between batches (a keyset walk: memory stays bounded at any size).
- Only the rows whose light or reason changes are written, `WRITE_BATCH` at a time, each
  batch in its own short transaction: its rows are re-read under `FOR UPDATE SKIP LOCKED`
  (a task a writer holds is skipped, not waited for: the writer sets its light itself when
  it saves, lights.set_light), recomputed from what is stored now, rewritten with one
  `UPDATE … FROM (VALUES …)`, and their dashboard counts moved by the light's change
  (counts.apply, which upserts the few TaskCount rows in key order) in the same transaction.
- No table lock: the old pass recounted every TaskCount under `LOCK TABLE … IN EXCLUSIVE
  MODE`, and every task write in the province waited for it. A writer now waits at most for
  one write batch that holds the same TaskCount row (milliseconds).

Busy tasks (held by a writer) are tried once more at the end, and counted in the result if
still held; the next pass, or their writer, sets them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate

from luoshi import lib
from luoshi.tasks import counts, lights
from luoshi.tasks.lifecycle import LIT
from luoshi.tasks.models import Task, TaskCount

READ_BATCH = 5000
WRITE_BATCH = 1000
# How long a write batch waits for a TaskCount row a writer holds before it gives way.
LOCK_WAIT_MS = 50

# What the light depends on, as the database gives it: dates in TIME_ZONE (facts_of's localdate).
_FACT_COLUMNS = ("status", "progress", "deadline", "assigned_on", "blocked", "cadence", "last_report_on")
_LIGHT_COLUMNS = ("light", "light_rule", "light_amount")

Light = tuple[str, str, int | None]


@dataclass
class Relit:
    """What one pass did: `changed` lights (the colour moved), `rewritten` rows (colour or
    reason), `busy` tasks left to their writer, how many tasks were `read`, and `seconds`."""

    changed: int = 0
    rewritten: int = 0
    busy: int = 0
    read: int = 0
    seconds: float = 0.0


def _rows(ids: Iterable[int] | None = None, after: int = 0) -> tuple[tuple[str, ...], QuerySet[Task]]:
    zone = ZoneInfo(settings.TIME_ZONE)
    tasks = Task.objects.annotate(assigned_on=TruncDate("assigned_at", tzinfo=zone),
                                  last_report_on=TruncDate("last_report_at", tzinfo=zone))
    # Every lit task, and any unlit one that still shows a light.
    tasks = tasks.filter(Q(status__in=LIT) | ~Q(light=Task.Light.NONE))
    if ids is not None:
        tasks = tasks.filter(pk__in=list(ids))
    else:
        tasks = tasks.filter(pk__gt=after)
    return ("pk", "lead_unit_id", *_FACT_COLUMNS, *_LIGHT_COLUMNS, "assigned_at", "last_report_at",
            "next_milestone_due", "indicator_lag", "indicator_lag_name"), tasks.order_by("pk")


def _wanted(row: tuple, today: dt.date, rules: lights.LightRules) -> Light:
    """The light, rule and amount the row should store (row: pk, lead unit, facts…, light…)."""
    status = row[2]
    if status not in LIT:
        return (Task.Light.NONE, "", None)
    facts = lights.TaskFacts(status=row[2], progress=row[3], deadline=row[4], assigned_on=row[5], blocked=row[6],
                             cadence=row[7], last_report_on=row[8], next_milestone_due=row[14],
                             indicator_lag=row[15], indicator_name=row[16])
    reason = lights.explain(facts, today, rules)
    return (reason.light.value, reason.rule, reason.amount)


def _update(changes: list[tuple[int, Light]]) -> None:
    """One UPDATE … FROM (VALUES …) for the batch (PostgreSQL and SQLite ≥ 3.33 both name the
    columns of an unnamed VALUES list column1, column2…)."""
    table = connection.ops.quote_name(Task._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(changes))
    sql = (f"UPDATE {table} SET light = v.column2, light_rule = v.column3, "  # nosec B608 # the model's table; values are parameters
           f"light_amount = CAST(v.column4 AS integer) FROM (VALUES {values}) AS v "
           f"WHERE {table}.id = v.column1")
    params: list[Any] = []
    for pk, (light, rule, amount) in changes:
        params += [pk, light, rule, amount]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _area_links(ids: list[int]) -> dict[int, list[int]]:
    through = Task.priority_areas.through
    found: dict[int, list[int]] = {}
    for task, area in through.objects.filter(task_id__in=ids).values_list("task_id", "priorityarea_id"):
        found.setdefault(task, []).append(area)
    return found


def _try_again(error: OperationalError, attempt: int) -> bool:
    """After a batch failed on a lock: True to try it again now (a deadlock with a writer that
    locks two tasks, at most twice), False to give way to the writer and try it again at the
    end (lock_timeout); anything else is raised."""
    state = getattr(error.__cause__, "sqlstate", None)
    if state == "55P03":
        return False
    if state == "40P01" and attempt < 2:
        time.sleep(0.05 * (attempt + 1))
        return True
    raise error


def _write(ids: list[int], today: dt.date, rules: lights.LightRules, result: Relit) -> list[int]:
    """Re-read `ids` under lock (skipping rows a writer holds), recompute, rewrite what changed
    and move the counts, in one short transaction. Returns the ids left for later: those a
    writer holds, or all of them when a TaskCount row stayed held for longer than LOCK_WAIT_MS
    (a writer's open transaction: the batch gives way and releases its task rows at once)."""
    own = not connection.in_atomic_block  # a caller's transaction keeps its own settings
    for attempt in range(3):
        try:
            with transaction.atomic():
                if own and connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_WAIT_MS)}ms'")
                changed, rewritten, busy = _write_once(ids, today, rules)
        except OperationalError as error:
            if _try_again(error, attempt):
                continue
            return ids
        result.changed += changed
        result.rewritten += rewritten
        return busy
    return ids


def _write_once(ids: list[int], today: dt.date, rules: lights.LightRules) -> tuple[int, int, list[int]]:
    names, tasks = _rows(ids)
    skip = connection.features.has_select_for_update_skip_locked
    rows = list(tasks.select_for_update(skip_locked=skip, of=("self",)).values_list(*names))
    seen = {row[0] for row in rows}
    changes: list[tuple[int, Light]] = []
    moved: list[tuple[int, int, str, str, str]] = []  # pk, lead unit, status, old light, new light
    for row in rows:
        new = _wanted(row, today, rules)
        old = row[9:12]
        if new != tuple(old):
            changes.append((row[0], new))
            if new[0] != old[0]:
                moved.append((row[0], row[1], row[2], old[0], new[0]))
    if changes:
        _update(changes)
    _move_counts(moved)
    busy = _still_candidates(ids, seen)
    return len(moved), len(changes), [pk for pk in ids if pk in busy]


# PostgreSQL: the batch in one statement with fourteen array parameters (quoting thousands of
# single parameters cost more than the update). A row is rewritten only when it is not held by
# a writer (SKIP LOCKED) and still has the facts and light it was read with; the others are
# tried again at the end.
_PG_WRITE = """
WITH v AS (
    SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::integer[], %s::date[], %s::timestamptz[], %s::boolean[],
                         %s::varchar[], %s::timestamptz[], %s::date[], %s::varchar[], %s::varchar[], %s::varchar[],
                         %s::integer[], %s::integer[])
        AS v(id, status, progress, deadline, assigned_at, blocked, cadence, last_report_at, next_milestone_due,
             old_light, light, rule, amount, indicator_lag)
), locked AS (
    SELECT t.id FROM {table} t JOIN v ON v.id = t.id
    WHERE t.status = v.status AND t.progress = v.progress AND t.deadline IS NOT DISTINCT FROM v.deadline
      AND t.assigned_at IS NOT DISTINCT FROM v.assigned_at AND t.blocked = v.blocked AND t.cadence = v.cadence
      AND t.last_report_at IS NOT DISTINCT FROM v.last_report_at
      AND t.next_milestone_due IS NOT DISTINCT FROM v.next_milestone_due
      AND t.indicator_lag IS NOT DISTINCT FROM v.indicator_lag AND t.light = v.old_light
    ORDER BY t.id
    FOR UPDATE OF t SKIP LOCKED
)
UPDATE {table} t SET light = v.light, light_rule = v.rule, light_amount = v.amount
FROM v JOIN locked ON locked.id = v.id
WHERE t.id = v.id
RETURNING t.id, t.lead_unit_id, t.status, v.old_light, v.light
"""


def _write_pg(rows: list[tuple], wanted: list[Light], result: Relit) -> list[tuple]:
    """Rewrite `rows` (as read) with their `wanted` lights in one short transaction, moving the
    counts; returns the rows left for later (held by a writer, changed since the read, or all
    of them when a TaskCount row stayed held longer than LOCK_WAIT_MS)."""
    columns: list[list[object]] = [[] for _ in range(14)]
    for row, new in zip(rows, wanted, strict=True):
        values = (row[0], row[2], row[3], row[4], row[12], row[6], row[7], row[13], row[14], row[9], *new, row[15])
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    own = not connection.in_atomic_block  # a caller's transaction keeps its own settings
    for attempt in range(3):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    if own:
                        cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_WAIT_MS)}ms'")
                    cursor.execute(_PG_WRITE.format(table=connection.ops.quote_name(Task._meta.db_table)), columns)
                    written = cursor.fetchall()
                moved = [(pk, unit, status, old, new) for pk, unit, status, old, new in written if old != new]
                _move_counts(moved)
        except OperationalError as error:
            if _try_again(error, attempt):
                continue
            return rows
        result.changed += len(moved)
        result.rewritten += len(written)
        done = {pk for pk, *_rest in written}
        return [row for row in rows if row[0] not in done]
    return rows


def _move_counts(moved: list[tuple[int, int, str, str, str]]) -> None:
    """Move the dashboard counts of tasks whose light changed: (pk, lead unit, status, old, new)."""
    if not moved:
        return
    delta: Counter[counts.Key] = Counter()
    areas = _area_links([pk for pk, *_rest in moved])
    for pk, unit, status, old_light, new_light in moved:
        delta[counts.Key(TaskCount.Kind.UNIT, unit_id=unit, status=status, light=old_light)] -= 1
        delta[counts.Key(TaskCount.Kind.UNIT, unit_id=unit, status=status, light=new_light)] += 1
        for area in areas.get(pk, ()):
            delta[counts.Key(TaskCount.Kind.AREA, area_id=area, status=status, light=old_light)] -= 1
            delta[counts.Key(TaskCount.Kind.AREA, area_id=area, status=status, light=new_light)] += 1
    counts.apply(delta)


def _still_candidates(ids: list[int], seen: set[int]) -> set[int]:
    """Of the ids the locked read did not return, those that still exist and still need a look
    (held by a writer), as opposed to rows that left the candidates (deleted, or closed and unlit)."""
    missing = [pk for pk in ids if pk not in seen]
    if not missing:
        return set()
    _names, tasks = _rows(missing)
    return set(tasks.values_list("pk", flat=True))


def refresh(today: dt.date | None = None, *, progress: Callable[[int, int], None] | None = None) -> Relit:
    """Recompute every lit task's light and reason, and clear any light left on a task whose
    status has none (see the module's docstring for how writers are spared)."""
    started = time.monotonic()
    today = today or lib.today()
    rules = lights.LightRules.from_settings()
    result = Relit()
    total = _rows()[1].count() if progress else 0
    busy: list[int] = []
    later: list[tuple] = []
    after = 0
    while True:
        names, tasks = _rows(after=after)
        # Read first, write after: SQLite gives no isolation between a cursor and writes on its connection.
        batch = list(tasks.values_list(*names)[:READ_BATCH])
        if not batch:
            break
        after = batch[-1][0]
        result.read += len(batch)
        if connection.vendor == "postgresql":
            stale = [(row, new) for row in batch if (new := _wanted(row, today, rules)) != tuple(row[9:12])]
            for start in range(0, len(stale), WRITE_BATCH):
                part = stale[start:start + WRITE_BATCH]
                later += _write_pg([row for row, _new in part], [new for _row, new in part], result)
        else:
            ids = [row[0] for row in batch if _wanted(row, today, rules) != tuple(row[9:12])]
            for start in range(0, len(ids), WRITE_BATCH):
                busy += _write(ids[start:start + WRITE_BATCH], today, rules, result)
        if progress:
            progress(result.read, total)
    if later:  # the writers have probably finished by now: read these again, as they are now
        busy = [row[0] for row in later]
    if busy:
        still: list[int] = []
        for start in range(0, len(busy), WRITE_BATCH):
            still += _write(busy[start:start + WRITE_BATCH], today, rules, result)
        result.busy = len(still)
    result.seconds = time.monotonic() - started
    return result
