"""The status light and its reason at every boundary of docs/lights.md (pure: no database)."""

import datetime as dt

import pytest
from django.utils import translation

from luoshi.tasks.lights import (
    Light,
    LightRules,
    Reason,
    TaskFacts,
    add_months,
    colour_name,
    describe,
    expected_progress,
    explain,
    labelled,
    light,
    next_report_due,
    points_behind,
    stored_reason,
)

TODAY = dt.date(2026, 6, 15)
RULES = LightRules(amber_days=7, cadence_grace_days=0, behind_tolerance=20)


def facts(**kwargs: object) -> TaskFacts:
    base: dict[str, object] = {
        "status": "in_progress", "progress": 50, "deadline": TODAY + dt.timedelta(days=30),
        "assigned_on": TODAY - dt.timedelta(days=30),
    }
    base.update(kwargs)
    return TaskFacts(**base)  # type: ignore[arg-type]


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# --- red ------------------------------------------------------------------------------------------


def test_it_is_green_on_the_deadline_day_when_on_trajectory():
    """Deadline today with full progress is not overdue."""
    assert explain(facts(deadline=TODAY, progress=100), TODAY, RULES) == Reason(Light.GREEN, "on_track")


def test_it_is_red_the_day_after_the_deadline_by_one_day():
    """Deadline yesterday and not completed is overdue by one day."""
    assert explain(facts(deadline=TODAY - days(1), progress=99), TODAY, RULES) == Reason(Light.RED, "overdue", 1)


def test_it_counts_the_days_overdue():
    """Eight days past the deadline says eight."""
    assert explain(facts(deadline=TODAY - days(8)), TODAY, RULES) == Reason(Light.RED, "overdue", 8)


def test_it_is_never_red_once_completed():
    """A completed task past its deadline is not lit red."""
    assert explain(facts(status="completed", deadline=TODAY - days(9)), TODAY, RULES) == Reason(Light.GREEN, "closed")


def test_it_is_red_when_blocked_whatever_its_dates():
    """Blocked comes first, before overdue: no amount."""
    assert explain(facts(blocked=True), TODAY, RULES) == Reason(Light.RED, "blocked")
    assert explain(facts(blocked=True, deadline=TODAY - days(3)), TODAY, RULES) == Reason(Light.RED, "blocked")


# --- behind the straight line ------------------------------------------------------------------------

# Assigned 30 days ago, due in 5 days: the straight line stands at 30/35 = 85.71 %, shown as 86 %.
NEAR = {"assigned_on": TODAY - days(30), "deadline": TODAY + days(5)}
# Assigned 50 days ago, due in 50 days: the line stands at 50 %.
HALFWAY = {"assigned_on": TODAY - days(50), "deadline": TODAY + days(50)}


def test_the_trajectory_is_a_straight_line():
    """Expected progress is elapsed time over the whole span."""
    assert expected_progress(facts(**NEAR), TODAY) == pytest.approx(100 * 30 / 35)


def test_points_behind_are_whole_points_against_the_line_as_shown():
    """86 % expected (85.71 rounded): 85 % is one point behind, 86 % and above none."""
    assert points_behind(facts(progress=85, **NEAR), TODAY) == 1
    assert points_behind(facts(progress=86, **NEAR), TODAY) == 0
    assert points_behind(facts(progress=100, **NEAR), TODAY) == 0
    assert points_behind(facts(deadline=None), TODAY) == 0


def test_it_is_green_on_the_line_near_the_deadline():
    """Progress 86 % against 85.7 % expected is on track."""
    assert explain(facts(progress=86, **NEAR), TODAY, RULES) == Reason(Light.GREEN, "on_track")


def test_one_point_behind_near_the_deadline_is_amber():
    """Progress 85 % against 86 % expected, deadline within the amber window, is at risk by 1."""
    assert explain(facts(progress=85, **NEAR), TODAY, RULES) == Reason(Light.AMBER, "behind_near_deadline", 1)


def test_it_is_amber_on_the_deadline_day_when_behind():
    """Deadline today and 99 % done: one point behind, near, not yet red."""
    assert explain(facts(deadline=TODAY, progress=99), TODAY, RULES) == Reason(Light.AMBER, "behind_near_deadline", 1)


def test_the_amber_window_ends_after_amber_days():
    """A little behind (10 points) with the deadline 8 days away is green; 7 days away, amber."""
    far = {"assigned_on": TODAY - days(72), "deadline": TODAY + days(8)}  # the line at 90 %
    assert explain(facts(progress=80, **far), TODAY, RULES) == Reason(Light.GREEN, "on_track")
    assert explain(facts(progress=80, **far), TODAY + days(1), RULES).rule == "behind_near_deadline"


def test_the_amber_window_is_configurable():
    """amber_days widens or narrows 'near'."""
    far = {"assigned_on": TODAY - days(72), "deadline": TODAY + days(8)}
    assert light(facts(progress=80, **far), TODAY, LightRules(amber_days=10)) == Light.AMBER


