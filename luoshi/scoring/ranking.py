"""Scoring the units that lead tasks, for one period (考核评价). Read-only; seven queries
whatever the number of units or tasks (six aggregates grouped by unit, and the units).

The components, for each unit and the period [start, end], seen on `as_of` = min(end, today):

- on-time rate: tasks it leads whose deadline falls in the period and that are completed,
  or already late (deadline before today), counted as due; those completed on or before
  the deadline are on time. Rate = on time ÷ due.
- report punctuality: a task with a reporting cadence owes one report for each whole
  calendar week / month / quarter of the period it was working for (assigned by the slot's
  first day, not completed before its last, not cancelled or suspended), once the slot and
  LUOSHI_CADENCE_GRACE_DAYS are over. A slot is kept on time when the lead unit sent a
  report within the slot or its grace days. Punctuality = kept ÷ owed. A daily cadence owes
  no slot here (one count per day of a year is too many terms for one query); its missing
  reports still turn the light amber and bring reminders.
- days overdue: for every task past its deadline during the period, the days of the
  period it spent overdue (until completed, or as_of). Mean = total ÷ overdue tasks.
- returned reports: progress reports and completion requests of the unit returned
  (退回) in the period.
- closure grades: the tasks it leads that the office approved as completed in the period
  with a grade (办结评价: excellent / good / pass / fail); each grade is worth
  LUOSHI_SCORE_GRADE_POINTS[grade] points out of 100. Tasks closed before grades existed
  (no grade) are left out.
- extensions granted (shown, not scored): the unit's extension requests (申请延期) that the
  office granted in the period. A granted extension moves the task's deadline, so on-time
  completion and days overdue are measured against the deadline in force; this count keeps
  the extensions visible beside the overdue work instead of hiding them in it.

Score = 100 × Σ wᵢ·sᵢ ÷ Σ wᵢ over the components that apply, with
  s_ontime = on-time rate, s_punctuality = punctuality,
  s_overdue = 1 − min(mean days overdue, cap_overdue) ÷ cap_overdue,
  s_returned = 1 − min(returned, cap_returned) ÷ cap_returned,
  s_grade = mean grade points of its graded closures ÷ 100;
weights and caps from LUOSHI_SCORE_WEIGHTS and LUOSHI_SCORE_CAPS. On-time rate and
punctuality do not apply when nothing was due; days overdue does not apply to a unit with
no task due or overdue in the period; grades do not apply to a unit with no graded closure
in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from luoshi.scoring.periods import Period
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks.lifecycle import SCORED, Status
from luoshi.tasks.lights import add_months
from luoshi.tasks.models import ProgressReport, Task
from luoshi.units.models import Unit

COMPONENTS = ("ontime", "punctuality", "overdue", "returned", "grade")


GRADE_POINTS = {"excellent": 100, "good": 85, "pass": 60, "fail": 0}  # nosec B105 # "pass" is a closure grade (合格), not a password


@dataclass(frozen=True)
class Formula:
    weights: dict[str, int]
    caps: dict[str, int]
    grade_points: dict[str, int] = field(default_factory=lambda: dict(GRADE_POINTS))

    @classmethod
    def from_settings(cls) -> Formula:
        weights = {k: settings.LUOSHI_SCORE_WEIGHTS.get(k, 0) for k in COMPONENTS}
        caps = {"overdue": max(1, settings.LUOSHI_SCORE_CAPS.get("overdue", 30)),
                "returned": max(1, settings.LUOSHI_SCORE_CAPS.get("returned", 5))}
        points = {k: min(100, settings.LUOSHI_SCORE_GRADE_POINTS.get(k, v)) for k, v in GRADE_POINTS.items()}
        return cls(weights, caps, points)

    def score(self, parts: dict[str, float | None]) -> float | None:
        applying = {k: v for k, v in parts.items() if v is not None and self.weights[k] > 0}
        total = sum(self.weights[k] for k in applying)
        if not total:
            return None
        return round(100 * sum(self.weights[k] * v for k, v in applying.items()) / total, 1)


@dataclass
class UnitScore:
    unit: Unit
    due: int = 0
    on_time: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    overdue_tasks: int = 0
    overdue_days: int = 0
    returned_reports: int = 0
    returned_completions: int = 0
    extensions: int = 0
    # Closures graded in the period, by grade (excellent, good, pass, fail).
    graded_excellent: int = 0
    graded_good: int = 0
    graded_pass: int = 0
    graded_fail: int = 0
    parts: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None
    grade_points: float | None = None  # the mean grade points (0–100), set by compute
    rank: int = 0

    @property
    def ontime_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def punctuality(self) -> float | None:
        return self.reports_on_time / self.reports_due if self.reports_due else None

    @property
    def mean_overdue_days(self) -> float:
        return self.overdue_days / self.overdue_tasks if self.overdue_tasks else 0.0

    @property
    def returned(self) -> int:
        return self.returned_reports + self.returned_completions

    @property
    def graded(self) -> int:
        return self.graded_excellent + self.graded_good + self.graded_pass + self.graded_fail

    def grade_mean(self, formula: Formula) -> float | None:
        """The mean points of the unit's graded closures (0–100), None when none was graded."""
        if not self.graded:
            return None
        p = formula.grade_points
        return (self.graded_excellent * p["excellent"] + self.graded_good * p["good"] + self.graded_pass * p["pass"]
                + self.graded_fail * p["fail"]) / self.graded

    def compute(self, formula: Formula) -> None:
        mean = self.grade_mean(formula)
        self.grade_points = mean
        self.parts = {
            "ontime": self.ontime_rate,
            "punctuality": self.punctuality,
            "overdue": (1 - min(self.mean_overdue_days, formula.caps["overdue"]) / formula.caps["overdue"])
            if (self.due or self.overdue_tasks) else None,
            "returned": 1 - min(self.returned, formula.caps["returned"]) / formula.caps["returned"],
            "grade": None if mean is None else mean / 100,
        }
        self.score = formula.score(self.parts)


