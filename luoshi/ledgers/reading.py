"""Reading an Excel ledger (台账): the workbook, its header row, the column guesses, and
every cell parsed and checked. Nothing here writes to the database.

The checks report each problem by Excel row number and column header, so the supervision
office can fix the file and upload it again; the import (services.import_ledger) runs only
when there is no error at all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from luoshi.lib import InvalidInput, control_character_in, without_control_characters
from luoshi.tasks.lifecycle import Status

# --- the fields a ledger column can feed -------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # a lazy translation
    required: bool
    aliases: tuple[str, ...]  # normalised header texts, Chinese and English


FIELDS: tuple[Field, ...] = (
    Field("number", gettext_lazy("No."), False, ("序号", "编号", "no", "no.", "number", "#", "item no")),
    Field("title", gettext_lazy("Task"), True,
          ("督办事项", "工作任务", "事项名称", "督办内容", "任务名称", "重点任务", "工作事项", "任务", "事项",
           "task", "tasks", "item", "task description", "action")),
    Field("detail", gettext_lazy("Details"), False,
          ("具体内容", "任务内容", "工作要求", "具体要求", "工作措施", "details", "description", "requirements")),
    Field("lead_unit", gettext_lazy("Lead unit"), True,
          ("牵头单位", "责任单位", "主办单位", "牵头部门", "责任部门", "承办单位", "lead unit", "lead",
           "responsible unit", "lead department", "owner")),
    Field("cooperating_units", gettext_lazy("Cooperating units"), False,
          ("配合单位", "协办单位", "配合部门", "协助单位", "cooperating units", "cooperating unit",
           "supporting units", "co-lead", "partners")),
    Field("person_responsible", gettext_lazy("Person responsible"), False,
          ("责任人", "联系人", "负责人", "责任领导", "person responsible", "responsible person", "contact")),
    Field("deadline", gettext_lazy("Deadline"), True,
          ("完成时限", "办结时限", "截止日期", "完成时间", "时限", "完成期限", "办理时限", "时间节点", "deadline",
           "due date", "due", "target date")),
    Field("progress_text", gettext_lazy("Progress report"), False,
          ("进展情况", "落实情况", "完成情况", "推进情况", "办理情况", "工作进展", "progress report", "progress notes",
           "update", "latest update")),
    Field("progress", gettext_lazy("Progress %"), False,
          ("进度", "完成进度", "完成比例", "进度(%)", "完成率", "progress", "progress %", "% complete", "percent complete")),
    Field("status", gettext_lazy("Status"), False, ("状态", "办理状态", "完成状态", "办结状态", "status", "state")),
    Field("source", gettext_lazy("Meeting or source"), False,
          ("会议", "来源", "任务来源", "会议名称", "事项来源", "meeting", "source")),
    Field("priority_area", gettext_lazy("Priority area"), False,
          ("重点领域", "领域", "所属领域", "priority area", "area", "theme")),
    Field("cadence", gettext_lazy("Reporting cadence"), False,
          ("报送频次", "反馈频次", "报送周期", "reporting cadence", "cadence", "report frequency")),
    Field("completed_on", gettext_lazy("Completed on"), False,
          ("办结时间", "实际完成时间", "办结日期", "completed on", "completion date", "date completed")),
    Field("remarks", gettext_lazy("Remarks"), False, ("备注", "说明", "remarks", "notes", "comments")),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
MIN_RECOGNISED_HEADERS = 3
HEADER_SEARCH_ROWS = 30

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"\s+")


def normalise_header(value: object) -> str:
    text = "" if value is None else str(value)
    text = _BRACKETS.sub("", text)
    text = _SPACE.sub(" ", text).strip().strip("*：:").strip().lower()
    return text


def _field_for_header(header: str) -> str | None:
    text = normalise_header(header)
    if not text:
        return None
    for f in FIELDS:
        if text in f.aliases:
            return f.key
    # A longer header that contains a known one: "省级牵头单位", "完成时限（年月日）" …
    # Longest aliases first so "进展情况" wins over "进度", "事项名称" over "事项".
    candidates = sorted(((a, f.key) for f in FIELDS for a in f.aliases if len(a) >= 2), key=lambda p: -len(p[0]))
    for alias, key in candidates:
        if not alias.isascii() and alias in text:
            return key
    return None


def guess_mapping(headers: Sequence[object]) -> dict[str, int]:
    """field → column index, for every header we recognise (the first column wins)."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = _field_for_header(str(header) if header is not None else "")
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def guess_header_row(rows: Sequence[Sequence[object]]) -> int:
    """Index of the first row with at least three recognisable headers (0 if none)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len(guess_mapping(row)) >= MIN_RECOGNISED_HEADERS:
            return index
    return 0


def column_label(index: int, header: object) -> str:
    text = "" if header is None else str(header).strip()
    return f"{get_column_letter(index + 1)} · {text}" if text else get_column_letter(index + 1)


# --- the workbook ------------------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    rows: list[tuple[object, ...]]


# Caps checked before openpyxl reads anything (issue 16, item 5): a ledger is a few sheets of a
# few dozen columns; a file that unpacks to more is refused at once, whatever it claims.
MAX_COLUMNS = 64  # columns read per row (a sheet's <dimension> is never trusted)
MAX_SHEETS = 30
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one part of the package, unpacked (zip reads stop there)
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # openpyxl holds every shared string in memory
MAX_PACKAGE_BYTES = 128 * 1024 * 1024  # every part together, unpacked
MAX_SECONDS = 20.0  # reading stops with a clear message past this


def check_package(source: str | IO[bytes]) -> None:
    """Refuse a workbook whose parts would unpack to more than a ledger ever holds."""
    try:
        with zipfile.ZipFile(source) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(_("This file is not an Excel workbook (.xlsx), or it is damaged. "
                             "Save it from Excel or WPS as “Excel Workbook (*.xlsx)” and try again.")) from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
    too_big = next((m for m in members if m.file_size > MAX_MEMBER_BYTES or (
        m.filename == "xl/sharedStrings.xml" and m.file_size > MAX_SHARED_STRINGS_BYTES)), None)
    total = sum(m.file_size for m in members)
    if too_big is not None or total > MAX_PACKAGE_BYTES or len(members) > 1000:
        raise InvalidInput(_("This workbook unpacks to %(mb)s MB, far more than a ledger holds. Copy the ledger's "
                             "rows into a new workbook and upload that.") % {"mb": f"{total / 2**20:,.0f}"})
    if len(sheets) > MAX_SHEETS:
        raise InvalidInput(_("This workbook has %(n)s sheets; a ledger import reads at most %(max)s. "
                             "Keep the ledger's sheets in a workbook of their own.") % {"n": len(sheets), "max": MAX_SHEETS})


def read_workbook(source: str | IO[bytes], *, max_rows: int) -> list[Sheet]:
    """Every sheet's cell values (read-only mode, values only), or InvalidInput saying why not."""
    import time

    check_package(source)
    deadline = time.monotonic() + MAX_SECONDS
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise InvalidInput(_("This file is not an Excel workbook (.xlsx), or it is damaged. "
                             "Save it from Excel or WPS as “Excel Workbook (*.xlsx)” and try again.")) from None
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows: list[tuple[object, ...]] = []
            worksheet.reset_dimensions()  # read what is there, not what <dimension> claims
            for row in worksheet.iter_rows(values_only=True):
                rows.append(tuple(row[:MAX_COLUMNS]))
                if time.monotonic() > deadline:
                    raise InvalidInput(_("Reading this workbook took more than %(s)s seconds; it is far larger "
                                         "than a ledger. Copy the ledger's rows into a new workbook and upload that.")
                                       % {"s": int(MAX_SECONDS)})
                if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                    raise InvalidInput(_("The sheet “%(sheet)s” has more than %(max)s rows. Split the ledger "
                                         "into smaller files.") % {"sheet": worksheet.title, "max": max_rows})
            while rows and all(_blank(v) for v in rows[-1]):
                rows.pop()
            sheets.append(Sheet(worksheet.title, rows))
    except InvalidInput:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged sheet
        raise InvalidInput(_("This workbook could not be read; it may be damaged. "
                             "Open it in Excel or WPS, save it again and upload the new copy.")) from None
    finally:
        workbook.close()
    if not any(sheet.rows for sheet in sheets):
        raise InvalidInput(_("Every sheet of this workbook is empty."))
    return sheets


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- cell parsers (each raises ValueError with a message for the user) ------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_date(value: object, default_year: int) -> dt.date:
    """2023-06-30, 2023/6/30, 2023.6.30, 2023年6月30日, 6月30日, 6月底, 2023年6月, 2023年底,
    2023年第二季度, 上半年, an Excel date serial or a date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # 1954–2119: an Excel serial day number
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(_("%(value)s is not a date.") % {"value": value})
    text = _SPACE.sub("", str(value or ""))
    text = re.sub(r"(之前|以前|前)$", "", text)
    text = re.sub(r"(00:00(:00)?)$", "", text)
    if not text:
        raise ValueError(_("The date is missing."))
    if text in {"长期", "长期坚持", "持续推进", "常态化", "持续", "长期推进"}:
        raise ValueError(_("“%(value)s” is not a deadline; give a date (for example 2023年12月31日).")
                         % {"value": text})
    try:
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日", text)
        if match:
            return dt.date(int(match[1] or default_year), int(match[2]), int(match[3]))
        match = re.fullmatch(r"(?:(\d{4})[-/.年])?(\d{1,2})月?(底|末|上旬|中旬|下旬)?", text)
        if match and (match[1] or "月" in text):
            year, month = int(match[1] or default_year), int(match[2])
            if match[3] == "上旬":
                return dt.date(year, month, 10)
            if match[3] == "中旬":
                return dt.date(year, month, 20)
            return _month_end(year, month)
        match = re.fullmatch(r"(?:(\d{4})年?)?(年底|年末|底|末)", text)
        if match and (match[1] or match[2] in {"年底", "年末"}):
            return dt.date(int(match[1] or default_year), 12, 31)
        match = re.fullmatch(r"(?:(\d{4})年)?(上半年|下半年)(底|末)?", text)
        if match:
            year = int(match[1] or default_year)
            return dt.date(year, 6, 30) if match[2] == "上半年" else dt.date(year, 12, 31)
        match = re.fullmatch(r"(?:(\d{4})年)?第?([一二三四1-4])季度(底|末)?", text)
        if match:
            quarter = _CN_DIGITS.get(match[2]) or int(match[2])
            return _month_end(int(match[1] or default_year), quarter * 3)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a real date.") % {"value": text}) from None
    for form in ("%d%B%Y", "%B%d,%Y", "%d%b%Y", "%b%d,%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            pass
    raise ValueError(_("“%(value)s” is not a date Luoshi understands (write it like 2023-06-30 or "
                       "2023年6月30日).") % {"value": text})


def parse_progress(value: object) -> int:
    """40%, 40％, 40, 0.4 (a percentage cell) → 40."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a percentage.") % {"value": value})
    if isinstance(value, float) and 0 <= value <= 1:
        number = value * 100
    elif isinstance(value, int | float):
        number = float(value)
    else:
        text = _SPACE.sub("", str(value or "")).rstrip("%％")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a percentage.") % {"value": value}) from None
        if "." in text and 0 < number < 1 and not str(value).strip().endswith(("%", "％")):
            number *= 100
    if not 0 <= number <= 100:
        raise ValueError(_("Progress must be between 0%% and 100%%, not %(value)s.") % {"value": value})
    return round(number)


