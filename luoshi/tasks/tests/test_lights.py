"""The status light at every boundary DESIGN.md names."""

import datetime as dt

import pytest

from luoshi.tasks.lights import (
    Light,
    LightRules,
    TaskFacts,
    add_months,
    expected_progress,
    explain,
    light,
)

TODAY = dt.date(2026, 6, 15)
RULES = LightRules(amber_days=7, cadence_grace_days=0)


def facts(**kwargs: object) -> TaskFacts:
    base: dict[str, object] = {
        "status": "in_progress", "progress": 50, "deadline": TODAY + dt.timedelta(days=30),
        "assigned_on": TODAY - dt.timedelta(days=30),
    }
    base.update(kwargs)
    return TaskFacts(**base)  # type: ignore[arg-type]


def test_it_is_green_on_the_deadline_day_when_on_trajectory():
    """Deadline today with full progress is not overdue."""
    assert light(facts(deadline=TODAY, progress=100), TODAY, RULES) == Light.GREEN


def test_it_is_amber_on_the_deadline_day_when_behind():
    """Deadline today and not done is near and behind, not yet red."""
    assert explain(facts(deadline=TODAY, progress=99), TODAY, RULES) == (Light.AMBER, "behind_near_deadline")


def test_it_is_amber_when_the_deadline_is_tomorrow_and_behind():
    """Deadline tomorrow, behind the straight line, is at risk."""
    assert light(facts(deadline=TODAY + dt.timedelta(days=1), progress=10), TODAY, RULES) == Light.AMBER


def test_it_is_red_the_day_after_the_deadline():
    """Deadline yesterday and not completed is overdue."""
    assert explain(facts(deadline=TODAY - dt.timedelta(days=1), progress=99), TODAY, RULES) == (Light.RED, "overdue")


def test_it_is_never_red_once_completed():
    """A completed task past its deadline stays green."""
    assert light(facts(status="completed", deadline=TODAY - dt.timedelta(days=9)), TODAY, RULES) == Light.GREEN


def test_it_is_red_when_blocked():
    """A blocked task is red whatever its dates."""
    assert explain(facts(blocked=True), TODAY, RULES) == (Light.RED, "blocked")


# Assigned 30 days ago, due in 5 days: the straight line stands at 30/35 = 85.71 %.
NEAR = {"assigned_on": TODAY - dt.timedelta(days=30), "deadline": TODAY + dt.timedelta(days=5)}


def test_the_trajectory_is_a_straight_line():
    """Expected progress is elapsed time over the whole span."""
    assert expected_progress(facts(**NEAR), TODAY) == pytest.approx(100 * 30 / 35)


def test_it_is_green_just_above_the_trajectory():
    """Progress 86 % against 85.7 % expected is on track."""
    assert light(facts(progress=86, **NEAR), TODAY, RULES) == Light.GREEN


def test_it_is_amber_just_below_the_trajectory():
    """Progress 85 % against 85.7 % expected, deadline near, is at risk."""
    assert light(facts(progress=85, **NEAR), TODAY, RULES) == Light.AMBER


def test_behind_but_far_from_the_deadline_is_green():
    """Behind the line with the deadline beyond the amber window is still green."""
    far = {"assigned_on": TODAY - dt.timedelta(days=30), "deadline": TODAY + dt.timedelta(days=8)}
    assert light(facts(progress=0, **far), TODAY, RULES) == Light.GREEN
    assert light(facts(progress=0, **far), TODAY + dt.timedelta(days=1), RULES) == Light.AMBER


def test_the_amber_window_is_configurable():
    """amber_days widens or narrows 'near'."""
    far = {"assigned_on": TODAY - dt.timedelta(days=30), "deadline": TODAY + dt.timedelta(days=8)}
    assert light(facts(progress=0, **far), TODAY, LightRules(amber_days=10)) == Light.AMBER


MONTHLY = {"cadence": "monthly", "last_report_on": dt.date(2026, 5, 15), "deadline": TODAY + dt.timedelta(days=90)}


def test_a_monthly_report_due_today_is_not_missing():
    """Last report a month ago today: due today, not missed."""
    assert light(facts(**MONTHLY), TODAY, RULES) == Light.GREEN


def test_a_monthly_report_missed_by_one_day_is_amber():
    """One day past the cadence and no report: amber."""
    assert explain(facts(**MONTHLY), TODAY + dt.timedelta(days=1), RULES) == (Light.AMBER, "report_missing")


def test_the_cadence_grace_is_configurable():
    """A grace of one day forgives a report one day late."""
    assert light(facts(**MONTHLY), TODAY + dt.timedelta(days=1), LightRules(cadence_grace_days=1)) == Light.GREEN


def test_a_weekly_cadence_counts_from_assignment_without_reports():
    """With no report yet, the first is due a week after assignment."""
    weekly = facts(cadence="weekly", assigned_on=TODAY - dt.timedelta(days=7), deadline=TODAY + dt.timedelta(days=60))
    assert light(weekly, TODAY, RULES) == Light.GREEN
    assert light(weekly, TODAY + dt.timedelta(days=1), RULES) == Light.AMBER


def test_months_end_on_the_last_day():
    """A month after 31 January is 28 February."""
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_the_stored_light_follows_the_clock(province):
    """refresh_lights turns a task red when the clock passes its deadline."""
    from luoshi import lib
    from luoshi.tasks.models import Task
    from luoshi.tasks.services import refresh_lights

    task = province.signed(deadline_days=3)
    assert Task.objects.get(pk=task.pk).light == "green"
    with lib.clock_at(lib.today() + dt.timedelta(days=4)):
        assert refresh_lights() == 1
    assert Task.objects.get(pk=task.pk).light == "red"
