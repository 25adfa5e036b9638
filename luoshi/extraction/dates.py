"""Meeting dates: full dates, month-day resolved against the publication date, weekdays, days."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
WEEKDAYS_EN = {
    d: i
    for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
WEEKDAYS_ZH = {c: i for i, c in enumerate("一二三四五六日")}
WEEKDAYS_ZH["天"] = 6

_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_EN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("month-day-year", re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)),
    ("day-month-year", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})\b", re.I)),
    ("month-day", re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d)", re.I)),
    ("day-month", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?![\w])(?!,?\s+\d{4})", re.I)),
    ("weekday", re.compile(r"\b(?:on|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I)),
    ("day-of-month", re.compile(r"\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b", re.I)),
    ("today", re.compile(r"\b(?:today|this (?:morning|afternoon))\b", re.I)),
]
_ZH_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")),
    ("zh-full", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("zh-month-day", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("zh-weekday", re.compile(r"(?:星期|周)([一二三四五六日天])")),
    ("zh-day", re.compile(r"(?<![\d月年])(\d{1,2})\s*日(?=[上下中晚早]|召开|，|,|\s|$)")),
    ("zh-today", re.compile(r"(?<![昨前])今[天日](?=[上下中晚早，]|召开)")),
]
VAGUE = re.compile(r"近日|日前|近期|recently|in recent days", re.I)
# "近日"/"日前"/"recently" as the meeting's time: a readout is published the day of the
# meeting or just after, so the publication date is a fair, approximate meeting date.
# ("近期" names a period, not a day.)
VAGUE_DAY = re.compile(r"近日|日前|recently|in recent days", re.I)
APPROXIMATE = "approximate"


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, published: dt.date | None) -> dt.date | None:
    """A month-day with no year is the latest such day on or before publication."""
    if published is None:
        return None
    date = _safe(published.year, month, day)
    if date is None or date > published:
        date = _safe(published.year - 1, month, day)
    return date


def _day_of_month(day: int, published: dt.date | None) -> dt.date | None:
    if published is None:
        return None
    date = _safe(published.year, published.month, day)
    if date is None or date > published:
        prev = published.replace(day=1) - dt.timedelta(days=1)
        date = _safe(prev.year, prev.month, day)
    return date


def _weekday(weekday: int, published: dt.date | None) -> dt.date | None:
    if published is None:
        return None
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _resolve(kind: str, m: re.Match[str], published: dt.date | None) -> dt.date | None:
    g = m.groups()
    if kind in ("iso", "zh-full"):
        return _safe(int(g[0]), int(g[1]), int(g[2]))
    if kind == "month-day-year":
        return _safe(int(g[2]), MONTHS[g[0].lower().rstrip(".")], int(g[1]))
    if kind == "day-month-year":
        return _safe(int(g[2]), MONTHS[g[1].lower().rstrip(".")], int(g[0]))
    if kind == "month-day":
        return _year_for(MONTHS[g[0].lower().rstrip(".")], int(g[1]), published)
    if kind == "day-month":
        return _year_for(MONTHS[g[1].lower().rstrip(".")], int(g[0]), published)
    if kind == "zh-month-day":
        return _year_for(int(g[0]), int(g[1]), published)
    if kind == "weekday":
        return _weekday(WEEKDAYS_EN[g[0].lower()], published)
    if kind == "zh-weekday":
        return _weekday(WEEKDAYS_ZH[g[0]], published)
    if kind in ("day-of-month", "zh-day"):
        return _day_of_month(int(g[0]), published)
    if kind in ("today", "zh-today"):
        return published
    return None


def find_date(
    text: str, lang: str | None, published: dt.date | None
) -> tuple[dt.date | None, str, tuple[int, int] | None]:
    """The earliest date expression in `text` (the lead), resolved; (None, why, None) if none."""
    patterns = _ZH_PATTERNS if lang == "zh" else _EN_PATTERNS
    best: tuple[int, str, re.Match[str]] | None = None
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            # Earliest wins; at the same place, the fuller pattern (listed first) wins.
            if best is None or m.start() < best[0]:
                best = (m.start(), kind, m)
            break
    if best is None:
        vague = VAGUE.search(text)
        if vague is None:
            return None, "no date found", None
        day = VAGUE_DAY.search(text)
        if day and published is not None:
            return (
                published,
                f"vague date '{day.group(0)}' → publication date ({APPROXIMATE}: "
                "a readout is published the day of or just after the meeting)",
                (day.start(), day.end()),
            )
        return None, "vague date '" + vague.group(0) + "'", None
    _, kind, m = best
    if kind in ("weekday", "zh-weekday", "today", "zh-today"):
        # "on Friday, January 19, 2024": the full date right after a weekday wins.
        for full_kind in ("month-day-year", "day-month-year", "zh-full", "month-day", "day-month", "zh-month-day"):
            full = dict(patterns).get(full_kind)
            if full is None:
                continue
            nxt = full.search(text, m.end(), m.end() + 30)
            if nxt and not text[m.end() : nxt.start()].strip(" ,，"):
                kind, m = full_kind, nxt
                break
    date = _resolve(kind, m, published)
    why = f"{kind} '{m.group(0)}'"
    if date is None:
        why += " (unresolved: no publication date)" if published is None else " (invalid)"
    return date, why, (m.start(), m.end())
