"""Importing an Excel ledger: upload → check (columns, errors, preview) → confirm.
For the supervision office only; everyone else gets 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.ledgers import services
from luoshi.ledgers.forms import ConfigureForm, UploadForm
from luoshi.ledgers.models import ColumnMapping, LedgerImport
from luoshi.lib import NotFound, is_htmx, perform, signed_in
from luoshi.tasks.lifecycle import Status
from luoshi.units.models import Unit

PREVIEW_ROWS = 20
SHOWN_ERRORS = 300


def _ledger_for(request: HttpRequest, pk: int) -> LedgerImport:
    try:
        return services.get_import_for_user(signed_in(request), pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ledger_import(request: HttpRequest) -> HttpResponse:
    if not services.may_import(signed_in(request)):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ledger, _error = perform(request, lambda: services.upload_ledger(signed_in(request), form.cleaned_data["file"]))
        if ledger is not None:
            return redirect(ledger)
    return render(request, "ledgers/import.html", {
        "form": form,
        "imports": LedgerImport.objects.select_related("uploaded_by").defer("checked")[:10],
        "mappings": ColumnMapping.objects.all(),
        "max_mb": settings.LUOSHI_LEDGER_MAX_MB,
        "max_rows": settings.LUOSHI_LEDGER_MAX_ROWS,
    }, status=400 if request.method == "POST" else 200)


def _review_context(ledger: LedgerImport, form: ConfigureForm) -> dict[str, object]:
    checked = ledger.checked
    rows = services.checked_rows(ledger)[:PREVIEW_ROWS] if not checked.get("errors") else []
    unit_ids = {u for r in rows for u in [r.lead_unit, *r.cooperating_units]}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    preview = [(r, units.get(r.lead_unit), [units[u] for u in r.cooperating_units if u in units],
                Status(r.status).label) for r in rows]
    errors = checked.get("errors", [])
    return {
        "ledger": ledger, "form": form, "preview": preview, "errors": errors[:SHOWN_ERRORS],
        "error_count": len(errors), "ready_count": len(checked.get("rows", [])),
        "data_rows": checked.get("data_rows", 0), "top_rows": checked.get("top_rows", []),
        "imported": ledger.state == LedgerImport.State.IMPORTED,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ledger_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = _ledger_for(request, pk)
    form = ConfigureForm(ledger, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            moved = data["sheet"] != ledger.sheet_name or data["header_row"] != ledger.header_row
            result, error = perform(request, lambda: services.configure_import(
                signed_in(request), ledger, sheet_name=data["sheet"], header_row=data["header_row"],
                columns=None if moved else form.columns(), default_year=data["default_year"],
                use_mapping=data["saved_mapping"], save_as=data["save_as"],
            ))
            if result is not None:
                if data["save_as"]:
                    messages.success(request, _("The columns are saved as “%(name)s”.") % {"name": data["save_as"]})
                if not is_htmx(request):
                    return redirect(result)
                ledger = result
                form = ConfigureForm(ledger)
            else:
                status = 400
        else:
            status = 400
    template = "ledgers/_review.html" if is_htmx(request) else "ledgers/review.html"
    return render(request, template, _review_context(ledger, form), status=status)


@login_required
@require_POST
def ledger_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = _ledger_for(request, pk)
    result, _error = perform(request, lambda: services.import_ledger(
        signed_in(request), ledger, token=request.POST.get("token", "")))
    if result is not None:
        messages.success(request, _("%(n)s tasks were imported from %(name)s.")
                         % {"n": result.task_count, "name": result.original_name})
    return redirect(ledger)