# --- cadence slots ------------------------------------------------------------------------------


def cadence_slots(period: Period, until: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(cadence, first day, last day) of every whole week / month / quarter that ends within
    the period and whose reports were due before `until`."""
    grace = dt.timedelta(days=settings.LUOSHI_CADENCE_GRACE_DAYS)
    slots = []
    monday = period.start + dt.timedelta(days=(7 - period.start.weekday()) % 7)
    while monday + dt.timedelta(days=6) <= period.end:
        slots.append(("weekly", monday, monday + dt.timedelta(days=6)))
        monday += dt.timedelta(days=7)
    for cadence, months in (("monthly", 1), ("quarterly", 3)):
        first = dt.date(period.start.year, period.start.month, 1)
        if cadence == "quarterly":
            first = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
        while first <= period.end:
            last = add_months(first, months) - dt.timedelta(days=1)
            if first >= period.start and last <= period.end:
                slots.append((cadence, first, last))
            first = add_months(first, months)
    return [s for s in slots if s[2] + grace < until]


# --- the ranking --------------------------------------------------------------------------------


def _local_date(name: str) -> TruncDate:
    return TruncDate(name, tzinfo=timezone.get_current_timezone())


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the local time zone, the bound of a local date in SQL."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def unit_scores(period: Period, today: dt.date, *, unit: Unit | None = None) -> list[UnitScore]:
    """Every unit with something to score in the period, ranked (or only `unit`'s line, still
    ranked among all)."""
    formula = Formula.from_settings()
    as_of = min(period.end, today)
    scores: dict[int, dict[str, int]] = {}

    def put(unit_id: int, **values: int) -> None:
        scores.setdefault(unit_id, {}).update(values)

    tasks = Task.objects.filter(status__in=SCORED).alias(completed_on=_local_date("completed_at"))

    # 1. on-time completion
    due = (tasks.filter(deadline__range=(period.start, period.end))
           .filter(Q(status=Status.COMPLETED) | Q(deadline__lt=today))
           .values("lead_unit")
           .annotate(due=Count("id"), on_time=Count("id", filter=Q(status=Status.COMPLETED,
                                                                    completed_on__lte=F("deadline")))))
    for row in due:
        put(row["lead_unit"], due=row["due"], on_time=row["on_time"])

    # 2. days overdue within the period
    day_before = period.start - dt.timedelta(days=1)
    overdue_from = Greatest(F("deadline"), Value(day_before))
    overdue_to = Least(Coalesce(F("completed_on"), Value(as_of)), Value(as_of))
    overdue = (tasks.filter(deadline__lt=as_of)
               .filter(Q(completed_at__isnull=True) | (Q(completed_on__gt=F("deadline")) & Q(completed_on__gt=day_before)))
               .values("lead_unit")
               .annotate(n=Count("id"), days=Sum(ExpressionWrapper(overdue_to - overdue_from,
                                                                  output_field=DurationField()))))
    for row in overdue:
        put(row["lead_unit"], overdue_tasks=row["n"], overdue_days=row["days"].days if row["days"] else 0)

    # 3. report punctuality: slots owed, and slots kept
    slots = cadence_slots(period, today)
    if slots:
        grace = dt.timedelta(days=settings.LUOSHI_CADENCE_GRACE_DAYS)
        # Only the tasks that can have worked in a slot (assigned by the last slot's first day,
        # not completed by the first slot's last day) and, of their reports, only those sent
        # within the slots and their grace days: without these bounds every task and report
        # of every year was read (bench/FIGURES.md). The per-slot conditions below decide.
        latest_start = max(first for _cadence, first, _last in slots)
        earliest_end = min(last for _cadence, _first, last in slots)
        window = (_day_start(min(first for _cadence, first, _last in slots)),
                  _day_start(max(last for _cadence, _first, last in slots) + grace + dt.timedelta(days=1)))
        cadenced = (tasks.exclude(cadence="")
                    .filter(assigned_at__lt=_day_start(latest_start + dt.timedelta(days=1)))
                    .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=_day_start(earliest_end + dt.timedelta(days=1))))
                    .alias(assigned_on=_local_date("assigned_at")))

        def working(cadence: str, first: dt.date, last: dt.date) -> Q:
            return Q(cadence=cadence, assigned_on__lte=first) & (Q(completed_at__isnull=True) | Q(completed_on__gt=last))

        owed_terms = [Count("id", filter=working(*slot)) for slot in slots]
        owed = cadenced.values("lead_unit").annotate(owed=sum(owed_terms[1:], owed_terms[0]))
        for row in owed:
            put(row["lead_unit"], reports_due=row["owed"])
        reported = cadenced.annotate(in_window=FilteredRelation("reports", condition=Q(
            reports__submitted_at__gte=window[0], reports__submitted_at__lt=window[1]))
        ).alias(report_on=_local_date("in_window__submitted_at"))
        kept_terms = [Count("id", distinct=True, filter=working(c, a, b) & Q(
            in_window__unit=F("lead_unit"), report_on__gte=a, report_on__lte=b + grace)) for c, a, b in slots]
        kept = reported.values("lead_unit").annotate(kept=sum(kept_terms[1:], kept_terms[0]))
        for row in kept:
            put(row["lead_unit"], reports_on_time=row["kept"])

    # 4. returned reports and completion requests
    returned = (ProgressReport.objects.filter(outcome=ProgressReport.Outcome.RETURNED)
                .alias(reviewed_on=_local_date("reviewed_at"))
                .filter(reviewed_on__range=(period.start, period.end))
                .values("unit")
                .annotate(reports=Count("id", filter=Q(asks_completion=False)),
                          completions=Count("id", filter=Q(asks_completion=True))))
    for row in returned:
        put(row["unit"], returned_reports=row["reports"], returned_completions=row["completions"])

    # 5. closure grades
    graded = (tasks.filter(status=Status.COMPLETED, completed_on__range=(period.start, period.end))
              .exclude(grade="").values("lead_unit")
              .annotate(**{f"graded_{g}": Count("id", filter=Q(grade=g)) for g in Task.Grade.values}))
    for row in graded:
        put(row.pop("lead_unit"), **row)

    # 6. extensions granted (shown beside the score, not part of it)
    granted = (TaskRequest.objects.filter(kind=TaskRequest.Kind.EXTENSION,
                                          state__in=(TaskRequest.State.APPROVED, TaskRequest.State.SHORTENED))
               .alias(decided_on=_local_date("decided_at"))
               .filter(decided_on__range=(period.start, period.end))
               .values("unit").annotate(n=Count("id")))
    for row in granted:
        put(row["unit"], extensions=row["n"])

    # A unit is ranked for what is scored; extensions alone do not put it on the list.
    units = Unit.objects.in_bulk([pk for pk, values in scores.items()
                                  if any(v for name, v in values.items() if name != "extensions")])
    lines = []
    for pk, u in units.items():
        line = UnitScore(unit=u)
        for name, value in scores[pk].items():  # the counted fields, by name
            setattr(line, name, value)
        line.compute(formula)
        lines.append(line)
    lines.sort(key=lambda s: (-(s.score if s.score is not None else -1), -(s.ontime_rate or 0), s.unit.path))
    previous: tuple[float | None, int] = (None, 0)
    for position, line in enumerate(lines, start=1):
        line.rank = previous[1] if line.score == previous[0] else position
        previous = (line.score, line.rank)
    if unit is not None:
        return [line for line in lines if line.unit.pk == unit.pk]
    return lines
