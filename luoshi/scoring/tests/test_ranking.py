"""Unit scoring: each component on hand-built tasks with known answers, the formula, the periods."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi import lib
from luoshi.lib import InvalidInput
from luoshi.scoring import periods
from luoshi.scoring.ranking import Formula, cadence_slots, unit_scores
from luoshi.tasks import services
from luoshi.tasks.models import ProgressReport
from luoshi.units.services import create_unit

Q1 = periods.parse("2024-Q1")


def complete(province, task, day, grade="good"):  # type: ignore[no-untyped-def]
    with lib.clock_at(day):
        task = services.request_completion(province.liaison_of(task), task, text="done")
        return services.approve_completion(province.supervisor, task, grade=grade, note="graded")


def days_to(start: dt.date, end: dt.date) -> int:
    return (end - start).days


@pytest.fixture
def quarter(province):  # type: ignore[no-untyped-def]
    """EMERG: 3 tasks due in Q1 (one on time graded excellent, one completed 5 days late graded
    pass, one 10 days late and open),
    one due after Q1 and one not yet due. HEALTH: a monthly cadence with 2 of 3 reports.
    SY: one progress report and one completion request returned."""
    start = dt.date(2024, 1, 5)
    with lib.clock_at(start):
        a = province.in_progress(deadline_days=days_to(start, dt.date(2024, 2, 10)))
        b = province.in_progress(deadline_days=days_to(start, dt.date(2024, 2, 20)))
        province.in_progress(deadline_days=days_to(start, dt.date(2024, 3, 10)))
        province.in_progress(deadline_days=days_to(start, dt.date(2024, 4, 10)))
        province.in_progress(deadline_days=days_to(start, dt.date(2024, 3, 25)))
    complete(province, a, dt.date(2024, 2, 8), "excellent")
    complete(province, b, dt.date(2024, 2, 25), "pass")
    with lib.clock_at(dt.date(2024, 1, 1)):
        health = province.signed(province.health, cadence="monthly", deadline_days=200)
    for day in (dt.date(2024, 1, 20), dt.date(2024, 3, 5)):
        with lib.clock_at(day):
            services.report_progress(province.other_liaison, health, text="monthly report", progress=20)
    with lib.clock_at(dt.date(2024, 2, 1)):
        city = province.in_progress(province.city, deadline_days=300)
    with lib.clock_at(dt.date(2024, 2, 2)):
        services.review_report(province.supervisor, ProgressReport.objects.get(task=city), accept=False,
                               note="no figures")
    with lib.clock_at(dt.date(2024, 2, 3)):
        city = services.request_completion(province.city_liaison, city, text="done")
    with lib.clock_at(dt.date(2024, 2, 4)):
        services.return_task(province.supervisor, city, reason="not finished")
    return province


def lines_by_code(period, today):  # type: ignore[no-untyped-def]
    return {line.unit.code: line for line in unit_scores(period, today)}


def test_it_counts_on_time_completion(quarter):
    """Due = completed or late tasks with a deadline in the period; on time = completed by the deadline."""
    emerg = lines_by_code(Q1, dt.date(2024, 3, 20))["EMERG"]
    assert (emerg.due, emerg.on_time) == (3, 1)
    assert emerg.ontime_rate == pytest.approx(1 / 3)


def test_it_counts_days_overdue_within_the_period(quarter):
    """Days overdue: 5 for the task completed late, 10 for the open one as of 20 March."""
    emerg = lines_by_code(Q1, dt.date(2024, 3, 20))["EMERG"]
    assert (emerg.overdue_tasks, emerg.overdue_days, emerg.mean_overdue_days) == (2, 15, 7.5)


def test_days_overdue_stop_at_the_end_of_the_period(quarter):
    """Seen after the quarter, open tasks' days stop at 31 March (and the 25 March task is late too)."""
    emerg = lines_by_code(Q1, dt.date(2024, 5, 1))["EMERG"]
    assert (emerg.due, emerg.overdue_tasks, emerg.overdue_days) == (4, 3, 5 + 21 + 6)