def test_far_behind_is_amber_at_any_time():
    """40 points behind halfway through is amber, though the deadline is 50 days away."""
    assert explain(facts(progress=10, **HALFWAY), TODAY, RULES) == Reason(Light.AMBER, "behind_trajectory", 40)


def test_the_tolerance_is_exclusive():
    """20 points behind with a tolerance of 20 is green; 21 is amber by 21."""
    assert explain(facts(progress=30, **HALFWAY), TODAY, RULES) == Reason(Light.GREEN, "on_track")
    assert explain(facts(progress=29, **HALFWAY), TODAY, RULES) == Reason(Light.AMBER, "behind_trajectory", 21)


def test_the_tolerance_is_configurable():
    """A tolerance of 0 makes any lag amber; 100 never does."""
    assert explain(facts(progress=49, **HALFWAY), TODAY, LightRules(behind_tolerance=0)) == Reason(
        Light.AMBER, "behind_trajectory", 1)
    assert light(facts(progress=0, **HALFWAY), TODAY, LightRules(behind_tolerance=100)) == Light.GREEN


def test_far_behind_near_the_deadline_says_behind_the_trajectory():
    """More than the tolerance behind, with the deadline near too: the larger rule names it."""
    assert explain(facts(progress=50, **NEAR), TODAY, RULES) == Reason(Light.AMBER, "behind_trajectory", 36)


def test_a_task_without_a_deadline_is_never_behind():
    """No deadline, no line: green."""
    assert explain(facts(deadline=None, progress=0), TODAY, RULES) == Reason(Light.GREEN, "on_track")


# --- cadence reports --------------------------------------------------------------------------------

MONTHLY = {"cadence": "monthly", "last_report_on": dt.date(2026, 5, 15), "deadline": TODAY + days(90)}


def test_a_monthly_report_due_today_is_not_late():
    """Last report a month ago today: due today, not missed."""
    assert explain(facts(**MONTHLY), TODAY, RULES) == Reason(Light.GREEN, "on_track")


def test_a_monthly_report_missed_by_one_day_is_amber_by_one_day():
    """One day past the cadence and no report: amber, the monthly report one day late."""
    assert explain(facts(**MONTHLY), TODAY + days(1), RULES) == Reason(Light.AMBER, "monthly_report_late", 1)


def test_the_cadence_grace_is_configurable_and_the_days_count_from_the_due_day():
    """A grace of one day forgives a report one day late; two days late says two."""
    grace = LightRules(cadence_grace_days=1)
    assert light(facts(**MONTHLY), TODAY + days(1), grace) == Light.GREEN
    assert explain(facts(**MONTHLY), TODAY + days(2), grace) == Reason(Light.AMBER, "monthly_report_late", 2)


def test_a_weekly_cadence_counts_from_assignment_without_reports():
    """With no report yet, the first is due a week after assignment."""
    weekly = facts(cadence="weekly", assigned_on=TODAY - days(7), deadline=TODAY + days(60), progress=20)
    assert light(weekly, TODAY, RULES) == Light.GREEN
    assert explain(weekly, TODAY + days(1), RULES) == Reason(Light.AMBER, "weekly_report_late", 1)


def test_a_daily_report_is_due_every_working_day():
    """Friday's report is next due on Monday; one on the eve of the National Day holiday is due
    when work resumes on 8 October, and a make-up Saturday (10 October 2026) is a working day."""
    daily = {"cadence": "daily", "assigned_on": dt.date(2026, 9, 1), "deadline": dt.date(2027, 12, 31), "progress": 60}
    friday = facts(last_report_on=dt.date(2026, 12, 4), **daily)
    assert next_report_due(friday) == dt.date(2026, 12, 7)
    assert light(friday, dt.date(2026, 12, 7), RULES) == Light.GREEN
    assert explain(friday, dt.date(2026, 12, 8), RULES) == Reason(Light.AMBER, "daily_report_late", 1)
    holiday = facts(last_report_on=dt.date(2026, 9, 30), **daily)
    assert next_report_due(holiday) == dt.date(2026, 10, 8)
    assert light(holiday, dt.date(2026, 10, 8), RULES) == Light.GREEN
    assert next_report_due(facts(last_report_on=dt.date(2026, 10, 9), **daily)) == dt.date(2026, 10, 10)


def test_a_quarterly_report_is_named_for_its_cadence():
    """Three months and three days after the last report."""
    quarterly = facts(cadence="quarterly", last_report_on=dt.date(2026, 3, 12), deadline=TODAY + days(200))
    assert explain(quarterly, TODAY, RULES) == Reason(Light.AMBER, "quarterly_report_late", 3)


def test_a_late_report_comes_before_a_small_lag_near_the_deadline():
    """Report late and 1 point behind near the deadline: the report is named (the progress is stale)."""
    late = facts(progress=85, cadence="weekly", last_report_on=TODAY - days(10), **NEAR)
    assert explain(late, TODAY, RULES) == Reason(Light.AMBER, "weekly_report_late", 3)


