"""Reading a task's indicator actuals from an Excel upload: one row per actual, in three
columns (indicator, date, value), with or without a header row. Every malformed row is named
in one error, and nothing is stored unless every row reads (services.record_actuals stores)."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from luoshi.lib import InvalidInput
from luoshi.tasks.services import ActualRow, to_value

MAX_ROWS = 5000


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def read_actuals(upload: IO[bytes], name: str = "") -> list[ActualRow]:
    """The rows of an .xlsx file of actuals; InvalidInput naming every malformed row."""
    if not name.lower().endswith(".xlsx"):
        raise InvalidInput(_("Upload the actuals as an Excel file (.xlsx)."))
    size = getattr(upload, "size", None)
    if size is not None and size > settings.LUOSHI_LEDGER_MAX_MB * 1024 * 1024:
        raise InvalidInput(_("The file is larger than %(mb)s MB.") % {"mb": settings.LUOSHI_LEDGER_MAX_MB})
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInput(_("This file cannot be read as an Excel workbook (.xlsx).")) from None
    rows: list[ActualRow] = []
    errors: list[str] = []
    try:
        sheet = book.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = [*cells, None, None, None][:3]
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            indicator, day_cell, value = values
            day = _day(day_cell)
            if line == 1 and day is None:
                continue  # a header row
            if len(rows) + len(errors) >= MAX_ROWS:
                raise InvalidInput(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
            name_text = str(indicator or "").strip()
            if not name_text:
                errors.append(_("Row %(line)s: the indicator's name is missing.") % {"line": line})
                continue
            if day is None:
                errors.append(_("Row %(line)s: “%(value)s” is not a date (write it as YYYY-MM-DD).")
                              % {"line": line, "value": day_cell if day_cell is not None else ""})
                continue
            if value is None or str(value).strip() == "":
                errors.append(_("Row %(line)s: the value is missing.") % {"line": line})
                continue
            try:
                number: Decimal = to_value(value, _("Row %(line)s") % {"line": line})
            except InvalidInput as error:
                errors.append(str(error))
                continue
            rows.append(ActualRow(line, name_text, day, number))
    finally:
        book.close()
    if errors:
        raise InvalidInput(" ".join([_("Nothing was imported.")] + errors))
    if not rows:
        raise InvalidInput(_("The file has no rows of actuals."))
    return rows