def test_it_counts_report_punctuality(quarter):
    """A monthly task assigned on 1 January owes 3 reports in Q1; it sent them in January and March."""
    health = lines_by_code(Q1, dt.date(2024, 4, 15))["HEALTH"]
    assert (health.reports_due, health.reports_on_time) == (3, 2)
    assert health.due == 0 and health.parts["ontime"] is None and health.parts["overdue"] is None
    assert health.score == 75.0  # (30 × 2/3 + 10 × 1) ÷ 40


def test_a_slot_is_not_owed_before_it_ends(quarter):
    """On 15 March only January and February reports are owed."""
    health = lines_by_code(Q1, dt.date(2024, 3, 15))["HEALTH"]
    assert (health.reports_due, health.reports_on_time) == (2, 1)


def test_it_counts_returned_reports_and_completion_requests(quarter):
    """One progress report and one completion request returned to Shenyang in February."""
    city = lines_by_code(Q1, dt.date(2024, 3, 20))["SY"]
    assert (city.returned_reports, city.returned_completions) == (1, 1)
    assert city.score == 60.0  # only the returned part applies: 1 − 2/5
    assert "SY" not in lines_by_code(periods.parse("2024-03"), dt.date(2024, 3, 20))


def test_it_scores_and_ranks_by_the_formula(quarter):
    """EMERG's score combines on-time rate, overdue days, returns and its closures graded
    excellent (100 points) and pass (60) with the default weights."""
    lines = unit_scores(Q1, dt.date(2024, 3, 20))
    emerg = next(line for line in lines if line.unit.code == "EMERG")
    assert (emerg.graded, emerg.graded_excellent, emerg.graded_pass, emerg.grade_points) == (2, 1, 1, 80.0)
    expected = 100 * (40 * (1 / 3) + 20 * (1 - 7.5 / 30) + 10 * 1 + 20 * 0.8) / 90
    assert emerg.score == round(expected, 1)
    assert [line.rank for line in lines] == sorted(line.rank for line in lines)
    assert lines[0].rank == 1


def test_the_formula_follows_the_settings(settings):
    """Weights and caps come from the settings; parts that do not apply are left out."""
    settings.LUOSHI_SCORE_WEIGHTS = {"ontime": 50, "punctuality": 0, "overdue": 50, "returned": 0, "grade": 0}
    settings.LUOSHI_SCORE_CAPS = {"overdue": 10, "returned": 2}
    formula = Formula.from_settings()
    assert formula.score({"ontime": 0.5, "punctuality": 1.0, "overdue": 0.0, "returned": 1.0, "grade": 1.0}) == 25.0
    assert formula.score({"ontime": None, "punctuality": None, "overdue": 0.8, "returned": 1.0, "grade": None}) == 80.0
    assert formula.score({"ontime": None, "punctuality": None, "overdue": None, "returned": 1.0, "grade": 0.0}) is None


def test_a_better_grade_raises_the_score(province, settings):
    """The same closure graded excellent scores higher than graded fail; a fail needs a comment,
    and an unknown grade is refused without closing the task."""
    settings.LUOSHI_SCORE_WEIGHTS = {"ontime": 40, "punctuality": 30, "overdue": 20, "returned": 10, "grade": 20}

    def scored(grade: str) -> float | None:
        with lib.clock_at(dt.date(2024, 1, 5)):
            task = province.in_progress(province.health, deadline_days=30)
        with lib.clock_at(dt.date(2024, 1, 20)):
            task = services.request_completion(province.other_liaison, task, text="done")
            with pytest.raises(InvalidInput):
                services.approve_completion(province.supervisor, task, grade="superb")
            services.approve_completion(province.supervisor, task, grade=grade, note="checked")
        score = lines_by_code(Q1, dt.date(2024, 3, 20))["HEALTH"].score
        from luoshi.tasks.models import Task
        Task.objects.filter(pk=task.pk).update(grade="")  # the next round grades afresh
        return score

    excellent = scored("excellent")
    failed = scored("fail")
    assert excellent == 100.0
    assert failed is not None and failed < excellent
    with lib.clock_at(dt.date(2024, 1, 20)):
        task = province.completion_requested(province.health)
        with pytest.raises(InvalidInput, match="graded fail"):
            services.approve_completion(province.supervisor, task, grade="fail")
    assert task.__class__.objects.get(pk=task.pk).status == "completion_requested"


