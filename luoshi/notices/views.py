"""Issuing a notice (a form on the task page) and downloading one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.documents.services import DOCX
from luoshi.lib import NotFound, form_errors_to_messages, perform, signed_in
from luoshi.tasks.permissions import get_task_for_user

from . import services
from .forms import IssueNoticeForm


@require_POST
@login_required
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    if not services.may_issue(user):
        raise Http404
    try:
        task = get_task_for_user(user, pk)
    except NotFound:
        raise Http404 from None
    form = IssueNoticeForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(task)
    data = form.cleaned_data
    notice, error = perform(request, lambda: services.issue_notice(
        user, task, kind=data["kind"], level=data["level"], text=data["text"], reply_by=data["reply_by"],
        form_key=data["key"]))
    if notice is not None:
        messages.success(request, _("Notice %(number)s is issued.") % {"number": services.number_of(notice)})
    return redirect(task)


@require_safe
@login_required
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = services.get_notice_for_user(signed_in(request), pk)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(bytes(notice.content), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{services.filename_of(notice)}"'
    return response