STATUS_WORDS: dict[str, tuple[str, ...]] = {
    Status.ASSIGNED: ("已交办", "交办", "未签收", "待签收", "未开始", "尚未启动", "assigned", "not started"),
    Status.SIGNED: ("已签收", "签收", "signed", "signed for", "acknowledged"),
    Status.IN_PROGRESS: ("推进中", "正在推进", "办理中", "正在办理", "进行中", "落实中", "持续推进", "序时推进",
                         "逾期", "超期", "滞后", "延期", "未完成", "in progress", "ongoing", "under way",
                         "overdue", "delayed", "behind"),
    Status.COMPLETION_REQUESTED: ("申请办结", "申请销号", "待审核", "待验收", "completion requested",
                                  "awaiting approval"),
    Status.COMPLETED: ("已完成", "完成", "已办结", "办结", "已销号", "销号", "已落实", "completed", "complete",
                       "done", "closed"),
    Status.SUSPENDED: ("暂缓", "中止", "暂停", "暂缓推进", "suspended", "on hold", "paused"),
    Status.CANCELLED: ("已取消", "取消", "撤销", "已撤销", "cancelled", "canceled", "withdrawn"),
}
_STATUS_LOOKUP = {word: status for status, words in STATUS_WORDS.items() for word in words}


def parse_status(value: object) -> str:
    text = _SPACE.sub(" ", str(value or "")).strip().lower()
    status = _STATUS_LOOKUP.get(text) or _STATUS_LOOKUP.get(text.replace(" ", ""))
    if status is None:
        raise ValueError(_("“%(value)s” is not a status Luoshi knows (for example 推进中, 已完成, 暂缓).")
                         % {"value": value})
    return str(status)