def test_ties_share_a_rank(province):
    """Two units with the same score share the rank."""
    with lib.clock_at(dt.date(2024, 1, 5)):
        province.in_progress(deadline_days=10)
        province.in_progress(province.health, deadline_days=10)
    lines = unit_scores(Q1, dt.date(2024, 3, 1))
    assert [line.rank for line in lines] == [1, 1]


def test_weekly_and_quarterly_slots_cover_the_period():
    """Q1 2024 holds 13 whole weeks (1 January is a Monday, 31 March a Sunday), 3 months and 1 quarter."""
    slots = cadence_slots(Q1, dt.date(2024, 6, 1))
    assert sum(1 for s in slots if s[0] == "weekly") == 13
    assert sum(1 for s in slots if s[0] == "monthly") == 3
    assert [s[1:] for s in slots if s[0] == "quarterly"] == [(dt.date(2024, 1, 1), dt.date(2024, 3, 31))]


@pytest.mark.parametrize("text, start, end", [
    ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2024-01-15..2024-02-20", dt.date(2024, 1, 15), dt.date(2024, 2, 20)),
])
def test_it_parses_periods(text, start, end):
    """Years, quarters, months and ranges are periods with inclusive ends."""
    period = periods.parse(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2024-Q5", "2024-13", "last year", "2024-03-01..2024-02-01"])
def test_it_refuses_what_is_not_a_period(text):
    """Impossible periods are refused with a message."""
    with pytest.raises(InvalidInput):
        periods.parse(text)


def _queries(period, today) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        unit_scores(period, today)
    return len(context.captured_queries)


def test_it_runs_the_same_queries_for_1_and_50_units(province):
    """The ranking costs the same number of queries whatever the number of units."""
    with lib.clock_at(dt.date(2024, 1, 1)):
        province.in_progress(deadline_days=20, cadence="weekly")
    one = _queries(Q1, dt.date(2024, 3, 20))
    with lib.clock_at(dt.date(2024, 1, 1)):
        for n in range(49):
            unit = create_unit(None, code=f"U{n}", name_zh=f"第{n}厅", name_en=f"Dept {n}", kind="department",
                               parent=province.root)
            services.assign_task(province.supervisor, province.draft(unit, deadline_days=20, cadence="weekly"))
    assert len(unit_scores(Q1, dt.date(2024, 3, 20))) == 50
    assert _queries(Q1, dt.date(2024, 3, 20)) == one <= 8  # one more than before grades: their aggregate


def test_punctuality_is_what_the_definition_counts(province):
    """Weekly tasks assigned, completed and reporting around the edges of the slots and of the
    quarter, with reports from other units too: the ranking's owed and kept slots are those the
    module's definition gives, counted here one task and one slot at a time."""
    import random

    from django.conf import settings
    from django.utils import timezone

    from luoshi.tasks.models import Task

    today = dt.date(2024, 5, 1)
    slots = cadence_slots(Q1, today)
    grace = dt.timedelta(days=settings.LUOSHI_CADENCE_GRACE_DAYS)
    rng = random.Random(3)
    edges = sorted({day + dt.timedelta(days=shift) for _c, first, last in slots for day in (first, last)
                    for shift in (-1, 0, 1)} | {Q1.start - dt.timedelta(days=40), Q1.end + dt.timedelta(days=20)})

    def at(day: dt.date, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    leads = [province.emergency, province.health, province.city]
    for i in range(60):
        lead = leads[i % 3]
        task = province.signed(lead, cadence=["weekly", "monthly"][i % 2], deadline_days=300)
        assigned = rng.choice(edges)
        done = rng.choice([None, *edges])
        if done is not None and done < assigned:
            done = None
        Task.objects.filter(pk=task.pk).update(
            assigned_at=at(assigned, rng.choice([0, 23])), completed_at=at(done, rng.choice([0, 23])) if done else None,
            status="completed" if done else "in_progress")
        for _ in range(rng.randint(0, 2)):
            day = rng.choice(edges) + rng.choice([dt.timedelta(0), grace, grace + dt.timedelta(days=1)])
            ProgressReport.objects.create(task=task, unit=rng.choice([lead, lead, province.county]),
                                          author=province.supervisor, text="r", progress=10,
                                          submitted_at=at(day, rng.choice([0, 12, 23])))
    # The last report that still counts: on the last slot's last day plus the grace days, late at night.
    last_kept = province.signed(province.county, cadence="monthly", deadline_days=300)
    Task.objects.filter(pk=last_kept.pk).update(assigned_at=at(Q1.start - dt.timedelta(days=40), 9),
                                                status="in_progress")
    ProgressReport.objects.create(task=last_kept, unit=province.county, author=province.supervisor, text="r",
                                  progress=10, submitted_at=at(max(last for _c, _f, last in slots) + grace, 23))
    local = timezone.get_current_timezone()
    expected: dict[str, list[int]] = {}
    for task in Task.objects.exclude(cadence="").exclude(status__in=["draft", "cancelled", "suspended"]):
        assigned_on = task.assigned_at.astimezone(local).date() if task.assigned_at else None
        completed_on = task.completed_at.astimezone(local).date() if task.completed_at else None
        report_days = [r.submitted_at.astimezone(local).date() for r in task.reports.filter(unit=task.lead_unit)]
        line = expected.setdefault(task.lead_unit.code, [0, 0])
        for cadence, first, last in slots:
            working = (task.cadence == cadence and assigned_on is not None and assigned_on <= first
                       and (completed_on is None or completed_on > last))
            if working:
                line[0] += 1
                line[1] += any(first <= day <= last + grace for day in report_days)
    lines = lines_by_code(Q1, today)
    for code, (owed, kept) in expected.items():
        got = lines.get(code)
        assert (got.reports_due if got else 0, got.reports_on_time if got else 0) == (owed, kept), code
    assert sum(owed for owed, _kept in expected.values()) > 10


def test_granted_extensions_are_counted_beside_the_score_not_in_it(province):  # type: ignore[no-untyped-def]
    """A granted extension moves the deadline (the task is on time against the new one) and is
    counted on its own; a refused one is not counted."""
    from luoshi.taskrequests import services as requests

    start = dt.date(2024, 1, 5)
    with lib.clock_at(start):
        late = province.in_progress(deadline_days=days_to(start, dt.date(2024, 2, 10)))
        other = province.in_progress(deadline_days=days_to(start, dt.date(2024, 2, 10)))
    with lib.clock_at(dt.date(2024, 2, 1)):
        granted = requests.request_extension(province.liaison, late, deadline=dt.date(2024, 3, 10), reason="floods")
        requests.decide_extension(province.supervisor, granted, approve=True)
        refused = requests.request_extension(province.liaison, other, deadline=dt.date(2024, 3, 10), reason="x")
        requests.decide_extension(province.supervisor, refused, approve=False, note="no")
    complete(province, late, dt.date(2024, 3, 1))  # after the first deadline, before the granted one
    complete(province, other, dt.date(2024, 2, 8))
    [line] = unit_scores(Q1, dt.date(2024, 4, 30), unit=province.emergency)
    assert (line.due, line.on_time, line.overdue_tasks, line.extensions) == (2, 2, 0, 1)