def test_far_behind_comes_before_a_late_report():
    """Report late and 40 points behind: the lag is named."""
    late = facts(progress=10, cadence="weekly", last_report_on=TODAY - days(10), **HALFWAY)
    assert explain(late, TODAY, RULES) == Reason(Light.AMBER, "behind_trajectory", 40)


def test_red_comes_before_every_amber_rule():
    """Overdue, far behind and a report late at once: red, overdue."""
    late = facts(progress=0, cadence="weekly", last_report_on=TODAY - days(30), deadline=TODAY - days(2))
    assert explain(late, TODAY, RULES) == Reason(Light.RED, "overdue", 2)


def test_months_end_on_the_last_day():
    """A month after 31 January is 28 February."""
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


# --- the issue's examples ---------------------------------------------------------------------------


def test_the_issue_example_40_points_behind_is_not_green():
    """Issue 14: a task 40 points behind its expected progress was green; it is amber, and says so."""
    reason = explain(facts(progress=20, assigned_on=TODAY - days(60), deadline=TODAY + days(40)), TODAY, RULES)
    assert reason == Reason(Light.AMBER, "behind_trajectory", 40)
    with translation.override("zh-hans"):
        assert describe(reason) == "落后预期进度40个百分点"
    with translation.override("en"):
        assert describe(reason) == "40 points behind expected progress"


def test_the_issue_example_3_points_behind_with_a_missed_monthly_report_names_the_report():
    """Issue 14: 3 points behind and amber for a missed monthly report: the reason is the report."""
    task = facts(progress=47, cadence="monthly", last_report_on=dt.date(2026, 5, 12), **HALFWAY)
    reason = explain(task, TODAY, RULES)
    assert points_behind(task, TODAY) == 3
    assert reason == Reason(Light.AMBER, "monthly_report_late", 3)
    with translation.override("zh-hans"):
        assert describe(reason) == "月报逾期3天"
    with translation.override("en"):
        assert describe(reason) == "monthly report 3 days late"


# --- words ------------------------------------------------------------------------------------------

WORDS = [
    (Reason(Light.RED, "overdue", 8), "已超期8天", "8 days overdue"),
    (Reason(Light.RED, "overdue", 1), "已超期1天", "1 day overdue"),
    (Reason(Light.RED, "blocked"), "已标记受阻", "flagged blocked"),
    (Reason(Light.AMBER, "behind_trajectory", 40), "落后预期进度40个百分点", "40 points behind expected progress"),
    (Reason(Light.AMBER, "behind_near_deadline", 1), "临近完成时限，落后1个百分点",
     "1 point behind, deadline near"),
    (Reason(Light.AMBER, "daily_report_late", 2), "日报逾期2天", "daily report 2 days late"),
    (Reason(Light.AMBER, "weekly_report_late", 1), "周报逾期1天", "weekly report 1 day late"),
    (Reason(Light.AMBER, "monthly_report_late", 3), "月报逾期3天", "monthly report 3 days late"),
    (Reason(Light.AMBER, "quarterly_report_late", 5), "季报逾期5天", "quarterly report 5 days late"),
    (Reason(Light.AMBER, "yearly_report_late", 5), "进展反馈逾期5天", "progress report 5 days late"),
    (Reason(Light.GREEN, "on_track"), "进度符合预期", "on track"),
    (Reason(Light.GREEN, "closed"), "当前状态不在督办中", "not under supervision in this status"),
]


@pytest.mark.parametrize(("reason", "zh", "en"), WORDS)
def test_every_reason_reads_in_both_languages(reason, zh, en):
    """Each rule's words, with singular and plural amounts."""
    with translation.override("zh-hans"):
        assert describe(reason) == zh
    with translation.override("en"):
        assert describe(reason) == en


def test_a_reason_is_labelled_with_the_colour_of_its_light():
    """The phrase for titles and labels: colour, then reason, with the language's colon."""
    with translation.override("zh-hans"):
        assert labelled(Reason(Light.AMBER, "monthly_report_late", 3)) == "黄灯：月报逾期3天"
        assert [colour_name(light) for light in Light] == ["绿灯", "黄灯", "红灯"]
    with translation.override("en"):
        assert labelled(Reason(Light.RED, "overdue", 8)) == "Red: 8 days overdue"


def test_a_stored_reason_needs_a_rule_and_a_light():
    """Rows stored before reasons existed, or without a light, have no reason; nor an unknown rule any words."""
    assert stored_reason("amber", "monthly_report_late", 3) == Reason(Light.AMBER, "monthly_report_late", 3)
    assert stored_reason("amber", "", None) is None
    assert stored_reason("", "closed", None) is None
    assert describe(None) == ""
    assert describe(Reason(Light.GREEN, "no_such_rule")) == ""
