"""The indicator rule of the light (docs/indicators.md): the trajectory, the lag, and where
the rule stands among the others (pure: no database)."""

import datetime as dt
from decimal import Decimal as D

from django.utils import translation

from luoshi.tasks.lights import (
    Light,
    LightRules,
    Reason,
    TaskFacts,
    describe,
    explain,
    indicator_lag,
    planned_value,
    stored_reason,
)

TODAY = dt.date(2026, 6, 15)
RULES = LightRules(indicator_amber=10, indicator_red=25)
PLAN = [(dt.date(2026, 1, 1), D(0)), (dt.date(2026, 12, 31), D(10000))]
NAME = "保交楼 交付套数"


def facts(**kwargs: object) -> TaskFacts:
    base: dict[str, object] = {
        "status": "in_progress", "progress": 50, "deadline": TODAY + dt.timedelta(days=30),
        "assigned_on": TODAY - dt.timedelta(days=30), "indicator_name": NAME,
    }
    base.update(kwargs)
    return TaskFacts(**base)  # type: ignore[arg-type]


def test_the_trajectory_runs_straight_between_its_points() -> None:
    """Linear between points, the last value after the last point, no plan before the first."""
    plan = [(dt.date(2026, 1, 1), D(0)), (dt.date(2026, 1, 11), D(100)), (dt.date(2026, 1, 21), D(120))]
    assert planned_value(plan, dt.date(2026, 1, 6)) == D(50)
    assert planned_value(plan, dt.date(2026, 1, 16)) == D(110)
    assert planned_value(plan, dt.date(2026, 3, 1)) == D(120)
    assert planned_value(plan, dt.date(2025, 12, 31)) is None
    assert planned_value(list(reversed(plan)), dt.date(2026, 1, 6)) == D(50)  # any order
    assert planned_value([], TODAY) is None


def test_the_lag_is_the_shortfall_in_percent_of_the_planned_change() -> None:
    """5,000 planned and 4,100 actual is 18 % behind; ahead counts 0; a falling indicator too."""
    middle = dt.date(2026, 1, 1) + (dt.date(2026, 12, 31) - dt.date(2026, 1, 1)) / 2
    planned = planned_value(PLAN, middle)
    assert planned is not None
    actual = planned * D("0.82")
    assert indicator_lag(D(0), PLAN, [(middle, actual)]) == 18
    assert indicator_lag(D(0), PLAN, [(middle, planned + 1)]) == 0
    backlog = [(dt.date(2026, 1, 1), D(500)), (dt.date(2026, 1, 11), D(100))]  # petitions down from 500 to 100
    assert indicator_lag(D(500), backlog, [(dt.date(2026, 1, 6), D(340))]) == 20  # 300 planned: 40 of 200 short
    assert indicator_lag(D(500), backlog, [(dt.date(2026, 1, 6), D(250))]) == 0


def test_the_latest_actual_counts() -> None:
    """An early shortfall made good later is on plan."""
    actuals = [(dt.date(2026, 3, 1), D(100)), (dt.date(2026, 7, 1), D(6000))]
    assert indicator_lag(D(0), PLAN, actuals) == 0


def test_no_actual_or_no_plan_yet_gives_no_lag() -> None:
    """Nothing to compare: no lag, and the light follows the other rules."""
    assert indicator_lag(D(0), PLAN, []) is None
    assert indicator_lag(D(0), PLAN, [(dt.date(2025, 6, 1), D(0))]) is None
    assert explain(facts(indicator_lag=None), TODAY, RULES) == Reason(Light.GREEN, "on_track")


def test_an_indicator_on_track_is_green() -> None:
    """A lag up to the amber tolerance is on track."""
    assert explain(facts(indicator_lag=0), TODAY, RULES) == Reason(Light.GREEN, "on_track")
    assert explain(facts(indicator_lag=10), TODAY, RULES) == Reason(Light.GREEN, "on_track")


def test_an_indicator_behind_by_more_than_the_amber_tolerance_is_amber() -> None:
    """11 to 25 % behind is amber, and the reason names the indicator and the gap."""
    assert explain(facts(indicator_lag=11), TODAY, RULES) == Reason(Light.AMBER, "indicator_behind", 11, NAME)
    reason = explain(facts(indicator_lag=18), TODAY, RULES)
    assert reason == Reason(Light.AMBER, "indicator_behind", 18, NAME)
    with translation.override("en"):
        assert describe(reason) == "保交楼 交付套数 behind plan by 18%"
    with translation.override("zh-hans"):
        assert describe(reason) == "保交楼 交付套数落后计划18%"
    assert explain(facts(indicator_lag=25), TODAY, RULES).light == Light.AMBER


def test_an_indicator_behind_by_more_than_the_red_tolerance_is_red() -> None:
    """More than 25 % behind is red, before a missed milestone; an overdue task stays overdue."""
    assert explain(facts(indicator_lag=26), TODAY, RULES) == Reason(Light.RED, "indicator_behind", 26, NAME)
    late_step = facts(indicator_lag=40, next_milestone_due=TODAY - dt.timedelta(days=3))
    assert explain(late_step, TODAY, RULES).rule == "indicator_behind"
    overdue = facts(indicator_lag=40, deadline=TODAY - dt.timedelta(days=2))
    assert explain(overdue, TODAY, RULES) == Reason(Light.RED, "overdue", 2)


def test_an_amber_indicator_comes_after_a_missed_milestone_and_before_progress() -> None:
    """Amber rules: a missed milestone first, then the indicator, then self-reported progress."""
    late_step = facts(indicator_lag=18, next_milestone_due=TODAY - dt.timedelta(days=3))
    assert explain(late_step, TODAY, RULES).rule == "milestone_missed"
    far_behind = facts(indicator_lag=18, progress=0)
    assert explain(far_behind, TODAY, RULES).rule == "indicator_behind"


def test_a_closed_task_has_no_indicator_light() -> None:
    """Completed tasks are never amber, whatever their indicators."""
    assert explain(facts(status="completed", indicator_lag=90), TODAY, RULES) == Reason(Light.GREEN, "closed")


def test_the_stored_reason_names_its_indicator() -> None:
    """The task's columns give the reason back with its indicator; other rules ignore the name."""
    assert stored_reason("amber", "indicator_behind", 18, NAME) == Reason(Light.AMBER, "indicator_behind", 18, NAME)
    assert stored_reason("amber", "behind_trajectory", 30, NAME) == Reason(Light.AMBER, "behind_trajectory", 30)
    with translation.override("en"):
        assert describe(stored_reason("red", "indicator_behind", 30)) == "an indicator behind plan by 30%"
