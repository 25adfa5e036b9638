"""Time limits per directive, resolved against the meeting date."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from luoshi.extraction import extract
from luoshi.extraction.deadlines import SPRING_FESTIVAL, add_working_days, find_deadline

MEETING = dt.date(2026, 12, 7)


def _due(text: str, lang: str = "zh", meeting: dt.date = MEETING) -> tuple[str | None, str | None]:
    found = find_deadline(text, lang, meeting)
    if found is None:
        return None, None
    assert text[found.span[0]:found.span[1]] == found.text
    return (found.date.isoformat() if found.date else None), found.text


@pytest.mark.parametrize(("text", "date", "words"), [
    ("市发展改革委要牵头制定方案，12月31日前报市政府。", "2026-12-31", "12月31日前"),
    ("2027年1月15日前完成。", "2027-01-15", "2027年1月15日前"),
    ("10月底前完成自查。", "2027-10-31", "10月底前"),  # October 2026 has passed
    ("12月底前完成。", "2026-12-31", "12月底前"),
    ("年底前全面完成。", "2026-12-31", "年底前"),
    ("2027年底前建成。", "2027-12-31", "2027年底前"),
    ("春节前完成首批交付。", "2027-02-06", "春节前"),
    ("两周内拿出方案。", "2026-12-21", "两周内"),
    ("一个月内完成整改。", "2027-01-07", "一个月内"),
    ("15天内反馈。", "2026-12-22", "15天内"),
    ("本月底前上报。", "2026-12-31", "本月底前"),
    ("完成时限：2027年3月31日。", "2027-03-31", "完成时限：2027年3月31日"),
])
def test_it_resolves_chinese_time_limits(text: str, date: str, words: str) -> None:
    """Each written form resolves to the day it names, counted from the meeting."""
    assert _due(text) == (date, words)


@pytest.mark.parametrize(("text", "date", "words"), [
    ("The bureau shall submit the plan by 30 June.", "2027-06-30", "by 30 June"),
    ("Finish the survey by the end of this year.", "2026-12-31", "by the end of this year"),
    ("Report back within 10 working days.", "2026-12-21", "within 10 working days"),
    ("Reply within two weeks.", "2026-12-21", "within two weeks"),
    ("Deliver by March 15, 2027.", "2027-03-15", "by March 15, 2027"),
    ("Complete it by the end of January.", "2027-01-31", "by the end of January"),
])
def test_it_resolves_english_time_limits(text: str, date: str, words: str) -> None:
    """English forms too; a day-month without a year is the next such day."""
    assert _due(text, "en") == (date, words)


def test_it_counts_working_days_through_national_day_and_a_make_up_saturday() -> None:
    """From Friday 26 September 2025: the 8-day National Day holiday is skipped, the make-up
    Sunday 28 September and Saturday 11 October (调休) count as working days."""
    friday = dt.date(2025, 9, 26)
    assert _due("5个工作日内完成。", meeting=friday) == ("2025-10-10", "5个工作日内")
    assert _due("6个工作日内完成。", meeting=friday) == ("2025-10-11", "6个工作日内")
    assert dt.date(2025, 10, 11).weekday() == 5  # a Saturday, and a working day
    assert _due("Report within 1 working day.", "en", friday) == ("2025-09-28", "within 1 working day")


def test_it_says_when_the_official_calendar_has_no_data() -> None:
    """Beyond the calendar's years weekends alone are skipped, and the why says so."""
    last = max(y for y in range(2004, 2100) if _covered(y))
    day, known = add_working_days(dt.date(last + 1, 3, 6), 1)  # a Friday in 2027
    assert known is False and day.weekday() == 0
    found = find_deadline("5个工作日内", "zh", dt.date(last + 1, 3, 1))
    assert found is not None and "weekends only" in found.why


def _covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def test_spring_festival_table_agrees_with_the_holiday_calendar() -> None:
    """Each tabled Spring Festival day is a Spring Festival holiday in the official calendar."""
    checked = 0
    for year, day in SPRING_FESTIVAL.items():
        if not _covered(year):
            continue
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        assert on_holiday and name == chinese_calendar.Holiday.spring_festival.value, year
        checked += 1
    assert checked >= 10


