"""Meeting dates and chairs in the forms real readouts use."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.extraction import extract

PUB = dt.date(2023, 5, 11)  # a Thursday


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("On October 7, Li Lecheng, Governor, presided over the meeting.", dt.date(2022, 10, 8), dt.date(2022, 10, 7)),
        ("On Tuesday, Premier Li Qiang chaired a State Council executive meeting.", PUB, dt.date(2023, 5, 9)),
        ("On the 28th, Governor Wang Xinwei presided over the executive meeting.", PUB, dt.date(2023, 4, 28)),
        ("On 10 May 2023, Governor Wang Xinwei presided over the executive meeting.", None, dt.date(2023, 5, 10)),
        ("Premier Li Qiang chaired a State Council executive meeting on Friday, January 19, 2024.", None, dt.date(2024, 1, 19)),
        ("On December 29, Governor Wang Hao presided over the executive meeting.", dt.date(2024, 1, 2), dt.date(2023, 12, 29)),
        ("7月2日下午，省长王新伟主持召开省政府常务会议。", dt.date(2023, 7, 3), dt.date(2023, 7, 2)),
        ("2023年5月10日，省长王凯主持召开省政府常务会议。", None, dt.date(2023, 5, 10)),
        ("国务院总理李强5月10日主持召开国务院常务会议。", PUB, dt.date(2023, 5, 10)),
    ],
)
def test_it_resolves_meeting_dates(text: str, published: dt.date | None, expected: dt.date) -> None:
    """Month-day, weekday and day-of-month resolve against the publication date; full dates stand alone."""
    assert extract(text, published).date == expected


def test_it_reads_the_publication_marker() -> None:
    """A leading 'date YYYY-MM-DD' gives the publication date that resolves the year."""
    got = extract("date 2022-10-08 On October 7, Li Lecheng, Governor, presided over the meeting.")
    assert got.published == dt.date(2022, 10, 8)
    assert got.date == dt.date(2022, 10, 7)


@pytest.mark.parametrize(
    "text",
    [
        "近日，省长王新伟主持召开省政府常务会议。会议要求，要抓好安全生产。",
        "On October 7, Li Lecheng, Governor, presided over the meeting.",
    ],
)
def test_it_leaves_unresolvable_dates_empty(text: str) -> None:
    """'近日' or a month-day with no publication date gives no date rather than a guess."""
    assert extract(text).date is None


@pytest.mark.parametrize("vague", ["近日", "日前"])
def test_a_vague_date_with_a_publication_date_is_approximate(vague: str) -> None:
    """'近日' with a publication marker gives the publication date, marked approximate."""
    got = extract(f"date 2023-06-02\n{vague}，省长王新伟主持召开专题会议。")
    assert got.date == dt.date(2023, 6, 2)
    assert "approximate" in got.date_why
    assert "approximate" in got.to_dict()["extras"]["date_why"]
    assert any("approximate" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("On October 7, Li Lecheng, Deputy Secretary of the Provincial Party Committee, Governor, presided over the meeting.", "Li Lecheng", "Deputy Secretary of the Provincial Party Committee, Governor"),
        ("On May 10, the executive meeting was held, presided over by Wang Weizhong, Governor.", "Wang Weizhong", "Governor"),
        ("The Party Group held a meeting under the chair of Huang Qiang, Governor, to study the instructions.", "Huang Qiang", "Governor"),
        ("The meeting, chaired by Premier Li Qiang, studied measures.", "Li Qiang", "Premier"),
        ("Premier Li Qiang presided over a State Council executive meeting on Friday.", "Li Qiang", "Premier"),
        ("The Executive Board met on 21 June 2023, with Councillor James Lewis, Leader of the Council, in the Chair.", "James Lewis", "Leader of the Council"),
        ("国务院总理李强5月10日主持召开国务院常务会议，研究有关举措。", "李强", "国务院总理"),
        ("5月10日，省长王新伟主持召开省政府常务会议。", "王新伟", "省长"),
        ("10月7日，省委副书记、省长李乐成主持召开省政府党组会议。", "李乐成", "省委副书记、省长"),
        ("2023年8月8日，市政府第30次常务会议召开。会议由市委副书记、市长吴庆文主持。", "吴庆文", "市委副书记、市长"),
    ],
)
def test_it_finds_the_chair(text: str, name: str, title: str) -> None:
    """Chairs before the verb, after 'presided over by', 'under the chair of', 'chaired by' and 主持."""
    got = extract(text, PUB)
    assert got.chair is not None
    assert (got.chair.name, got.chair.title) == (name, title)


def test_it_reports_no_chair_when_there_is_none() -> None:
    """A readout without a chair cue has chair None and a warning, not a crash."""
    got = extract("The meeting pointed out that the situation is stable. It is necessary to work hard.")
    assert got.chair is None
    assert "no chair found" in got.warnings
