"""Time limits a directive states ("12月31日前", "两周内", "by 30 June", "within 10 working
days"), resolved against the meeting date.

Month-days without a year are the first such day on or after the meeting; "年底前" is the
31 December of the meeting's year; "春节前" the next Spring Festival (a small table of
lunar new-year days); "N个工作日内" counts working days after the meeting through the
official holiday calendar (`chinese-calendar`, which knows the 调休 make-up Saturdays and
Sundays). Where that calendar has no data for a year, weekends alone are skipped and the
`why` says so. No network, no Django: the calendar ships its data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .dates import MONTHS
from .model import Span

# 正月初一 by Gregorian year (Purple Mountain Observatory tables). Checked in the tests
# against the holiday calendar's own Spring Festival holidays for the years it covers.
SPRING_FESTIVAL = {
    2015: dt.date(2015, 2, 19), 2016: dt.date(2016, 2, 8), 2017: dt.date(2017, 1, 28),
    2018: dt.date(2018, 2, 16), 2019: dt.date(2019, 2, 5), 2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12), 2022: dt.date(2022, 2, 1), 2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10), 2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6), 2028: dt.date(2028, 1, 26), 2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3), 2031: dt.date(2031, 1, 23), 2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31), 2034: dt.date(2034, 2, 19), 2035: dt.date(2035, 2, 8),
}
# Festivals on fixed Gregorian days.
_FIXED_FESTIVALS = {"元旦": (1, 1), "五一": (5, 1), "劳动节": (5, 1), "国庆节": (10, 1), "国庆": (10, 1)}
# Working days are counted at most this far: a time limit of years is not "N working days".
MAX_WORKING_DAYS = 370

_ZH_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "半": 0}
_EN_NUM = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30}

_BEFORE = r"(?:之?前|以前|为止|止)"
_ZH_NUMBER = r"(\d{1,3}|[一两二三四五六七八九十]{1,3})"
_DONE = r"(?:全面|基本|全部|全力)?(?:完成|开工|建成|投产|竣工|到位|落地|启动|上线|办结|出台|印发|见效|实现|交付|通车|运营)"
_ZH_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]\s*" + _BEFORE)),
    ("ym-end", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末)\s*" + _BEFORE + "?")),
    ("y-end", re.compile(r"(\d{4})\s*年\s*(?:底|末)\s*" + _BEFORE + "?")),
    ("md", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]\s*" + _BEFORE)),
    ("m-end", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(?:底|末)\s*" + _BEFORE + "?")),
    ("limit-ymd", re.compile(r"(?:完成|办结)?时限[:：为]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("limit-md", re.compile(r"(?:完成|办结)?时限[:：为]?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("this-year-end", re.compile(r"(?:今年|本年度?|(?<![\d一二三四五六七八九十两个明去每])年)(?:底|末)\s*" + _BEFORE + r"?|(?:今年|本年度?)内|(?<![\d一二三四五六七八九十两个明去今])年内")),
    ("next-year-end", re.compile(r"明年(?:底|末)\s*" + _BEFORE + "?")),
    ("this-month-end", re.compile(r"(?:本|当)月(?:底|末)\s*" + _BEFORE + r"?|(?<![\d一二三四五六七八九十上下本当每个])月(?:底|末)\s*" + _BEFORE)),
    ("next-month-end", re.compile(r"下(?:个)?月(?:底|末)\s*" + _BEFORE + "?")),
    ("this-week", re.compile(r"(?:本|这)周(?:内|之内|末\s*" + _BEFORE + r"|([五六日])\s*" + _BEFORE + ")")),
    ("next-week", re.compile(r"下周(?:内|之内|末\s*" + _BEFORE + r"|([五六日])\s*" + _BEFORE + ")")),
    ("md-xun", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(上|中|下)旬\s*" + _BEFORE + "?")),
    # A quarter or half-year is a limit when the words say so (前/内/末/底) or a completion
    # follows ("一季度开工", "上半年全面完成"); "夺取一季度开门红", "抓好下半年工作" name a period.
    ("quarter", re.compile(r"(?<![每各])(?:第)?([一二三四1-4])\s*季度(?:(?:末|底)\s*(?:" + _BEFORE[3:-1] + r")?|\s*(?:"
                           + _BEFORE[3:-1] + r"|内|之内)|(?=" + _DONE + "))")),
    ("half-year", re.compile(r"(?<![每])(上|下)半年(?:\s*(?:" + _BEFORE[3:-1] + r"|内|之内|末|底)|(?=" + _DONE + "))")),
    ("spring-festival", re.compile(r"(?:春节|农历新年)\s*" + _BEFORE)),
    ("festival", re.compile(r"(元旦|五一|劳动节|国庆节?)\s*" + _BEFORE)),
    ("working-days", re.compile(_ZH_NUMBER + r"\s*个?\s*工作日\s*(?:内|之内|以内)")),
    ("days", re.compile(_ZH_NUMBER + r"\s*(?:天|日)\s*(?:内|之内|以内)")),
    ("weeks", re.compile(_ZH_NUMBER + r"\s*(?:个)?\s*(?:周|星期)\s*(?:内|之内|以内)")),
    ("months", re.compile(r"(\d{1,2}|[一两二三四五六七八九十半]{1,3})\s*个\s*月\s*(?:内|之内|以内)")),
]
_EN_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_EN_BY = r"(?:(?:\bby\s+)?\b(?:no|not)\s+later\s+than\s+|\b(?:by|before|on\s+or\s+before)\s+)"
_EN_COUNT = r"(\d{1,3}|one|a|an|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty)"
_EN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("en-dmy", re.compile(_EN_BY + r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _EN_MONTH + r",?\s+(\d{4})\b", re.I)),
    ("en-mdy", re.compile(_EN_BY + _EN_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)),
    ("en-dm", re.compile(_EN_BY + r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _EN_MONTH + r"\b", re.I)),
    ("en-md", re.compile(_EN_BY + _EN_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I)),
    ("en-month-end", re.compile(_EN_BY + r"(?:the\s+)?end[-\s]+(?:of\s+)?" + _EN_MONTH + r"(?:\s+(\d{4}))?\b", re.I)),
    ("en-quarter", re.compile(_EN_BY + r"(?:the\s+)?end\s+of\s+(?:(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|Q([1-4]))"
                              r"(?:\s+(?:of\s+)?(\d{4}))?\b", re.I)),
    ("en-mid-month", re.compile(_EN_BY + r"mid-?\s*" + _EN_MONTH + r"(?:\s+(\d{4}))?\b", re.I)),
    ("en-month", re.compile(_EN_BY + _EN_MONTH + r"(?:\s+(\d{4}))?\b(?!\s*\d)", re.I)),
    ("en-year-end", re.compile(_EN_BY + r"(?:the\s+end\s+of\s+(?:this|the)\s+year|(?:the\s+)?(?:year[-\s]end|end\s+of\s+the\s+year))\b|\bwithin\s+(?:this|the)\s+year\b", re.I)),
    ("en-y-end", re.compile(_EN_BY + r"the\s+end\s+of\s+(\d{4})\b", re.I)),
    ("en-month-end-this", re.compile(_EN_BY + r"the\s+end\s+of\s+(?:this|the)\s+month\b", re.I)),
    ("en-spring-festival", re.compile(_EN_BY + r"(?:the\s+)?(?:Spring\s+Festival|Chinese\s+New\s+Year|Lunar\s+New\s+Year)\b", re.I)),
    ("en-working-days", re.compile(r"\bwithin\s+" + _EN_COUNT + r"\s+(?:working|business)\s+days?\b", re.I)),
    ("en-days", re.compile(r"\bwithin\s+" + _EN_COUNT + r"\s+(?:calendar\s+)?days?\b", re.I)),
    ("en-weeks", re.compile(r"\bwithin\s+" + _EN_COUNT + r"\s+weeks?\b", re.I)),
    ("en-months", re.compile(r"\bwithin\s+" + _EN_COUNT + r"\s+months?\b", re.I)),
]


# Every pattern above needs one of these; most directives have none, and are done at once.
_ZH_TRIGGER = re.compile(r"[前内底末止旬]|时限|季度|半年")
_EN_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_EN_TRIGGER = re.compile(r"\b(?:by|before|within|later\s+than)\b", re.I)


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None
    text: str
    span: Span  # offsets into the text given to find_deadline
    why: str


def _zh_number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word == "半":
        return None
    if word == "十":
        return 10
    if word.startswith("十"):
        return 10 + _ZH_NUM.get(word[1:], 0)
    if "十" in word:
        tens, _, ones = word.partition("十")
        return _ZH_NUM.get(tens, 0) * 10 + (_ZH_NUM.get(ones, 0) if ones else 0)
    return _ZH_NUM.get(word)


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date | None:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _on_or_after(month: int, day: int | None, meeting: dt.date) -> dt.date | None:
    """The first (month, day) — or month end when day is None — on or after the meeting."""
    for year in (meeting.year, meeting.year + 1):
        date = _month_end(year, month) if day is None else _safe(year, month, day)
        if date is not None and date >= meeting:
            return date
    return None


def _add_months(date: dt.date, months: int) -> dt.date:
    month0 = date.month - 1 + months
    year, month = date.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def spring_festival_after(meeting: dt.date) -> dt.date | None:
    """The first Spring Festival (lunar new year's day) on or after the meeting."""
    for year in (meeting.year, meeting.year + 1):
        day = SPRING_FESTIVAL.get(year)
        if day is not None and day >= meeting:
            return day
    return None


def _is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, known from the official calendar)."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a dependency of the project
        return day.weekday() < 5, False
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # a year the calendar has no data for
        return day.weekday() < 5, False