def test_a_relative_limit_without_a_meeting_date_keeps_its_words() -> None:
    """No meeting date: a relative limit has no date but its words and span stay; an absolute one resolves."""
    found = find_deadline("两周内完成", "zh", None)
    assert found is not None and found.date is None and found.text == "两周内"
    assert _due("2027年1月15日前完成", meeting=None) == ("2027-01-15", "2027年1月15日前")  # type: ignore[arg-type]


def test_it_finds_no_deadline_where_none_is_written() -> None:
    """五年内 is a plan's horizon, not 年内; a plain requirement has no limit."""
    assert _due("要加强监管。") == (None, None)
    assert _due("五年内基本建成。")[1] != "年内"


def test_the_extraction_carries_the_deadline_with_its_span() -> None:
    """extract() resolves against the meeting date read from the lead, not the publication date."""
    text = ("2026年12月7日，市长王明主持召开市政府常务会议。\n"
            "会议强调，市发展改革委要牵头制定促消费实施方案，12月31日前报市政府。")
    directive = extract(text, published=dt.date(2026, 12, 9)).directives[0]
    assert directive.deadline == dt.date(2026, 12, 31) and directive.deadline_text == "12月31日前"
    assert directive.deadline_span is not None
    assert text[directive.deadline_span[0]:directive.deadline_span[1]] == "12月31日前"
    assert directive.to_dict()["deadline"] == "2026-12-31"



def test_a_recurring_report_is_not_a_deadline() -> None:
    """每月底前/每年底前 set a cadence, not one date."""
    assert _due("每月底前报送工作进展。") == (None, None)
    assert _due("每年底前开展评估。") == (None, None)


@pytest.mark.parametrize(("text", "lang", "date", "words"), [
    ("确保新建项目一季度开工达到35%。", "zh", "2027-03-31", "一季度"),
    ("12月中旬前完成。", "zh", "2026-12-20", "12月中旬前"),
    ("上半年全面完成。", "zh", "2027-06-30", "上半年"),
    ("A report will be ready by mid-December 2026.", "en", "2026-12-15", "by mid-December 2026"),
    ("The Task Force is to submit a report by July 2027.", "en", "2027-07-31", "by July 2027"),
    ("be approved by no later than 31 December 2026", "en", "2026-12-31", "by no later than 31 December 2026"),
])
def test_it_reads_quarters_decades_and_month_limits(text: str, lang: str, date: str, words: str) -> None:
    """一季度, 中旬, 上半年, "by mid-December", "by July 2027", "by no later than …"."""
    assert _due(text, lang) == (date, words)


def test_a_quarterly_report_is_not_a_deadline() -> None:
    """每季度末 sets a cadence."""
    assert _due("每季度末报送进展。") == (None, None)


def test_a_quarter_or_half_year_named_as_a_period_is_not_a_deadline() -> None:
    """夺取一季度"开门红", 抓好下半年工作, 交出三季度报表 name a period of work, not a limit;
    一季度末前 and 上半年内 are limits."""
    assert _due("奋力夺取一季度“开门红”。") == (None, None)
    assert _due("全力抓好下半年各项重点工作。") == (None, None)
    assert _due("努力交出三季度经济社会发展高分报表。") == (None, None)
    assert _due("一季度末前完成清理。") == ("2027-03-31", "一季度末前")
    assert _due("上半年内完成验收。") == ("2027-06-30", "上半年内")


def test_it_reads_weeks_and_quarter_ends() -> None:
    """本周内 (the meeting week's Sunday), 本周五前, 下周内; "by end-June", "by the end of Q3 2027"."""
    monday = dt.date(2026, 3, 2)
    assert find_deadline("本周内报送", "zh", monday).date == dt.date(2026, 3, 8)  # type: ignore[union-attr]
    assert find_deadline("本周五前报送", "zh", monday).date == dt.date(2026, 3, 6)  # type: ignore[union-attr]
    assert find_deadline("下周内完成", "zh", monday).date == dt.date(2026, 3, 15)  # type: ignore[union-attr]
    assert find_deadline("每周五前报送", "zh", monday) is None
    assert find_deadline("report by end-June 2026", "en", monday).date == dt.date(2026, 6, 30)  # type: ignore[union-attr]
    assert find_deadline("done by the end of the first quarter", "en", monday).date == dt.date(2026, 3, 31)  # type: ignore[union-attr]
    found = find_deadline("by the end of Q3 2027", "en", None)
    assert found is not None and found.date == dt.date(2027, 9, 30)