CADENCE_WORDS = {"每日": "daily", "每天": "daily", "日报": "daily", "daily": "daily", "每周": "weekly", "周报": "weekly", "weekly": "weekly", "每月": "monthly", "月报": "monthly",
                 "monthly": "monthly", "每季度": "quarterly", "季报": "quarterly", "quarterly": "quarterly",
                 "无": "", "none": "", "不定期": ""}


def parse_cadence(value: object) -> str:
    text = _SPACE.sub("", str(value or "")).lower()
    if text not in CADENCE_WORDS:
        raise ValueError(_("“%(value)s” is not a reporting cadence (每日, 每周, 每月, 每季度).") % {"value": value})
    return CADENCE_WORDS[text]


_SPLIT_UNITS = re.compile(r"[、,，;；/\n]+|\s{2,}")


def split_units(value: object) -> list[str]:
    return [part.strip() for part in _SPLIT_UNITS.split(str(value or "")) if part.strip()]


# --- matching unit and priority-area names --------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A unit or priority area as the matcher sees it: its id and every name it goes by."""

    pk: int
    label: str
    names: tuple[str, ...]


def _is_subsequence(short: str, long: str) -> bool:
    position = 0
    for char in short:
        position = long.find(char, position) + 1
        if position == 0:
            return False
    return True


