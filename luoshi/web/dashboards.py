"""The queries behind each role's home page, kept apart from the views so that they can be
tested and benchmarked alone.

Every function runs a fixed number of queries whatever the number of tasks: lists are
sliced, related rows come through select_related, and "how many in all" rides along on the
list query as a window count. For the users who read every task (supervision officers,
leaders) the counts come from the stored TaskCount rows (luoshi/tasks/counts.py), exact at
every commit, so the page does not count the tasks table; a liaison's counts are aggregated
over their own unit's tasks.
Dashboards count *working* tasks (assigned, signed, in progress, completion requested), the
ones with a light: drafts are not yet anyone's work; completed, cancelled and suspended tasks
are never at risk. Every count comes from luoshi/tasks/counts.py (light_counts), as the
ledger's do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.checks.marks import marked_first
from luoshi.checks.stocktake import RepeatedTask, repeatedly_demanded
from luoshi.meetings.models import Meeting, PriorityArea
from luoshi.meetings.services import directive_count
from luoshi.tasks import lights
from luoshi.tasks.counts import Counts, light_counts, light_counts_by
from luoshi.tasks.ledger import LedgerQuery
from luoshi.tasks.lifecycle import TRANSITIONS, WORKING, Action, Status
from luoshi.tasks.models import ProgressReport, Task, TaskCount, Urge
from luoshi.tasks.permissions import read_scope, visible_tasks
from luoshi.tasks.services import facts_of
from luoshi.units.models import Unit, subtree_ids

LIGHTS = ("red", "amber", "green")
WORKING_STATUSES = sorted(WORKING)
REPORTABLE = sorted(TRANSITIONS[Action.REPORT])  # the statuses a progress report can be sent from
CHART_WEEKS = 26
TOP_UNITS = 10
LIST_LIMIT = 10
REPORT_DUE_WITHIN_DAYS = 3
URGE_WINDOW_DAYS = 30
STOCKTAKE_PER_AREA = 12
# Pending reports are counted up to this many; beyond, the page says "1000+" (counting a
# backlog of a hundred thousand would make every visit pay for it).
PENDING_COUNT_CAP = 1000
TOP_RISKS = 8
UNIT_TASKS = 50  # the liaison's list of their units' work

def _most_severe(working: QuerySet[Task] | Callable[[str, int], list[Task]], counts: Any, limit: int) -> list[Task]:
    """The first `limit` of `working` (ordered by deadline, undated last, and id) taking red,
    then amber, then green: `counts` (an AreaRow or Counts) says how many of each light there
    are, so each light that can contribute costs one query that stops at what it needs.
    (Ranked by severity in one query, or counted by a window, every working task in scope was
    sorted first; bench/FIGURES.md.)
    `working` may also be a function (light, n) → the first n tasks of that light."""
    take = working if callable(working) else lambda light, need: list(working.filter(light=light)[:need])
    found: list[Task] = []
    for light in LIGHTS:
        need = min(limit - len(found), getattr(counts, light))
        if need > 0:
            found += take(light, need)
    return found


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- supervision officer ------------------------------------------------------------------


@dataclass
class AreaRow:
    area: PriorityArea | None  # None: the tasks of no priority area
    red: int
    amber: int
    green: int

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green


Lights = dict[int, dict[str, int]]  # owner id → {"red": n, "amber": n, "green": n}




def working_lights(user: User) -> tuple[Lights, Lights]:
    """Working tasks (those with a light) by lead unit and light, and by priority area and
    light, for the units and areas that have any: counts.light_counts_by, one grouped query
    on the stored counts for a reader of every task."""
    found = light_counts_by(user, TaskCount.Kind.UNIT, TaskCount.Kind.AREA)

    def lit(by_key: dict[int, Counts]) -> Lights:
        return {key: counts.lights for key, counts in by_key.items() if counts.lit}

    return lit(found[TaskCount.Kind.UNIT]), lit(found[TaskCount.Kind.AREA])


def area_rows(counts: Lights) -> list[AreaRow]:
    """One row per area with working tasks, by code. The areas are built from their names:
    they are shown, not saved."""
    areas = PriorityArea.objects.filter(pk__in=counts).values_list("pk", "code", "name_zh", "name_en").order_by("code")
    return [AreaRow(PriorityArea(id=pk, code=code, name_zh=name_zh, name_en=name_en), **counts[pk])
            for pk, code, name_zh, name_en in areas]


def top_units(counts: Lights, limit: int = TOP_UNITS) -> list[Unit]:
    """The units leading the most red, then amber, working tasks (then by path), each with
    `red`, `amber` and `green` set, built from their names to be shown."""
    if not counts:
        return []
    rows = Unit.objects.filter(pk__in=counts).values_list("pk", "code", "name_zh", "name_en", "path")
    ranked = sorted(rows, key=lambda row: (-counts[row[0]]["red"], -counts[row[0]]["amber"], row[4]))[:limit]
    units = []
    for pk, code, name_zh, name_en, path in ranked:
        unit = Unit(id=pk, code=code, name_zh=name_zh, name_en=name_en, path=path)
        for light, n in counts[pk].items():
            setattr(unit, light, n)
        units.append(unit)
    return units


def _unit_name(relation: str) -> tuple[str, ...]:
    """What str(unit) needs of a unit joined through `relation`."""
    return (f"{relation}__code", f"{relation}__name_zh", f"{relation}__name_en")


def _sum(**filters: Any) -> Coalesce:
    return Coalesce(Sum("n", filter=Q(**filters)), 0)


@dataclass
class SupervisorDashboard:
    today: dt.date
    lights: dict[str, int]
    due_soon: int
    overdue: int
    completed: int
    completion_requested: int
    areas: list[AreaRow]
    units: list[Unit]
    pending_reports: list[ProgressReport]
    pending_report_count: int
    completion_requests: list[Task]
    weeks: list[dict[str, Any]] = field(default_factory=list)
    pending_capped: bool = False  # more than pending_report_count reports wait

    @property
    def pending_report_label(self) -> str:
        return f"{self.pending_report_count}+" if self.pending_capped else str(self.pending_report_count)

    @property
    def awaiting_review_label(self) -> str:
        return f"{self.awaiting_review}+" if self.pending_capped else str(self.awaiting_review)

    @property
    def open_total(self) -> int:
        return sum(self.lights.values())

    @property
    def awaiting_review(self) -> int:
        return self.pending_report_count + self.completion_requested

    def chart_data(self) -> dict[str, Any]:
        """What charts.js needs, plain JSON."""
        return {
            "completion": {
                "weeks": [w["start"].isoformat() for w in self.weeks],
                "completed": [w["completed"] for w in self.weeks],
                "cumulative": [w["cumulative"] for w in self.weeks],
            },
            "areas": {
                "names": [str(row.area) for row in self.areas],
                "red": [row.red for row in self.areas],
                "amber": [row.amber for row in self.areas],
                "green": [row.green for row in self.areas],
            },
        }


def completion_weeks(today: dt.date, completed_before: int, weeks: int = CHART_WEEKS) -> list[dict[str, Any]]:
    """Tasks completed in each of the last `weeks` weeks (Monday to Sunday), with the running
    total counted from `completed_before`, the tasks completed before the first week (one
    query on the stored counts per completion day)."""
    first = _week_start(today) - dt.timedelta(weeks=weeks - 1)
    counts: dict[dt.date, int] = {}
    for day, n in TaskCount.objects.filter(kind=TaskCount.Kind.COMPLETED, day__gte=first).values_list("day", "n"):
        if day is None:  # day__gte leaves out the rows without a day
            continue
        counts[_week_start(day)] = counts.get(_week_start(day), 0) + n
    result, running = [], completed_before
    for i in range(weeks):
        start = first + dt.timedelta(weeks=i)
        running += counts.get(start, 0)
        result.append({"start": start, "completed": counts.get(start, 0), "cumulative": running})
    return result


def supervisor_dashboard(user: User, today: dt.date | None = None) -> SupervisorDashboard:
    """Counts by light, area and unit, what waits for review, and completions over time.

    Only for users who read every task: the counts are the stored, province-wide ones."""
    if not user.reads_everything:
        raise PermissionError("the supervision dashboard counts every task")
    today = today or lib.today()
    first_week = _week_start(today) - dt.timedelta(weeks=CHART_WEEKS - 1)
    # Every task by status and light (the one count, a few dozen stored rows), then the sums by
    # day: two plain queries cost less to build than one with a filtered sum for each number.
    counts = light_counts(user)
    deadline, working = TaskCount.Kind.DEADLINE, {"status__in": WORKING_STATUSES}
    totals = TaskCount.objects.aggregate(
        due_soon=_sum(kind=deadline, day__gte=today, day__lte=today + dt.timedelta(days=6), **working),
        overdue=_sum(kind=deadline, day__lt=today, **working),
        completed_before=_sum(kind=TaskCount.Kind.COMPLETED, day__lt=first_week),
    )
    totals.update(counts.lights)
    for status in (Status.COMPLETED, Status.COMPLETION_REQUESTED):
        totals[str(status)] = counts.of_status(status)
    by_unit, by_area = working_lights(user)
    # How many reports wait, up to the cap, then the oldest few with their tasks. Every task is
    # visible to this user, so the reports need no join to be filtered.
    # The oldest pending reports' ids come off the partial index alone. (Counted by a window over
    # the joined rows, the database joined all 1,001 to their tasks first: 23 ms at 10⁶ tasks.)
    oldest = list(ProgressReport.objects.filter(outcome=ProgressReport.Outcome.PENDING, asks_completion=False)
                  .order_by("submitted_at", "id").values_list("pk", flat=True)[:PENDING_COUNT_CAP + 1])
    pending_count = len(oldest)
    # The lists read only the columns they show. The reports come in the order of `oldest`.
    shown = ProgressReport.objects.select_related("task__directive", "unit").only(
        "progress", "submitted_at", "text", "task_id", "unit_id", "task__title", "task__description",
        "task__directive__text", *_unit_name("unit")).in_bulk(oldest[:LIST_LIMIT])
    # The checks' marks put the reports that need a closer look first, with their reasons.
    pending = [shown[pk] for pk in oldest[:LIST_LIMIT] if pk in shown]
    pending = marked_first(pending, tasks={report.task_id: report.task for report in pending})
    requests = list(Task.objects.filter(status=Status.COMPLETION_REQUESTED).select_related("lead_unit")
                    .only("title", "updated_at", *_unit_name("lead_unit")).order_by("updated_at", "id")[:LIST_LIMIT])
    return SupervisorDashboard(
        today=today,
        lights={light: totals[light] for light in LIGHTS},
        due_soon=totals["due_soon"], overdue=totals["overdue"], completed=totals["completed"],
        completion_requested=totals["completion_requested"],
        areas=area_rows(by_area), units=top_units(by_unit),
        pending_reports=pending, pending_report_count=min(pending_count, PENDING_COUNT_CAP),
        pending_capped=pending_count > PENDING_COUNT_CAP,
        completion_requests=requests,
        weeks=completion_weeks(today, totals["completed_before"]),
    )


# --- unit liaison -----------------------------------------------------------------------


@dataclass
class ReportDue:
    task: Task
    due: dt.date
    missing: bool

    @property
    def days(self) -> int:
        """Days until the report is due (negative when late)."""
        return (self.due - lib.today()).days


@dataclass
class LiaisonInbox:
    unit: Unit | None
    lights: dict[str, int]
    to_sign: list[Task]
    to_sign_count: int
    reports_due: list[ReportDue]
    returned: list[ProgressReport]
    urges: list[Urge]
    tasks: list[Task]
    task_count: int

    @property
    def open_total(self) -> int:
        return sum(self.lights.values())


def _report_candidates(tasks: QuerySet[Task], today: dt.date) -> QuerySet[Task]:
    """Tasks whose next cadence report may fall due within the window: a generous SQL
    prefilter (a few days' margin); luoshi.tasks.lights decides exactly."""
    horizon = today + dt.timedelta(days=REPORT_DUE_WITHIN_DAYS + 3)
    cutoffs = {
        Task.Cadence.DAILY: horizon - dt.timedelta(days=1),
        Task.Cadence.WEEKLY: horizon - dt.timedelta(days=7),
        Task.Cadence.MONTHLY: lights.add_months(horizon, -1),
        Task.Cadence.QUARTERLY: lights.add_months(horizon, -3),
    }
    due = Q()
    for cadence, cutoff in cutoffs.items():
        due |= Q(cadence=cadence, since__lt=_day_start(cutoff + dt.timedelta(days=1)))
    return (
        tasks.filter(status__in=REPORTABLE).exclude(cadence="")
        .annotate(since=Coalesce("last_report_at", "assigned_at")).filter(due)
    )


def liaison_inbox(user: User, today: dt.date | None = None) -> LiaisonInbox:
    """What a unit liaison has to act on, then the work of their unit and its sub-units."""
    today = today or lib.today()
    unit = user.unit
    if unit is None:
        return LiaisonInbox(None, dict.fromkeys(LIGHTS, 0), [], 0, [], [], [], [], 0)
    tasks = visible_tasks(user)
    mine = subtree_ids(unit.path)
    # What their units lead, in the statuses they read: a part of what they may read, asked
    # without the read scope's "or cooperating" (with it, PostgreSQL walked every task by
    # deadline looking for the few to sign: 40 ms at 10⁵ tasks).
    led = Task.objects.filter(lead_unit__in=mine, status__in=sorted(read_scope(user).statuses))
    counts = light_counts(user)  # the working tasks are the lit ones
    to_sign_count = light_counts(user, LedgerQuery(unit=unit, status=Status.ASSIGNED)).total
    to_sign = list(led.filter(status=Status.ASSIGNED).select_related("lead_unit").order_by("deadline", "id")[:LIST_LIMIT])
    rules = lights.LightRules.from_settings()
    reports_due = []
    for task in _report_candidates(led, today).select_related("lead_unit").order_by("since", "id")[:50]:
        facts = facts_of(task)
        due = lights.next_report_due(facts)
        missing = lights.report_missing(facts, today, rules)
        if due is not None and (missing or (due - today).days <= REPORT_DUE_WITHIN_DAYS):
            reports_due.append(ReportDue(task, due, missing))
    reports_due.sort(key=lambda item: item.due)
    # Reports returned to the liaison's units, or on the tasks they lead, that are still to
    # answer (nothing was reported on the task since): asked as two questions, each of which
    # an index answers, rather than one with an OR across tables that read every returned report.
    returned_reports = (
        ProgressReport.objects.filter(outcome=ProgressReport.Outcome.RETURNED, task__status__in=WORKING_STATUSES)
        .filter(Q(task__last_report_at__isnull=True) | Q(task__last_report_at__lte=F("reviewed_at")))
        .select_related("task", "unit").order_by("-reviewed_at", "-id")
    )
    found = {report.pk: report for where in (Q(unit__in=mine), Q(task__lead_unit__in=mine))
             for report in returned_reports.filter(where)[:LIST_LIMIT]}
    returned = sorted(found.values(), key=lambda report: (report.reviewed_at, report.pk), reverse=True)[:LIST_LIMIT]
    # The latest urges' ids off the (to_unit, created_at) index, then those few with their
    # tasks: joined first, every urge of the month was read with its task before the sort.
    # (A LIMIT in a subquery: PostgreSQL and SQLite take it, and run it first.)
    latest_urges = Urge.objects.filter(
        to_unit__in=mine, created_at__gte=lib.now() - dt.timedelta(days=URGE_WINDOW_DAYS),
    ).order_by("-created_at", "-id").values("pk")[:LIST_LIMIT]
    urges = list(Urge.objects.filter(pk__in=latest_urges).select_related("task", "to_unit")
                 .order_by("-created_at", "-id"))
    working = (tasks.filter(status__in=WORKING_STATUSES).select_related("lead_unit")
               .order_by(F("deadline").asc(nulls_last=True), "id"))
    unit_tasks = _most_severe(working, counts, UNIT_TASKS)
    for task in unit_tasks:
        task.is_lead = task.lead_unit.is_within(unit)  # type: ignore[attr-defined]  # a flag for the template; Task has no such field
    return LiaisonInbox(
        unit=unit, lights={light: getattr(counts, light) for light in LIGHTS},
        to_sign=to_sign, to_sign_count=to_sign_count, reports_due=reports_due[:LIST_LIMIT],
        returned=returned, urges=urges, tasks=unit_tasks, task_count=counts.lit,
    )


# --- leader ---------------------------------------------------------------------------------


@dataclass
class Trajectory:
    task: Task
    expected: float | None
    days_overdue: int

    @property
    def gap(self) -> float:
        """How far progress is behind the straight line (0 when ahead or undated)."""
        return max(0.0, (self.expected or 0.0) - self.task.progress)

    @property
    def expected_rounded(self) -> int | None:
        return None if self.expected is None else round(self.expected)


# What a trajectory row shows and computes (facts_of): a task's description need not travel.
TRAJECTORY_COLUMNS = ("title", "light", "light_rule", "light_amount", "deadline", "progress", "status",
                      "assigned_at", "blocked", "cadence", "last_report_at", "next_milestone_due", "indicator_lag",
                      "indicator_lag_name")


def most_severe(area_id: int | None, light: str, need: int, within: QuerySet[Task] | None = None) -> list[Task]:
    """The first `need` working tasks of a light (in an area; of `within`), by deadline. The
    stocktake is for readers of every task: no filter by user."""
    tasks = (Task.objects.all() if within is None else within).filter(status__in=WORKING_STATUSES, light=light)
    if area_id:
        tasks = tasks.filter(priority_areas=area_id)
    return list(tasks.select_related("lead_unit").only(*TRAJECTORY_COLUMNS, *_unit_name("lead_unit"))
                .order_by(F("deadline").asc(nulls_last=True), "id")[:need])


def _trajectory(task: Task, today: dt.date) -> Trajectory:
    overdue = (today - task.deadline).days if task.deadline and task.deadline < today else 0
    return Trajectory(task, lights.expected_progress(facts_of(task), today), overdue)


@dataclass
class StocktakeArea:
    row: AreaRow
    items: list[Trajectory]

    @property
    def more(self) -> int:
        return max(0, self.row.total - len(self.items))


@dataclass
class Stocktake:
    today: dt.date
    areas: list[StocktakeArea]
    risks: list[Trajectory]
    lights: dict[str, int]
    repeated: list[RepeatedTask] = field(default_factory=list)  # 反复强调 (luoshi/checks)


def _lights_within(within: QuerySet[Task]) -> tuple[dict[str, int], Lights]:
    """Working tasks of `within` by light, and by priority area and light, counted in SQL: the
    stored counts are not kept by source or by portfolio (docs/instructions.md)."""
    working = within.filter(status__in=WORKING_STATUSES).order_by()
    counts = dict.fromkeys(LIGHTS, 0)
    for light, n in working.values_list("light").annotate(n=Count("id")):
        if light in counts:
            counts[light] = n
    by_area: Lights = {}
    for area, light, n in working.filter(priority_areas__isnull=False).values_list(
            "priority_areas", "light").annotate(n=Count("id")):
        if light in counts:
            by_area.setdefault(area, dict.fromkeys(LIGHTS, 0))[light] = n
    return counts, by_area


def leader_stocktake(user: User, today: dt.date | None = None, *, within: QuerySet[Task] | None = None) -> Stocktake:
    """Each priority area's top-level working tasks with their trajectory, and the top risks;
    of every task, or of `within` only (a leader's portfolio, one source).

    Only for users who read every task: the area counts are the stored, province-wide ones."""
    if not user.reads_everything:
        raise PermissionError("the stocktake counts every task")
    today = today or lib.today()
    if within is None:
        by_unit, by_area = working_lights(user)
        # Each task has one lead unit: the units' counts add up to the province's.
        counts = {light: sum(lights[light] for lights in by_unit.values()) for light in LIGHTS}
    else:
        counts, by_area = _lights_within(within)

    def in_area(area_id: int | None) -> Callable[[str, int], list[Task]]:
        return lambda light, need: most_severe(area_id, light, need, within)

    areas = [StocktakeArea(row, [_trajectory(task, today) for task in
                                 _most_severe(in_area(row.area.pk if row.area else None), row, STOCKTAKE_PER_AREA)])
             for row in area_rows(by_area)]
    # The risks are among the most severe red and amber tasks (red first, by deadline).
    candidates = _most_severe(in_area(None), AreaRow(None, red=counts["red"], amber=counts["amber"], green=0),
                              TOP_RISKS * 5)
    risks = sorted(
        (_trajectory(task, today) for task in candidates),
        key=lambda t: (0 if t.task.light == "red" else 1, -t.days_overdue, -t.gap, t.task.pk),
    )[:TOP_RISKS]
    return Stocktake(today=today, areas=areas, risks=risks, lights={light: counts[light] for light in LIGHTS},
                     repeated=repeatedly_demanded(user))


# --- meeting secretary ----------------------------------------------------------------------


def recent_meetings(limit: int = 10) -> list[Meeting]:
    """The latest meetings with how many directives each produced (one query)."""
    return list(Meeting.objects.annotate(directive_count=directive_count()).order_by("-date", "-id")[:limit])
