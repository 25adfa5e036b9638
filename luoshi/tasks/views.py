"""Task pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luoshi.lib import NotFound
from luoshi.tasks.permissions import get_task_for_user


@require_GET
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = get_task_for_user(request.user, pk)  # type: ignore[arg-type]
    except NotFound:
        raise Http404 from None
    return render(request, "tasks/task_detail.html", {
        "task": task,
        "children": task.children.select_related("lead_unit"),
        "reports": task.reports.select_related("unit", "author"),
        "urges": task.urges.select_related("to_unit"),
        "instructions": task.instructions.select_related("by"),
    })