class NameMatcher:
    """Exact name or code first; then a unique name containing the text (“应急管理厅”); then a
    unique name holding its characters in order (“应急厅” → 省应急管理厅). Ambiguity is an error."""

    def __init__(self, items: Iterable[Named], what: str) -> None:  # what: "unit" or "area"
        self.items = list(items)
        self.what = what
        self.exact: dict[str, list[Named]] = {}
        for item in self.items:
            for name in {n.strip().lower() for n in item.names if n}:
                self.exact.setdefault(name, []).append(item)
        self.cache: dict[str, Named] = {}

    def match(self, text: str) -> Named:
        key = text.strip().lower()
        if key in self.cache:
            return self.cache[key]
        found = self.exact.get(key, [])
        if not found:
            found = [i for i in self.items if any(key in n.lower() for n in i.names if n)]
        if not found and len(key) >= 2:
            found = [i for i in self.items if any(_is_subsequence(key, n.lower()) for n in i.names[:1] if n)]
        unique = {i.pk: i for i in found}
        if not unique:
            if self.what == "area":
                raise ValueError(_("No priority area is called “%(name)s”.") % {"name": text})
            raise ValueError(_("No unit is called “%(name)s”.") % {"name": text})
        if len(unique) > 1:
            names = "、".join(sorted(i.label for i in unique.values())[:5])
            raise ValueError(_("“%(name)s” could be any of %(names)s; write the full name.")
                             % {"name": text, "names": names})
        self.cache[key] = next(iter(unique.values()))
        return self.cache[key]


# --- checking every row ------------------------------------------------------------------------


@dataclass
class RowError:
    row: int  # Excel row number, as the user sees it
    column: str
    value: str
    message: str


@dataclass
class LedgerRow:
    row: int
    title: str
    lead_unit: int
    cooperating_units: list[int] = field(default_factory=list)
    person_responsible: str = ""
    deadline: dt.date | None = None
    description: str = ""
    progress_text: str = ""
    progress: int | None = None
    status: str = Status.ASSIGNED
    source: str = ""
    priority_areas: list[int] = field(default_factory=list)
    cadence: str = ""
    completed_on: dt.date | None = None


@dataclass
class Checked:
    rows: list[LedgerRow]
    errors: list[RowError]
    headers: list[str]
    data_rows: int


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return str(value).strip()


