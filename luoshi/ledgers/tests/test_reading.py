"""Reading ledgers: header guesses, cell parsers and name matching (no database)."""

import datetime as dt

import pytest

from luoshi.ledgers import reading
from luoshi.lib import InvalidInput

from .helpers import HEADERS, xlsx


@pytest.mark.parametrize("text, expected", [
    ("2023-06-30", dt.date(2023, 6, 30)),
    ("2023/6/30", dt.date(2023, 6, 30)),
    ("2023.6.30", dt.date(2023, 6, 30)),
    ("2023年6月30日", dt.date(2023, 6, 30)),
    ("2023年6月30日前", dt.date(2023, 6, 30)),
    ("6月30日", dt.date(2024, 6, 30)),
    ("6月底", dt.date(2024, 6, 30)),
    ("2月底", dt.date(2024, 2, 29)),
    ("2023年6月", dt.date(2023, 6, 30)),
    ("9月中旬", dt.date(2024, 9, 20)),
    ("年底", dt.date(2024, 12, 31)),
    ("2023年底", dt.date(2023, 12, 31)),
    ("上半年", dt.date(2024, 6, 30)),
    ("2023年第二季度", dt.date(2023, 6, 30)),
    ("30 June 2023", dt.date(2023, 6, 30)),
    (45107, dt.date(2023, 6, 30)),
    (45107.0, dt.date(2023, 6, 30)),
    (dt.datetime(2023, 6, 30, 0, 0), dt.date(2023, 6, 30)),
    (dt.date(2023, 6, 30), dt.date(2023, 6, 30)),
])
def test_it_reads_dates_in_many_forms(text, expected):
    """Dates written the many ways ledgers write them all parse, with a default year."""
    assert reading.parse_date(text, 2024) == expected


@pytest.mark.parametrize("text", ["长期坚持", "明年", "2023-02-30", "13月底", "", None, 12])
def test_it_refuses_what_is_not_a_date(text):
    """Open-ended or impossible deadlines are errors, not guesses."""
    with pytest.raises(ValueError):
        reading.parse_date(text, 2024)


@pytest.mark.parametrize("value, expected", [("40%", 40), ("40％", 40), (0.4, 40), ("0.4", 40), (40, 40),
                                             ("75", 75), (1.0, 100), (0, 0), ("100%", 100)])
def test_it_reads_progress(value, expected):
    """Progress comes as 40%, 0.4 or 40."""
    assert reading.parse_progress(value) == expected


@pytest.mark.parametrize("value", ["120%", "half", -5, True])
def test_it_refuses_bad_progress(value):
    """Progress outside 0–100 % or not a number is an error."""
    with pytest.raises(ValueError):
        reading.parse_progress(value)


def test_it_guesses_chinese_and_english_headers():
    """Common Chinese and English headers map to Luoshi fields."""
    zh = reading.guess_mapping(["序号", "督办事项", "牵头单位（盖章）", "协办单位", "联系人", "办结时限", "落实情况",
                                "完成进度", "办理状态", "来源", "重点领域"])
    assert zh == {"number": 0, "title": 1, "lead_unit": 2, "cooperating_units": 3, "person_responsible": 4,
                  "deadline": 5, "progress_text": 6, "progress": 7, "status": 8, "source": 9, "priority_area": 10}
    en = reading.guess_mapping(["No.", "Task", "Lead unit", "Cooperating units", "Person responsible", "Deadline",
                                "Progress", "Status"])
    assert en == {"number": 0, "title": 1, "lead_unit": 2, "cooperating_units": 3, "person_responsible": 4,
                  "deadline": 5, "progress": 6, "status": 7}


def test_it_finds_the_header_row_below_a_title():
    """The header is the first row naming at least three known columns."""
    rows = [("2023年督办台账",), (None,), ("填报单位：督查室", "日期"), tuple(HEADERS)]
    assert reading.guess_header_row(rows) == 3


def test_it_matches_unit_names_exactly_partly_and_refuses_ambiguity():
    """Exact names and codes match, unique partial names match, ambiguous ones are errors."""
    matcher = reading.NameMatcher([
        reading.Named(1, "省应急管理厅", ("省应急管理厅", "Emergency Management", "EMERG")),
        reading.Named(2, "省卫生健康委", ("省卫生健康委", "Health Commission", "HEALTH")),
        reading.Named(3, "沈阳市", ("沈阳市", "Shenyang", "SY")),
        reading.Named(4, "沈阳市和平区", ("沈阳市和平区", "Heping", "SY-HP")),
    ], "unit")
    assert matcher.match("应急厅").pk == 1
    assert matcher.match("emerg").pk == 1
    assert matcher.match("卫生健康委").pk == 2
    assert matcher.match("沈阳市").pk == 3
    with pytest.raises(ValueError, match="could be any of"):
        matcher.match("沈阳")
    with pytest.raises(ValueError, match="No unit"):
        matcher.match("省财政厅")


def test_it_refuses_a_file_that_is_not_a_workbook():
    """A text file renamed .xlsx gives a clear message."""
    import io

    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        reading.read_workbook(io.BytesIO(b"just text"), max_rows=100)


def test_it_refuses_an_empty_workbook():
    """A workbook with nothing in it is refused."""
    import io

    with pytest.raises(InvalidInput, match="empty"):
        reading.read_workbook(io.BytesIO(xlsx([], title_rows=0)), max_rows=100)