def add_working_days(start: dt.date, count: int) -> tuple[dt.date, bool]:
    """The `count`-th working day after `start`, and whether the official calendar covered it."""
    day, known_all = start, True
    left = max(0, min(count, MAX_WORKING_DAYS))
    while left:
        day += dt.timedelta(days=1)
        workday, known = _is_workday(day)
        known_all = known_all and known
        if workday:
            left -= 1
    return day, known_all


def _resolve(kind: str, g: tuple[str, ...], meeting: dt.date) -> tuple[dt.date | None, str]:
    if kind in ("ymd", "limit-ymd"):
        return _safe(int(g[0]), int(g[1]), int(g[2])), ""
    if kind == "ym-end":
        return _month_end(int(g[0]), int(g[1])), ""
    if kind in ("y-end", "en-y-end"):
        return _safe(int(g[0]), 12, 31), ""
    if kind in ("md", "limit-md"):
        return _on_or_after(int(g[0]), int(g[1]), meeting), ""
    if kind == "m-end":
        return (_on_or_after(int(g[0]), None, meeting) if 1 <= int(g[0]) <= 12 else None), ""
    if kind in ("this-year-end", "en-year-end"):
        return dt.date(meeting.year, 12, 31), ""
    if kind == "next-year-end":
        return dt.date(meeting.year + 1, 12, 31), ""
    if kind in ("this-month-end", "en-month-end-this"):
        return _month_end(meeting.year, meeting.month), ""
    if kind in ("this-week", "next-week"):
        # 本周内: by the Sunday of the meeting's week; 本周五前: by its Friday; 下周: a week on.
        last = {"五": 4, "六": 5, "日": 6}.get(g[0], 6)
        return meeting + dt.timedelta(days=last - meeting.weekday() + (7 if kind == "next-week" else 0)), ""
    if kind == "en-quarter":
        quarter = _EN_QUARTERS[g[0].lower()] if g[0] else int(g[1])  # the pattern names only these
        if g[2]:
            return _month_end(int(g[2]), quarter * 3), ""
        return _on_or_after(quarter * 3, None, meeting), ""
    if kind == "next-month-end":
        nxt = _add_months(meeting.replace(day=1), 1)
        return _month_end(nxt.year, nxt.month), ""
    if kind in ("spring-festival", "en-spring-festival"):
        day = spring_festival_after(meeting)
        return day, "" if day else "Spring Festival outside the table"
    if kind == "festival":
        month, day_of = _FIXED_FESTIVALS[g[0]]
        return _on_or_after(month, day_of, meeting), ""
    if kind in ("working-days", "en-working-days"):
        n = _zh_number(g[0]) if kind == "working-days" else _EN_NUM.get(g[0].lower(), None)
        if n is None and g[0].isdigit():
            n = int(g[0])
        if not n or n > MAX_WORKING_DAYS:
            return None, "count out of range"
        day, known = add_working_days(meeting, n)
        return day, "official holiday calendar" if known else "weekends only: no official calendar for that year"
    if kind in ("days", "weeks", "en-days", "en-weeks"):
        n = _zh_number(g[0]) if kind in ("days", "weeks") else _EN_NUM.get(g[0].lower())
        if n is None and g[0].isdigit():
            n = int(g[0])
        if not n or n > 3660:
            return None, "count out of range"
        return meeting + dt.timedelta(days=n * (7 if "weeks" in kind else 1)), ""
    if kind in ("months", "en-months"):
        if g[0] == "半":
            return meeting + dt.timedelta(days=15), ""
        n = _zh_number(g[0]) if kind == "months" else _EN_NUM.get(g[0].lower())
        if n is None and g[0].isdigit():
            n = int(g[0])
        if not n or n > 120:
            return None, "count out of range"
        return _add_months(meeting, n), ""
    if kind in ("en-dmy", "en-mdy"):
        day_text, month_name = (g[0], g[1]) if kind == "en-dmy" else (g[1], g[0])
        return _safe(int(g[2]), MONTHS[month_name.lower().rstrip(".")], int(day_text)), ""
    if kind in ("en-dm", "en-md"):
        day_text, month_name = (g[0], g[1]) if kind == "en-dm" else (g[1], g[0])
        return _on_or_after(MONTHS[month_name.lower().rstrip(".")], int(day_text), meeting), ""
    if kind == "md-xun":
        month = int(g[0])
        if not 1 <= month <= 12:
            return None, ""
        if g[1] == "下":
            return _on_or_after(month, None, meeting), ""
        return _on_or_after(month, 10 if g[1] == "上" else 20, meeting), ""
    if kind == "quarter":
        quarter = {"一": 1, "二": 2, "三": 3, "四": 4}.get(g[0]) or int(g[0])
        return _on_or_after(quarter * 3, None, meeting), ""
    if kind == "half-year":
        return _on_or_after(6 if g[0] == "上" else 12, None, meeting), ""
    if kind == "en-mid-month":
        month = MONTHS[g[0].lower().rstrip(".")]
        return (_safe(int(g[1]), month, 15) if g[1] else _on_or_after(month, 15, meeting)), ""
    if kind == "en-month":
        month = MONTHS[g[0].lower().rstrip(".")]
        return (_month_end(int(g[1]), month) if g[1] else _on_or_after(month, None, meeting)), ""
    if kind == "en-month-end":
        month = MONTHS[g[0].lower().rstrip(".")]
        if g[1]:
            return _month_end(int(g[1]), month), ""
        return _on_or_after(month, None, meeting), ""
    return None, ""


