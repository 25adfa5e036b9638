"""The audit administrator's viewer of the audit trail: filters, pages, each event's before
and after, the chain check on demand, and .csv / .xlsx exports. Every read is audited too."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit import jobs, labels, services
from luoshi.audit.forms import AuditFilterForm
from luoshi.audit.models import AuditCheck, AuditEvent
from luoshi.lib import is_htmx, perform, signed_in

PAGE_SIZE = 50
# An export is one file a person can open: narrow the filters for more.
EXPORT_MAX_ROWS = 100_000


def _auditor(request: HttpRequest) -> User:
    user = signed_in(request)
    if not services.may_read_audit(user):
        raise Http404
    return user


# --- showing an event ------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Change:
    field: str  # the field's name in words (the code stays in the trail)
    before: str
    after: str
    changed: bool


def changes(event: AuditEvent, units: dict[str, str] | None = None) -> list[Change]:
    """The event's before and after, field by field, as people read them (`units`: unit code →
    name, from labels.unit_names)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    if not before and not after:
        if event.before is None and event.after is None:
            return []
        return [Change("", _shown(event.before), _shown(event.after), event.before != event.after)]
    kind = event.object_type

    def shown(key: str, value: Any) -> str:
        return _shown(labels.value_label(kind, key, value, units))

    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        rows.append(Change(labels.field_label(kind, key), shown(key, old) if key in before else "",
                           shown(key, new) if key in after else "", bool(before) and old != new))
    return rows


@dataclass(frozen=True)
class Shown:
    """One event as the page shows it."""

    event: AuditEvent
    actor: str
    action: str
    object_type: str
    object_name: str
    changes: list[Change]


def shown_events(events: list[AuditEvent]) -> list[Shown]:
    names = labels.object_names(events)
    units = labels.unit_names(events)
    return [Shown(event, labels.actor_label(event), labels.verb_label(event.verb),
                  labels.type_label(event.object_type), names.get((event.object_type, event.object_id), ""),
                  changes(event, units)) for event in events]


# --- the page --------------------------------------------------------------------------------------


def _page(events: Any, before: int | None, after: int | None) -> tuple[list[AuditEvent], int | None, int | None]:
    """Keyset pages (newest first): one bounded query however long the trail is.
    Returns the events, the id to go newer from and the id to go older from."""
    if after is not None:
        rows = list(events.filter(id__gt=after).order_by("id")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return rows, (rows[0].pk if rows and has_newer else None), (rows[-1].pk if rows else None)
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events[: PAGE_SIZE + 1])
    has_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[0].pk if rows and before is not None else None), (rows[-1].pk if rows and has_older else None)


def _cursor(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("after", None)
    return query.urlencode()


@require_safe
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    user = _auditor(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    before, after = _cursor(request, "before"), _cursor(request, "after")
    events, newer, older = _page(services.audit_events(filters), before, after)
    cursor = {key: value for key, value in (("before", before), ("after", after)) if value is not None}
    services.note_audit_read(user, "read_audit", {**filters.as_dict(), **cursor, "shown": len(events)})
    context = {
        "form": form, "events": shown_events(events),
        "newer": newer, "older": older, "query": _query_without_cursor(request),
        "filtered": bool(filters.as_dict()),
        "first_id": events[0].pk if events else None, "last_id": events[-1].pk if events else None,
    }
    template = "audit/_events.html" if is_htmx(request) else "audit/log.html"
    return render(request, template, context, status=400 if form.errors else 200)


@require_POST
@login_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Start the chain check as a background job and go to its page, which shows the progress."""
    user = _auditor(request)
    check, _error = perform(request, lambda: services.start_chain_check(user))
    if check is None:
        return redirect("audit_log")
    jobs.run_chain_check(check.pk)  # committed: the worker picks it up (at once with the in-process queue)
    return redirect("audit_check", pk=check.pk)


@require_safe
@login_required
def audit_check(request: HttpRequest, pk: int) -> HttpResponse:
    """One chain check: its progress while it runs (the fragment polls itself), then its result."""
    _auditor(request)
    check = AuditCheck.objects.filter(pk=pk).first()
    if check is None:
        raise Http404
    template = "audit/_check.html" if is_htmx(request) else "audit/check.html"
    return render(request, template, {"check": check})


# --- exports ---------------------------------------------------------------------------------------


def _cell(value: str) -> str:
    # A cell that starts like a formula would run in Excel or WPS (CSV injection): quote it.
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def _json(value: Any) -> str:
    return "" if value is None else _cell(lib.canonical_json(value))


def _rows(events: Iterable[AuditEvent]) -> Iterator[list[str]]:
    yield [_("Event"), _("Time"), _("Actor"), _("Action"), _("Object type"), _("Object id"),
           _("Before"), _("After"), _("Sequence"), _("MAC"), _("Action code"), _("Object type code")]
    for event in events:
        yield [str(event.pk), timezone.localtime(event.created_at).isoformat(), _cell(event.actor_label),
               _cell(labels.verb_label(event.verb)), labels.type_label(event.object_type), _cell(event.object_id),
               _json(event.before), _json(event.after),
               "" if event.seq is None else str(event.seq), event.mac, _cell(event.verb), event.object_type]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel and WPS read the file as UTF-8
    for row in _rows(events):
        yield writer.writerow(row)


def _xlsx(events: Iterable[AuditEvent]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit trail"))
    for row in _rows(events):
        sheet.append(lib.safe_row(sheet, [str(value) for value in row]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@require_safe
@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    user = _auditor(request)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    events = services.audit_events(filters)
    count = events.count()
    if count > EXPORT_MAX_ROWS:
        messages.error(request, _("%(n)s events match: an export holds at most %(max)s. Narrow the filters "
                                  "(a shorter date range, one action or one actor).")
                       % {"n": count, "max": EXPORT_MAX_ROWS})
        return redirect(f"{reverse('audit_log')}?{_query_without_cursor(request)}")
    services.note_audit_read(user, "export_audit", {**filters.as_dict(), "format": fmt, "rows": count})
    stamp = f"{timezone.localtime(lib.now()):%Y-%m-%d-%H%M}"
    rows = events.iterator(chunk_size=2000)
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
