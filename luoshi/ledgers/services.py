"""Bringing an existing Excel ledger (台账) into Luoshi.

upload_ledger → configure_import (sheet, header row, columns; check) → import_ledger.
Each is atomic, for the supervision office only, and audited. import_ledger writes in bulk
(one audit event per created task, appended in bulk with audit.services.record_events): see docs/decisions.md.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event, record_events
from luoshi.ledgers import reading
from luoshi.ledgers.models import ColumnMapping, LedgerImport
from luoshi.lib import Forbidden, InvalidInput, NotFound
from luoshi.lib import files as filestore
from luoshi.meetings.models import Directive, Meeting, PriorityArea
from luoshi.meetings.services import record_meeting
from luoshi.search import indexing as search_index
from luoshi.tasks import counts
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.permissions import is_supervisor
from luoshi.tasks.services import set_light
from luoshi.units.models import Unit


def may_import(user: User) -> bool:
    return is_supervisor(user)


def _require_supervisor(user: User) -> None:
    if not may_import(user):
        raise Forbidden(_("Only the supervision office imports ledgers."))


def get_import_for_user(user: User, pk: int | str) -> LedgerImport:
    """The import, for the supervision office; NotFound for everyone else or a wrong id."""
    if not may_import(user):
        raise NotFound("ledger import")
    try:
        return LedgerImport.objects.select_related("meeting", "uploaded_by").get(pk=pk)
    except (LedgerImport.DoesNotExist, ValueError):
        raise NotFound("ledger import") from None


# --- reading a stored upload --------------------------------------------------------------------


def read_sheets(ledger: LedgerImport) -> list[reading.Sheet]:
    try:
        handle = filestore.open_stored(ledger.file)
    except FileNotFoundError:
        raise InvalidInput(_("The uploaded file of this import is no longer stored; upload it again.")) from None
    with handle:
        return reading.read_workbook(handle, max_rows=settings.LUOSHI_LEDGER_MAX_ROWS)


def unit_matcher() -> reading.NameMatcher:
    units = Unit.objects.values_list("pk", "name_zh", "name_en", "code")
    return reading.NameMatcher((reading.Named(pk, zh, (zh, en, code)) for pk, zh, en, code in units),
                               "unit")


def area_matcher() -> reading.NameMatcher:
    areas = PriorityArea.objects.values_list("pk", "name_zh", "name_en", "code")
    return reading.NameMatcher((reading.Named(pk, zh, (zh, en, code)) for pk, zh, en, code in areas),
                               "area")


def _existing_keys(titles: set[str]) -> set[tuple[str, int, dt.date | None]]:
    """Tasks already in Luoshi with one of these titles, so an import is not made twice."""
    found: set[tuple[str, int, dt.date | None]] = set()
    listed = sorted(titles)
    for start in range(0, len(listed), 500):
        found.update(Task.objects.filter(title__in=listed[start:start + 500])
                     .values_list("title", "lead_unit_id", "deadline"))
    return found


TOP_ROWS = 12  # raw rows kept for choosing the header row


def _row_to_json(row: reading.LedgerRow) -> dict[str, object]:
    data = dict(row.__dict__)
    for key in ("deadline", "completed_on"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def _row_from_json(data: dict[str, Any]) -> reading.LedgerRow:
    row = reading.LedgerRow(**data)
    for key in ("deadline", "completed_on"):
        value = getattr(row, key)
        setattr(row, key, dt.date.fromisoformat(value) if value else None)
    return row


def check_and_store(ledger: LedgerImport, sheets: list[reading.Sheet]) -> None:
    """Check every row as the import is configured and keep the outcome on the import (not saved)."""
    sheet = next((s for s in sheets if s.name == ledger.sheet_name), sheets[0])
    header_index = max(0, min(ledger.header_row - 1, max(len(sheet.rows) - 1, 0)))
    mapping = {k: int(v) for k, v in ledger.columns.items()}
    titles = set()
    if "title" in mapping:
        titles = {reading._text(r[mapping["title"]]) for r in sheet.rows[header_index + 1:]
                  if mapping["title"] < len(r)}
    checked = reading.check_rows(
        sheet.rows, header_index, mapping, units=unit_matcher(), areas=area_matcher(),
        default_year=ledger.default_year, existing=_existing_keys(titles - {""}),
    )
    width = max((len(r) for r in sheet.rows), default=0)
    ledger.checked = {
        "sheets": [s.name for s in sheets],
        "width": width,
        "top_rows": [[reading._text(v)[:60] for v in r] for r in sheet.rows[:TOP_ROWS]],
        "headers": checked.headers,
        "samples": [[reading._text(v)[:60] for v in r] for r in sheet.rows[header_index + 1:header_index + 4]],
        "data_rows": checked.data_rows,
        "rows": [_row_to_json(r) for r in checked.rows],
        "errors": [e.__dict__ for e in checked.errors],
    }


def checked_rows(ledger: LedgerImport) -> list[reading.LedgerRow]:
    return [_row_from_json(r) for r in ledger.checked.get("rows", [])]


# --- uploading and configuring -----------------------------------------------------------------


def _snapshot(ledger: LedgerImport) -> dict[str, object]:
    return {"file": ledger.original_name, "size": ledger.size, "sheet": ledger.sheet_name,
            "header_row": ledger.header_row, "columns": ledger.columns, "default_year": ledger.default_year,
            "state": ledger.state, "tasks": ledger.task_count}


@filestore.atomic
def upload_ledger(user: User, upload: UploadedFile) -> LedgerImport:
    """Keep an uploaded .xlsx and guess how to read it: the sheet, the header row, the columns."""
    _require_supervisor(user)
    name = os.path.basename(upload.name or "")
    limit = settings.LUOSHI_LEDGER_MAX_MB
    if not name.lower().endswith(".xlsx"):
        raise InvalidInput(_("%(name)s is not an .xlsx file. Save the ledger from Excel or WPS as "
                             "“Excel Workbook (*.xlsx)” and upload that.") % {"name": name})
    if not upload.size:
        raise InvalidInput(_("%(name)s is empty.") % {"name": name})
    if upload.size > limit * 1024 * 1024:
        raise InvalidInput(_("%(name)s is larger than the limit of %(mb)s MB.") % {"name": name, "mb": limit})
    upload.seek(0)
    sheets = reading.read_workbook(upload, max_rows=settings.LUOSHI_LEDGER_MAX_ROWS)
    sheet = next(s for s in sheets if s.rows)
    header_index = reading.guess_header_row(sheet.rows)
    upload.seek(0)
    stored = filestore.save_upload(LedgerImport._meta.get_field("file"), upload,
                                   secrets.token_hex(16) + ".xlsx")  # stored under a random name
    ledger = LedgerImport.objects.create(
        file=stored, original_name=name[:255], size=upload.size, uploaded_by=user, uploaded_at=lib.now(),
        sheet_name=sheet.name, header_row=header_index + 1,
        columns=reading.guess_mapping(sheet.rows[header_index]), default_year=lib.today().year,
        token=secrets.token_urlsafe(32),
    )
    check_and_store(ledger, sheets)
    ledger.save(update_fields=["checked"])
    record_event(user, "upload_ledger", ledger, after=_snapshot(ledger))
    return ledger


def columns_from_saved(mapping: ColumnMapping, headers: list[str]) -> dict[str, int]:
    """Apply a saved mapping to this file's headers (matched by their text)."""
    positions = {reading.normalise_header(h): i for i, h in reversed(list(enumerate(headers)))}
    return {key: positions[reading.normalise_header(header)] for key, header in mapping.columns.items()
            if reading.normalise_header(header) in positions}