def find_deadline(text: str, lang: str | None, meeting: dt.date | None) -> Deadline | None:
    """The first time limit stated in `text`, resolved against the meeting date (None when
    the meeting date is unknown and the limit is relative; `text`/`span` still say where)."""
    zh = lang == "zh"
    if not (_ZH_TRIGGER if zh else _EN_TRIGGER).search(text):
        return None
    patterns = _ZH_PATTERNS if zh else _EN_PATTERNS
    best: tuple[int, int, str, re.Match[str]] | None = None
    for order, (kind, pattern) in enumerate(patterns):
        m = pattern.search(text)
        # Earliest wins; at the same place, the fuller pattern (listed first) wins.
        if m and (best is None or m.start() < best[0] or (m.start() == best[0] and m.end() > best[3].end())):
            best = (m.start(), order, kind, m)
    if best is None:
        return None
    _, _, kind, m = best
    words = m.group(0).strip()
    span = (m.start(), m.start() + len(m.group(0).rstrip()))
    if meeting is None:
        absolute = kind in ("ymd", "limit-ymd", "ym-end", "y-end", "en-dmy", "en-mdy", "en-y-end") or (
            kind in ("en-month", "en-mid-month", "en-month-end", "en-quarter") and bool(m.groups()[-1]))
        if not absolute:
            return Deadline(None, words, span, f"{kind} '{words}' (unresolved: no meeting date)")
        meeting = dt.date(1, 1, 1)
    try:
        date, note = _resolve(kind, tuple(g or "" for g in m.groups()), meeting)
    except (ValueError, OverflowError):  # past the calendar's end (year 9999)
        date, note = None, "out of the calendar's range"
    why = f"{kind} '{words}'" + (f" ({note})" if note else "")
    if date is None and not note:
        why += " (invalid date)"
    return Deadline(date, words, span, why)