def check_rows(
    rows: Sequence[Sequence[object]],
    header_index: int,
    mapping: dict[str, int],
    *,
    units: NameMatcher,
    areas: NameMatcher,
    default_year: int,
    existing: set[tuple[str, int, dt.date | None]] | None = None,
) -> Checked:
    """Parse and check every data row below the header; collect every problem."""
    headers = [_text(v) for v in rows[header_index]] if header_index < len(rows) else []
    errors: list[RowError] = []
    for f in FIELDS:
        if f.required and f.key not in mapping:
            errors.append(RowError(header_index + 1, str(f.label), "",
                                   _("No column is mapped to “%(field)s”, which every task needs.") % {"field": f.label}))
    if errors:
        return Checked([], errors, headers, 0)
    parsed: list[LedgerRow] = []
    seen: dict[tuple[str, int, dt.date | None], int] = {}
    data_rows = 0
    for offset, raw in enumerate(rows[header_index + 1:], start=header_index + 2):
        if all(_blank(v) for v in raw):
            continue
        data_rows += 1
        cells = {key: (raw[index] if index < len(raw) else None) for key, index in mapping.items()}
        row_errors: list[RowError] = []

        def fail(key: str, message: str, value: object = None, *, _row: int = offset,
                 _errors: list[RowError] = row_errors, _cells: dict[str, object] = cells) -> None:
            index = mapping[key]
            header = headers[index] if index < len(headers) else ""
            shown = _cells.get(key) if value is None else value
            _errors.append(RowError(_row, column_label(index, header), _text(shown)[:80], message))

        for key, value in cells.items():
            char = control_character_in(_text(value))
            if char:
                fail(key, _("This cell contains a control character (%(char)s) that cannot be stored; "
                            "remove it in the file and upload it again.") % {"char": char},
                     without_control_characters(_text(value)))
        title = _text(cells.get("title"))
        if not title:
            fail("title", _("The task is missing."))
        elif len(title) > 500:
            fail("title", _("The task is longer than 500 characters."), title[:80])
        lead_names = split_units(cells.get("lead_unit"))
        lead_pk = 0
        cooperating: list[int] = []
        if not lead_names:
            fail("lead_unit", _("The lead unit is missing."))
        for position, name in enumerate(lead_names):
            try:
                unit = units.match(name)
            except ValueError as error:
                fail("lead_unit", str(error), name)
                continue
            if position == 0:
                lead_pk = unit.pk
            elif unit.pk not in cooperating:  # further lead units work as cooperating units
                cooperating.append(unit.pk)
        if "cooperating_units" in cells:
            for name in split_units(cells["cooperating_units"]):
                try:
                    unit = units.match(name)
                except ValueError as error:
                    fail("cooperating_units", str(error), name)
                    continue
                if unit.pk not in cooperating and unit.pk != lead_pk:
                    cooperating.append(unit.pk)
        status = ""
        if not _blank(cells.get("status")):
            try:
                status = parse_status(cells["status"])
            except ValueError as error:
                fail("status", str(error))
        deadline = None
        try:
            deadline = parse_date(cells.get("deadline"), default_year)
        except ValueError as error:
            fail("deadline", str(error))
        progress = None
        if not _blank(cells.get("progress")):
            try:
                progress = parse_progress(cells["progress"])
            except ValueError as error:
                fail("progress", str(error))
        completed_on = None
        if not _blank(cells.get("completed_on")):
            try:
                completed_on = parse_date(cells["completed_on"], default_year)
            except ValueError as error:
                fail("completed_on", str(error))
        cadence = ""
        if not _blank(cells.get("cadence")):
            try:
                cadence = parse_cadence(cells["cadence"])
            except ValueError as error:
                fail("cadence", str(error))
        area_pks: list[int] = []
        for name in split_units(cells.get("priority_area")):
            try:
                area_pks.append(areas.match(name).pk)
            except ValueError as error:
                fail("priority_area", str(error), name)
        progress_text = _text(cells.get("progress_text"))
        if not status:
            status = Status.IN_PROGRESS if (progress_text or progress) else Status.ASSIGNED
        if status == Status.COMPLETED:
            progress = 100
        if not row_errors:
            row_key = (title, lead_pk, deadline)
            if row_key in seen:
                fail("title", _("This row repeats row %(row)s (same task, lead unit and deadline).")
                     % {"row": seen[row_key]}, title[:80])
            elif existing and row_key in existing:
                fail("title", _("This task is already in Luoshi (same task, lead unit and deadline)."), title[:80])
            seen.setdefault(row_key, offset)
        if row_errors:
            errors.extend(row_errors)
            continue
        description = "\n\n".join(p for p in (_text(cells.get("detail")), _text(cells.get("remarks"))) if p)
        parsed.append(LedgerRow(
            row=offset, title=title, lead_unit=lead_pk, cooperating_units=cooperating,
            person_responsible=_text(cells.get("person_responsible"))[:100], deadline=deadline,
            description=description, progress_text=progress_text, progress=progress, status=status,
            source=_text(cells.get("source"))[:200], priority_areas=area_pks, cadence=cadence,
            completed_on=completed_on,
        ))
    if not data_rows:
        errors.append(RowError(header_index + 1, "", "", _("There are no rows below the header row.")))
    return Checked(parsed, errors, headers, data_rows)
