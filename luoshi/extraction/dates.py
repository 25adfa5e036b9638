"""Meeting dates: full dates, month-day resolved against the publication date, weekdays, days."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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
    ("iso", re.compile(r"(?=\d)\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("month-day-year", re.compile(r"(?=[JFMASOND])" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)),
    ("day-month-year", re.compile(r"(?=\d)\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})\b", re.I)),
    ("month-day", re.compile(r"(?=[JFMASOND])\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d)", re.I)),
    ("day-month", re.compile(r"(?=\d)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?![\w])(?!,?\s+\d{4})", re.I)),
    ("weekday", re.compile(r"(?=[olt])\b(?:on|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I)),
    ("day-of-month", re.compile(r"(?=o)\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b", re.I)),
    ("today", re.compile(r"(?=t)\b(?:today|this (?:morning|afternoon))\b", re.I)),
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


# ---------------------------------------------------------------------------------------------
# The meeting date of a whole page: publication lines, datelines and the meeting sentence.
#
# A published readout carries several dates: the page's time line or publication field
# ("Xinhua) 11:10, February 07, 2026", "发布日期:2019-11-15", "Updated: May 30, 2020 21:23"),
# a dateline ("BEIJING, Feb. 6 (Xinhua) --", "新华社北京3月21日电") and the meeting's own day in
# the lead ("on Friday", "3月2日下午"). `meeting_date` sorts them by role:
#   1. publication lines are never the meeting date; the first one is the publication
#      date when the caller gave none;
#   2. a labelled meeting date ("Meeting: 20/09/2017", "HELD 2014 September 22",
#      "Decided at meeting: 16/07/2013") wins;
#   3. otherwise the first date in a sentence that speaks of the meeting (or a bare date
#      line in a minutes header), resolved against the dateline, else the publication date
#      ("on Friday" is the Friday on or before the dateline);
#   4. otherwise the dateline itself;
#   5. a day with no year and no publication context stays unresolved (null): a wrong
#      date is worse than none.

_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})"
_FULL_EN: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?=\d)(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("month-days-year", re.compile(r"(?=[JFMASOND])\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:(?:\s*,\s*|\s+and\s+|\s*(?:-|–|to)\s*)\d{1,2}(?:st|nd|rd|th)?)+,?\s+" + _YEAR + r"\b", re.I)),
    ("month-day-year", re.compile(r"(?=[JFMASOND])\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b", re.I)),
    ("day-month-year", re.compile(r"(?=\d)\b" + _DAY + r"\s+(?:day\s+)?(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I)),
    ("year-month-day", re.compile(r"(?=[12])\b" + _YEAR + r",?\s+" + _MONTH + r"\s+" + _DAY + r"\b", re.I)),
    ("numeric", re.compile(r"(?=\d)(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")),
]
_PART_EN: list[tuple[str, re.Pattern[str]]] = [
    ("month-day", re.compile(r"(?=[JFMASOND])\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d)(?!:)", re.I)),
    ("day-month", re.compile(r"(?=\d)(?<![\d,])\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:day\s+)?(?:of\s+)?" + _MONTH + r"(?![\w])(?!,?\s+\d)", re.I)),
    ("weekday", re.compile(r"(?=[MTWFS])\b((?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)(?:['’]s)?\b(?!,?\s+(?:\d|the\s+\d|" + _MONTH + r"(?!\w)))", re.I)),
    ("day-of-month", re.compile(r"(?=o)\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:day\s+)?of)", re.I)),
    ("yesterday", re.compile(r"(?=y)\byesterday\b", re.I)),
    ("today", re.compile(r"(?=t)\b(?:today|this (?:morning|afternoon))\b", re.I)),
]
_FULL_ZH: list[tuple[str, re.Pattern[str]]] = [
    ("zh-full", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]")),
    ("iso", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    # Taiwan pages count years from 1912 (民國114年 = 2025).
    ("roc-full", re.compile(r"(?<!\d)(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]")),
]
_PART_ZH: list[tuple[str, re.Pattern[str]]] = [
    ("zh-month-day", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號](?![电電])")),
    ("zh-weekday", re.compile(r"(?:星期|周|週)([一二三四五六日天])")),
    ("zh-day", re.compile(r"[昨今前][(（](\d{1,2})[)）]日")),
    ("zh-day", re.compile(r"(?<![\d月年])(\d{1,2})\s*日(?=[上下中晚早]|召开|召開|主持|举行|舉行|在|，|,|\s|$)")),
    ("yesterday", re.compile(r"昨[天日](?=[上下中晚早，,]|召开|召開|在)")),
    ("zh-today", re.compile(r"(?<![昨前])今[天日](?=[上下中晚早，,]|召开|召開)")),
]
# "the seventh day of September in the year two thousand", "Monday, the 3rd day of March".
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()
    )
}
_ORDINALS.update({"twenty-" + w: 20 + n for w, n in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"twenty " + w: 20 + n for w, n in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORDS_DATE = re.compile(
    r"\b(?:the\s+)?([a-z]+(?:[ -][a-z]+)?)\s+day\s+of\s+" + _MONTH
    + r"(?:,?\s+(?:in\s+)?(?:the\s+)?year\s+(?:of\s+(?:our\s+lord\s+)?)?((?:nineteen|two\s+thousand)(?:[\s-]+(?:and\s+)?[a-z]+){0,3}))?",
    re.I,
)

_NEWS_PAGE = re.compile(r"\b(?:Source|Title|Editor|Author|Reporter)\s*:|\((?:Xinhua|APP|Reuters|AFP|AP|PTI|IANS)\)")
_DAY_OF = re.compile(r"day\s+of", re.I)
_PUB_LABEL_EN = re.compile(
    r"(?:updated(?:\s+on)?|published(?:\s+on)?|publication\s+date|posted(?:\s+on)?|date\s+add(?:ed)?\s+in|"
    r"release\s+date|last\s+modified|source|Xinhua\)?)\s*[:：|,]?\s*$",
    re.I,
)
_PUB_LABEL_ZH = re.compile(
    r"(?:发布日期|發布日期|发布时间|發布時間|公开日期|公開日期|成文日期|更新时间|更新時間|发布|發布|"
    r"来源|來源|时间|時間|日期|稿源)[^\n]{0,30}?[:：|\s]*$"
)
_CLOCK_AFTER = re.compile(r"^\s*,?\s*\d{1,2}:\d{2}(?::\d{2})?(?!\s*[ap]\.?\s*m)", re.I)
_CLOCK_BEFORE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*,?\s*$")
_DOC_AFTER = re.compile(r"^\s*(?:[A-Z][a-z]+\s+)?[Mm]inutes(?![a-z])|^\s*MINUTES\b")
# "the minutes of the meeting of the Cabinet held on 6th September": another meeting's day.
_OTHER_MEETING = re.compile(
    r"\b(?:the|receive|approve|confirm|note|adopt|sign)\s+(?:the\s+)?(?:minutes|decisions|record|report)\s+of\b[^.\n]{0,80}$|\b(?:previous|last|earlier|next)\s+(?:meeting|session)\b[^.\n]{0,40}$",
    re.I,
)
# "decisions made by the Cabinet over January 15, 2024 to March 4, 2024": several meetings.
_PERIOD = re.compile(
    r"\b(?:decisions|meetings)\b[^.\n]{0,60}?\b(?:over|between|from)\s+[A-Za-z0-9 ,./-]{4,30}?\d{4}\s*(?:to|and|-|–)\s+[A-Za-z0-9 ,./-]{4,30}?\d{4}",
    re.I,
)
_US_MARKER = re.compile(
    r"\b(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|"
    r"Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|"
    r"Nevada|New\s+Hampshire|New\s+Jersey|New\s+Mexico|New\s+York|North\s+Carolina|North\s+Dakota|Ohio|Oklahoma|Oregon|"
    r"Pennsylvania|Rhode\s+Island|South\s+Carolina|South\s+Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    r"West\s+Virginia|Wisconsin|Wyoming|Councilmembers?|Board\s+of\s+Supervisors|City\s+Manager)\b|,\s*[A-Z]{2}\s+\d{5}\b"
)
# Dates that are something else's: confirmation of minutes, effective dates, deadlines.
_NOT_MEETING_BEFORE = re.compile(
    r"(?:confirmed\b[^.\n]{0,40}|approved\b[^.\n]{0,20}\bon|effective|with\s+effect\s+from|from|until|"
    r"till|by|before|through|to|over|between|expire[sd]?\s+on|deadline|valid|considered\s+by\s+[^.\n]{0,40}on|"
    r"截至|截止|至|到|前)\s*$",
    re.I,
)
_LABEL_MEETING = re.compile(
    r"(?:\bmeeting\s*:|(?<![\w ])date\s*:|\bdecided\s+at\s+meeting\s*:|\bdate\s+of\s+(?:decision|meeting)\s*:|\bheld(?:\s+on)?|"
    r"\b(?:council|cabinet)\s+adopted\s+this\s+item\s+on|会议日期[:：]?|會議日期[:：]?)"
    r"(?:\s*(?:the\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?)?\s*$",
    re.I,
)
_MEETING_CUE_EN = re.compile(
    r"\b(?:meeting|met|meets|chair(?:ed|s|ing)?|presid(?:ed|es|ing)|session|convened|held|cabinet|"
    r"council|minutes|called\s+to\s+order|plenary|sitting)\b",
    re.I,
)
_MEETING_CUE_ZH = re.compile(r"会议|會議|主持|召开|召開|常务会|常務會|办公会|辦公會|例会|例會|举行|舉行|会$|會$")
_DATELINE_EN = re.compile(
    r"(?:^|\n)\s*[A-Z][A-Za-z.'’ ]{1,30}(?:,\s*[A-Z][A-Za-z.'’ ]{1,30})?,\s+" + _MONTH + r"\s+(\d{1,2})"
    r"(?:,?\s+" + _YEAR + r")?\s*(?:\([A-Za-z/ ]{2,20}\))?\s*(?:--|—|–|-|:)"
)
_DATELINE_ZH = re.compile(r"(?<![\d月])(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日[电電]")
_YEAR_HINT = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年(?:度)?\s*第[一二三四五六七八九十\d]+次|"
    r"\b(?:meeting|session)\b[^.\n]{0,60}?\bin\s+((?:19|20)\d{2})\b(?!\s*(?:-|–|to))",
    re.I,
)
HEAD_CHARS = 2000


def _words_year(words: str | None) -> int | None:
    if not words:
        return None
    parts = [w for w in re.split(r"[\s-]+", words.lower()) if w and w != "and"]
    if parts[:2] == ["two", "thousand"]:
        rest = parts[2:]
        base = 2000
    elif parts[:1] == ["nineteen"]:
        rest = parts[1:]
        base = 1900
        if rest and rest[0] == "hundred":
            rest = rest[1:]
    else:
        return None
    value = 0
    for w in rest:
        if w in _TENS:
            value += _TENS[w]
        elif w in _UNITS:
            value += _UNITS[w]
        else:
            break
    return base + value


def _resolve_full(kind: str, m: re.Match[str], us: bool = False) -> dt.date | None:
    g = m.groups()
    if kind in ("iso", "zh-full"):
        return _safe(int(g[0]), int(g[1]), int(g[2]))
    if kind == "roc-full":
        return _safe(int(g[0]) + 1911, int(g[1]), int(g[2])) if 50 <= int(g[0]) <= 200 else None
    if kind in ("month-day-year", "month-days-year"):
        return _safe(int(g[2]), MONTHS[g[0].lower().rstrip(".")], int(g[1]))
    if kind == "day-month-year":
        return _safe(int(g[2]), MONTHS[g[1].lower().rstrip(".")], int(g[0]))
    if kind == "year-month-day":
        return _safe(int(g[0]), MONTHS[g[1].lower().rstrip(".")], int(g[2]))
    if kind == "numeric":
        a, sep, b, y = int(g[0]), g[1], int(g[2]), int(g[3])
        if y < 100:
            y += 2000 if y < 50 else 1900
        # 16/07/2013 is day/month (UK, Canada); 07/23/2013, 09-07-2000 and, on a US page,
        # 10/06/2009 are month/day.
        if b > 12 or (a <= 12 and (sep == "-" or us)):
            a, b = b, a
        return _safe(y, b, a)
    return None


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    kind: str
    m: re.Match[str] | None
    full: dt.date | None = None  # a date that stands alone (it names its year)


def _candidates(head: str, lang: str | None) -> list[_Cand]:
    """Every date expression of the head, fuller ones first where they overlap."""
    found: list[_Cand] = []
    us = lang != "zh" and _US_MARKER.search(head) is not None
    fulls = _FULL_ZH if lang == "zh" else _FULL_EN
    parts = _PART_ZH if lang == "zh" else _PART_EN
    for kind, pattern in fulls:
        for m in pattern.finditer(head):
            found.append(_Cand(m.start(), m.end(), kind, m, _resolve_full(kind, m, us)))
    if lang != "zh" and _DAY_OF.search(head):
        for m in _WORDS_DATE.finditer(head):
            day = _ORDINALS.get(re.sub(r"\s+", " ", m.group(1).lower()))
            if day is None:
                continue
            year = _words_year(m.group(3))
            month = MONTHS[m.group(2).lower().rstrip(".")]
            found.append(_Cand(m.start(), m.end(), "words", m, _safe(year, month, day) if year else None))
    for kind, pattern in parts:
        for m in pattern.finditer(head):
            found.append(_Cand(m.start(1) if m.groups() else m.start(), m.end(), kind, m))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[_Cand] = []
    for c in found:
        if out and c.start < out[-1].end:
            continue
        if c.full is None and c.kind in {k for k, _ in fulls}:
            continue  # an invalid full date (31 February) is no date
        out.append(c)
    return out


def _line_of(head: str, pos: int) -> tuple[int, int]:
    start = head.rfind("\n", 0, pos) + 1
    end = head.find("\n", pos)
    return start, (len(head) if end < 0 else end)


def _sentence_of(head: str, pos: int, lang: str | None) -> tuple[int, int]:
    ls, le = _line_of(head, pos)
    stops = "。！？!?" if lang == "zh" else ".!?"
    start = ls
    for i in range(pos - 1, ls - 1, -1):
        if head[i] in stops and (lang == "zh" or (i + 1 < le and head[i + 1] == " " and not re.search(r"\b(?:[A-Z]|Mr|Ms|Dr|No|St|Co|[A-Z][a-z]{2})\.$", head[max(ls, i - 4) : i + 1]))):
            start = i + 1
            break
    end = le
    for i in range(pos, le):
        if head[i] in stops and (lang == "zh" or i + 1 >= le or head[i + 1] == " "):
            if lang != "zh" and re.search(r"\b(?:[A-Z]|Mr|Ms|Dr|No|St|Co|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$", head[max(ls, i - 4) : i + 1]):
                continue
            end = i + 1
            break
    return start, end


def _is_publication(head: str, c: _Cand, lang: str | None) -> bool:
    if c.full is None:
        return False
    ls, le = _line_of(head, c.start)
    before = head[max(ls, c.start - 60) : c.start]
    after = head[c.end : le]
    label = _PUB_LABEL_ZH if lang == "zh" else _PUB_LABEL_EN
    if label.search(before):
        return True
    # "Date:" is the page's date on a news page and the meeting's on a minutes page.
    if lang != "zh" and re.search(r"(?<![\w ])date\s*:\s*$", before, re.I) and _NEWS_PAGE.search(head):
        return True
    if _CLOCK_AFTER.match(after) or _CLOCK_BEFORE.search(before):
        return True
    if lang == "zh" and re.match(r"\s*\d{1,2}[:：]\d{2}", after):
        return True
    return False


def _resolve_part(c: _Cand, ref: dt.date | None) -> dt.date | None:
    if c.full is not None:
        return c.full
    if c.m is None or ref is None:
        return None
    if c.kind == "yesterday":
        return ref - dt.timedelta(days=1)
    if c.kind == "words":
        return _year_for(MONTHS[c.m.group(2).lower().rstrip(".")], _ORDINALS[re.sub(r"\s+", " ", c.m.group(1).lower())], ref)
    return _resolve(c.kind, c.m, ref)


def _header_line(head: str, c: _Cand) -> bool:
    ls, le = _line_of(head, c.start)
    line = head[ls:le]
    return len(line.strip()) <= 90 and not re.search(r"[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}", line)


def _future(c: _Cand, ref: dt.date | None) -> bool:
    """A month-day later in the reference's year ("will be held on December 3" on a 26
    November page) is a coming event, not the meeting being reported."""
    if c.full is not None or ref is None or c.m is None:
        return False
    g = c.m.groups()
    if c.kind == "month-day":
        month, day = MONTHS[g[0].lower().rstrip(".")], int(g[1])
    elif c.kind == "day-month":
        month, day = MONTHS[g[1].lower().rstrip(".")], int(g[0])
    elif c.kind == "zh-month-day":
        month, day = int(g[0]), int(g[1])
    else:
        return False
    same_year = _safe(ref.year, month, day)
    return same_year is not None and 0 < (same_year - ref).days < 45


def meeting_date(
    text: str, body_start: int, lang: str | None, published: dt.date | None
) -> tuple[dt.date | None, str, tuple[int, int] | None, dt.date | None]:
    """(meeting date, why, span in `text`, publication date read from the page or None)."""
    head = text[body_start : body_start + HEAD_CHARS]
    cands = _candidates(head, lang)
    page_pub: dt.date | None = None
    pub_spans: list[tuple[int, int]] = []
    for c in cands:
        if _is_publication(head, c, lang):
            pub_spans.append((c.start, c.end))
            if page_pub is None:
                page_pub = c.full
    if page_pub is None:
        # A full date standing alone on its line at the head of the page ("2022年10月8日")
        # dates the page: it resolves a later "10月7日" (it may still be the meeting's date).
        for c in cands:
            ls, le = _line_of(head, c.start)
            if c.full is not None and not head[ls:le].replace(head[c.start:c.end], "").strip(" \t,，.。:：()（）"):
                page_pub = c.full
                break
    pub = published or page_pub
    pub_why = "" if published or page_pub is None else f", publication {page_pub.isoformat()} from the page"

    # The dateline: the reference day of the report.
    dateline: dt.date | None = None
    dl_span: tuple[int, int] | None = None
    dl_text = ""
    dl = (_DATELINE_ZH if lang == "zh" else _DATELINE_EN).search(head)
    if dl:
        if lang == "zh":
            year, month, day = dl.group(1), int(dl.group(2)), int(dl.group(3))
        else:
            month, day, year = MONTHS[dl.group(1).lower().rstrip(".")], int(dl.group(2)), dl.group(3)
        dateline = _safe(int(year), month, day) if year else _year_for(month, day, pub)
        dl_span = (dl.start(), dl.end())
        dl_text = dl.group(0).strip()
    year_hint: int | None = None
    hint_text = ""
    hint = _YEAR_HINT.search(head)
    if hint:
        year_hint = int(hint.group(1) or hint.group(2))
        hint_text = hint.group(0)
    numbered = bool(hint and hint.group(1))  # "2026年第1次常务会议": the year of the meeting itself
    ref = dateline or pub
    if ref is None and year_hint is not None:
        ref = dt.date(year_hint, 12, 31)
    ref_why = (
        f" against the dateline '{dl_text}'" if dateline
        else f" against the year in '{hint_text}'" if pub is None and year_hint
        else ""
    )

    def out(c: _Cand, how: str) -> tuple[dt.date | None, str, tuple[int, int] | None, dt.date | None]:
        # "on Friday, January 19, 2024": the date after a weekday is the same day, fuller.
        date = _resolve_part(c, ref)
        why = f"{how}: {c.kind} '{head[c.start:c.end].strip()}'"
        if c.full is None and date is not None:
            why += ref_why or ""
        if date is None:
            why += " (unresolved: no year and no publication date)"
        elif c.full is None and numbered and year_hint is not None and date.year != year_hint and (pub or dateline):
            # "14日" read against a 2026-01-09 page of the "2026年第1次常务会议": the page
            # contradicts its own meeting number, so no date rather than a wrong one.
            date = None
            why += f" (contradicts '{hint_text}')"
        elif dateline and c.full is None and c.kind not in ("weekday", "zh-weekday", "yesterday") and date > dateline:
            date = None
            why += " (after the dateline)"
        return date, why + pub_why, (body_start + c.start, body_start + c.end), page_pub

    def usable(c: _Cand) -> bool:
        if any(s <= c.start < e for s, e in pub_spans):
            return False
        if dl_span and dl_span[0] <= c.start < dl_span[1]:
            return False
        ls, _ = _line_of(head, c.start)
        before = head[max(ls, c.start - 50) : c.start]
        if _NOT_MEETING_BEFORE.search(before) and not _LABEL_MEETING.search(before):
            return False
        if c.kind == "weekday" and not re.match(r"(?:on|last|this)\b", head[c.start - 5 if c.start >= 5 else 0 : c.start].strip().split(" ")[-1] or "", re.I):
            # A bare weekday counts next to a meeting verb ("held a meeting Friday") or as "Monday's".
            around = head[max(ls, c.start - 40) : c.end + 3]
            if not re.search(r"['’]s\b", head[c.start : c.end + 2]) and not _MEETING_CUE_EN.search(around):
                return False
        ss, _ = _sentence_of(head, c.start, lang)
        if _OTHER_MEETING.search(head[ss : c.start]):
            return False
        if c.full is not None and _DOC_AFTER.match(head[c.end : c.end + 30]):
            return False  # "1988-09-20 Council minutes": the filing's title
        return True

    period = _PERIOD.search(head) if lang != "zh" else None
    if period:
        return None, f"the report covers several meetings ('{period.group(0)[:60]}')", None, page_pub
    usable_cands = [c for c in cands if usable(c) and not _future(c, ref)]
    # 2. A labelled meeting date.
    for c in usable_cands:
        ls, _ = _line_of(head, c.start)
        if c.start > 800:
            break  # labels belong to the page's header, not to mentions of other meetings
        if c.full is None:
            continue
        if _LABEL_MEETING.search(head[max(ls, c.start - 40) : c.start]):
            return out(c, "labelled meeting date")
        if _header_line(head, c):
            break  # the header's own date line comes first ("Minutes … October 3, 4 and 5, 2000")
    # 3. The first date of a sentence about the meeting, or a bare date line of a header.
    top_line: _Cand | None = None
    cue = _MEETING_CUE_ZH if lang == "zh" else _MEETING_CUE_EN
    for c in usable_cands:
        ss, se = _sentence_of(head, c.start, lang)
        sentence = head[ss:se]
        if cue.search(sentence):
            if c.kind in ("weekday", "zh-weekday", "yesterday", "today", "zh-today"):
                full = next(
                    (d for d in usable_cands if d.start >= c.end and d.start - c.end < 30 and (d.full or d.kind in ("month-day", "day-month", "zh-month-day"))),
                    None,
                )
                if full and not head[c.end : full.start].strip(" ,，的'’s"):
                    c = full
            return out(c, "date of the meeting sentence")
        ls, le = _line_of(head, c.start)
        line = head[ls:le]
        if c.full is not None and len(line.strip()) <= 90 and not re.search(r"[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}", line):
            # A bare date line above a dateline, a Chinese page's bare date line and the
            # publication date itself are the page's date, not the meeting's.
            if (dl and c.start < dl.start()) or lang == "zh" or c.full == pub:
                if top_line is None and c.start < 200 and not (dl and c.start < dl.start()):
                    top_line = c
                continue
            return out(c, "date line of the header")
    # 4. The dateline.
    if dl and dateline is not None:
        return dateline, f"dateline '{dl_text}'" + pub_why, (body_start + dl.start(), body_start + dl.end()), page_pub
    if dl:
        return None, f"dateline '{dl_text}' (unresolved: no year and no publication date)", None, page_pub
    # 5. Nothing else dates the meeting: the date line at the top of the page does.
    if top_line is not None:
        return out(top_line, "the page's date line, the only date at its top")
    return None, "no date found", None, page_pub