@transaction.atomic
def configure_import(
    user: User,
    ledger: LedgerImport,
    *,
    sheet_name: str,
    header_row: int,
    columns: Mapping[str, int] | None,
    default_year: int,
    use_mapping: ColumnMapping | None = None,
    save_as: str = "",
) -> LedgerImport:
    """Say how to read the file and check it again; optionally keep the column choice under a
    name for next time. `columns` None means guess them from the header row; `use_mapping`
    applies a saved mapping to this file's headers. Every call issues a new confirmation token,
    so only the latest check can be imported."""
    _require_supervisor(user)
    ledger = LedgerImport.objects.select_for_update().get(pk=ledger.pk)
    if ledger.state == LedgerImport.State.IMPORTED:
        raise InvalidInput(_("This ledger has already been imported."))
    sheets = read_sheets(ledger)
    sheet = next((s for s in sheets if s.name == sheet_name), None)
    if sheet is None:
        raise InvalidInput(_("This workbook has no sheet called “%(sheet)s”.") % {"sheet": sheet_name})
    if not sheet.rows:
        raise InvalidInput(_("The sheet “%(sheet)s” is empty.") % {"sheet": sheet_name})
    if not 1 <= header_row <= len(sheet.rows):
        raise InvalidInput(_("The header row must be between 1 and %(n)s.") % {"n": len(sheet.rows)})
    width = max(len(r) for r in sheet.rows)
    header_cells = [reading._text(v) for v in sheet.rows[header_row - 1]]
    if use_mapping is not None:
        columns = columns_from_saved(use_mapping, header_cells)
    elif columns is None:
        columns = reading.guess_mapping(header_cells)
    clean: dict[str, int] = {}
    for key, index in columns.items():
        if key not in reading.FIELDS_BY_KEY:
            raise InvalidInput(_("Unknown field: %(field)s") % {"field": key})
        if not 0 <= index < width:
            raise InvalidInput(_("The sheet has no column %(n)s.") % {"n": index + 1})
        if index in clean.values():
            raise InvalidInput(_("Column %(column)s is chosen for two fields.") % {
                "column": reading.column_label(index, header_cells[index] if index < len(header_cells) else "")})
        clean[key] = index
    if not 1900 <= default_year <= 2200:
        raise InvalidInput(_("The default year must be between 1900 and 2200."))
    before = _snapshot(ledger)
    ledger.sheet_name, ledger.header_row, ledger.columns = sheet.name, header_row, clean
    ledger.default_year = default_year
    ledger.token = secrets.token_urlsafe(32)
    check_and_store(ledger, sheets)
    ledger.save()
    record_event(user, "configure_ledger_import", ledger, before=before, after=_snapshot(ledger))
    if save_as.strip():
        save_column_mapping(user, name=save_as, columns={k: header_cells[i] if i < len(header_cells) else ""
                                                          for k, i in clean.items()})
    return ledger


