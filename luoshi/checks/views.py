"""The office dismisses a report's mark (the review queue on the task page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.checks import marks, services
from luoshi.lib import InvalidInput, NotFound, perform, signed_in
from luoshi.tasks.models import ProgressReport
from luoshi.tasks.permissions import get_task_for_user


def _dismiss(request: HttpRequest, report: ProgressReport, code: str) -> None:
    live = [m.code for m in marks.marks_for([report]).get(report.pk, []) if not m.dismissed]
    if code not in live:
        raise InvalidInput(_("This report has no such mark to dismiss."))
    services.dismiss_mark(signed_in(request), report, code, request.POST.get("note", ""))


@require_POST
@login_required
def dismiss_mark(request: HttpRequest, pk: int, report_pk: int, code: str) -> HttpResponse:
    try:
        task = get_task_for_user(signed_in(request), pk)
        report = task.reports.get(pk=report_pk)
    except (NotFound, ProgressReport.DoesNotExist):
        raise Http404 from None
    done, _error = perform(request, lambda: _dismiss(request, report, code))
    if _error == "":
        messages.success(request, _("The mark is dismissed; the report stays in the queue for your review."))
    return redirect(f"{task.get_absolute_url()}#report-{report.pk}")
