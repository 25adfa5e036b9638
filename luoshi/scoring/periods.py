"""Scoring periods: a month (2024-03), a quarter (2024-Q1), a year (2024) or a date range
(2024-01-15..2024-02-20), each inclusive of both ends."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from luoshi.lib import InvalidInput


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if re.fullmatch(r"\d{4}", self.key):
            return _("%(year)s (year)") % {"year": self.key}
        match = re.fullmatch(r"(\d{4})-Q(\d)", self.key)
        if match:
            return _("%(year)s, quarter %(q)s") % {"year": match[1], "q": match[2]}
        match = re.fullmatch(r"(\d{4})-(\d{2})", self.key)
        if match:
            return _("%(year)s-%(month)s (month)") % {"year": match[1], "month": match[2]}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def month(year: int, number: int) -> Period:
    return Period(f"{year:04d}-{number:02d}", dt.date(year, number, 1),
                  dt.date(year, number, calendar.monthrange(year, number)[1]))


def quarter(year: int, number: int) -> Period:
    first = month(year, number * 3 - 2)
    last = month(year, number * 3)
    return Period(f"{year:04d}-Q{number}", first.start, last.end)


def year(number: int) -> Period:
    return Period(f"{number:04d}", dt.date(number, 1, 1), dt.date(number, 12, 31))


def date_range(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise InvalidInput(_("The period ends before it starts."))
    if (end - start).days > 366 * 5:
        raise InvalidInput(_("A period can be at most five years long."))
    return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)


def parse(text: str) -> Period:
    """A period from its key, or InvalidInput naming the forms that work."""
    text = (text or "").strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return year(int(text))
        match = re.fullmatch(r"(\d{4})-Q([1-4])", text, re.IGNORECASE)
        if match:
            return quarter(int(match[1]), int(match[2]))
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if match:
            return month(int(match[1]), int(match[2]))
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text)
        if match:
            return date_range(dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2]))
    except ValueError:
        pass
    raise InvalidInput(_("“%(text)s” is not a period; write 2024, 2024-Q1, 2024-03 or "
                         "2024-01-01..2024-03-31.") % {"text": text})


def current_quarter(today: dt.date) -> Period:
    return quarter(today.year, (today.month - 1) // 3 + 1)


def recent(today: dt.date) -> list[Period]:
    """The choices the period selector offers: recent months, quarters and years."""
    months = []
    y, m = today.year, today.month
    for _i in range(6):
        months.append(month(y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    quarters = []
    y, q = today.year, (today.month - 1) // 3 + 1
    for _i in range(4):
        quarters.append(quarter(y, q))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return quarters + months + [year(today.year), year(today.year - 1)]