@transaction.atomic
def save_column_mapping(user: User, *, name: str, columns: Mapping[str, str]) -> ColumnMapping:
    """Keep (or replace) a named column mapping: field → header text."""
    _require_supervisor(user)
    name = name.strip()[:100]
    if not name:
        raise InvalidInput(_("Please give the mapping a name."))
    unknown = set(columns) - set(reading.FIELDS_BY_KEY)
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    now = lib.now()
    mapping = ColumnMapping.objects.select_for_update().filter(name=name).first()
    before = dict(mapping.columns) if mapping else None
    if mapping is None:
        mapping = ColumnMapping.objects.create(name=name, columns=dict(columns), created_by=user,
                                               created_at=now, updated_at=now)
    else:
        mapping.columns, mapping.updated_at = dict(columns), now
        mapping.save()
    record_event(user, "save_column_mapping", mapping, before=before, after={"name": name, "columns": dict(columns)})
    return mapping


# --- importing --------------------------------------------------------------------------------


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@transaction.atomic
def import_ledger(user: User, ledger: LedgerImport, *, token: str) -> LedgerImport:
    """Create every row's task, all or nothing. `token` must be the one the latest check issued;
    it is spent here, so a second submission imports nothing."""
    _require_supervisor(user)
    ledger = LedgerImport.objects.select_for_update().get(pk=ledger.pk)
    if ledger.state == LedgerImport.State.IMPORTED:
        raise InvalidInput(_("This ledger has already been imported (%(n)s tasks).") % {"n": ledger.task_count})
    if not token or not secrets.compare_digest(ledger.token, token):
        raise InvalidInput(_("The way this ledger is read changed after this page was shown. "
                             "Check the preview again, then confirm."))
    if ledger.checked.get("errors"):
        raise InvalidInput(_("The ledger has %(n)s problems; nothing was imported. Fix them and check again.")
                           % {"n": len(ledger.checked["errors"])})
    parsed = checked_rows(ledger)
    if not parsed:
        raise InvalidInput(_("There is nothing to import."))
    # The check may be old: refuse rows that have reached Luoshi since (another import, say).
    existing = _existing_keys({row.title for row in parsed})
    if any((row.title, row.lead_unit, row.deadline) in existing for row in parsed):
        raise InvalidInput(_("Some of these tasks have been added to Luoshi since the check. "
                             "Check the ledger again."))
    now, today = lib.now(), lib.today()

    # One meeting per source named in the ledger (会议/来源), recorded through the meetings service.
    groups: dict[str, list[reading.LedgerRow]] = defaultdict(list)
    for row in parsed:
        groups[row.source].append(row)
    directives: list[Directive] = []
    first_meeting: Meeting | None = None
    for source, rows in groups.items():
        title = _("Imported ledger %(name)s") % {"name": ledger.original_name}
        if source:
            title = f"{source} · {title}"
        meeting = record_meeting(user, kind=Meeting.Kind.OTHER, title=title, date=today)
        first_meeting = first_meeting or meeting
        directives.extend(Directive(meeting=meeting, order=order, text=row.title)
                          for order, row in enumerate(rows, start=1))
    lib.insert_many(Directive, directives)
    rows = [row for rows in groups.values() for row in rows]  # the order of `directives`

    area_through = Directive.priority_areas.through
    lib.insert_many(area_through, [area_through(directive_id=d.pk, priorityarea_id=a)
                                   for d, row in zip(directives, rows, strict=True) for a in row.priority_areas])

    tasks = []
    for directive, row in zip(directives, rows, strict=True):
        status = row.status
        progress = row.progress if row.progress is not None else 0
        task = Task(
            directive=directive, source=Task.Source.LEDGER, title=row.title, description=row.description, lead_unit_id=row.lead_unit,
            person_responsible=row.person_responsible, deadline=row.deadline, cadence=row.cadence,
            status=status, progress=progress, assigned_at=now, created_by=user, created_at=now, updated_at=now,
            signed_at=now if status not in {Status.ASSIGNED, Status.CANCELLED} else None,
            completed_at=(_aware(row.completed_on) if row.completed_on else now) if status == Status.COMPLETED else None,
            last_report_at=now if row.progress_text else None,
            status_before_suspension=Status.IN_PROGRESS if status == Status.SUSPENDED else "",
            status_reason=_("Imported from ledger %(name)s") % {"name": ledger.original_name}
            if status in {Status.SUSPENDED, Status.CANCELLED} else "",
        )
        set_light(task, today)
        tasks.append(task)
    lib.insert_many(Task, tasks)

    coop = Task.cooperating_units.through
    lib.insert_many(coop, [coop(task_id=t.pk, unit_id=u) for t, row in zip(tasks, rows, strict=True)
                           for u in row.cooperating_units])
    task_areas = Task.priority_areas.through
    lib.insert_many(task_areas, [task_areas(task_id=t.pk, priorityarea_id=a)
                                 for t, row in zip(tasks, rows, strict=True) for a in row.priority_areas])
    # Inserted past Task.save(): counted once, from what is in memory.
    counts.count_new((counts.State(t.lead_unit_id, t.status, t.light, t.deadline, t.completed_at), row.priority_areas)
                     for t, row in zip(tasks, rows, strict=True))
    reports = []
    for task, row in zip(tasks, rows, strict=True):
        if not row.progress_text:
            continue
        asks = row.status in {Status.COMPLETION_REQUESTED, Status.COMPLETED}
        pending = row.status == Status.COMPLETION_REQUESTED
        reports.append(ProgressReport(
            task=task, unit_id=row.lead_unit, author=user, text=row.progress_text, progress=task.progress,
            asks_completion=asks, submitted_at=now,
            outcome=ProgressReport.Outcome.PENDING if pending else ProgressReport.Outcome.ACCEPTED,
            reviewed_by=None if pending else user, reviewed_at=None if pending else now,
            review_note=_("Imported from ledger %(name)s") % {"name": ledger.original_name},
        ))
    lib.insert_many(ProgressReport, reports)

    # The search index, built from what is in memory: every row's units in one query.
    unit_ids = {u for row in rows for u in (row.lead_unit, *row.cooperating_units)}
    units = Unit.objects.only("path", "name_zh", "name_en").in_bulk(unit_ids)
    task_units = {task.pk: [units[row.lead_unit], *(units[u] for u in row.cooperating_units)]
                  for task, row in zip(tasks, rows, strict=True)}
    for report in reports:
        report.unit = units[report.unit_id]
    search_index.index_new([*directives, *tasks, *reports], units_of=lambda task: task_units[task.pk])

    # One audit event per created task, appended to the chain in bulk (docs/decisions.md).
    record_events(user, "import_task", [(task, {
        "ledger": ledger.pk, "row": row.row, "title": task.title, "status": task.status,
        "progress": task.progress, "lead_unit": row.lead_unit, "cooperating_units": row.cooperating_units,
        "deadline": task.deadline, "person_responsible": task.person_responsible, "light": task.light,
        "progress_text": row.progress_text,
    }) for task, row in zip(tasks, rows, strict=True)])
    before = _snapshot(ledger)
    ledger.state, ledger.imported_at, ledger.task_count = LedgerImport.State.IMPORTED, now, len(tasks)
    ledger.meeting, ledger.token = first_meeting, secrets.token_urlsafe(32)
    ledger.save()
    record_event(user, "import_ledger", ledger, before=before, after=_snapshot(ledger))
    return ledger
