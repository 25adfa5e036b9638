"""The first pages: a home page per user and read-only meeting and task pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luoshi.lib import NotFound
from luoshi.meetings.models import Meeting
from luoshi.meetings.services import may_read_meetings
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.permissions import get_task_for_user, visible_tasks


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    tasks = visible_tasks(request.user)  # type: ignore[arg-type]
    open_tasks = tasks.exclude(status__in=[Status.COMPLETED, Status.CANCELLED, Status.DRAFT])
    by_light = dict(open_tasks.values_list("light").annotate(n=Count("id")).values_list("light", "n"))
    meetings = Meeting.objects.all()[:10] if may_read_meetings(request.user) else Meeting.objects.none()  # type: ignore[arg-type]
    context = {
        "by_light": [(light, by_light.get(light, 0)) for light in ("red", "amber", "green")],
        "open_count": open_tasks.count(),
        "completed_count": tasks.filter(status=Status.COMPLETED).count(),
        "urgent": open_tasks.filter(light__in=["red", "amber"]).select_related("lead_unit").order_by("deadline")[:20],
        "meetings": meetings,
    }
    return render(request, "web/home.html", context)


@require_GET
@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_read_meetings(request.user):  # type: ignore[arg-type]
        raise Http404
    try:
        meeting = Meeting.objects.get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    directives = meeting.directives.prefetch_related("priority_areas", "tasks__lead_unit")
    return render(request, "web/meeting_detail.html", {
        "meeting": meeting, "agenda_items": meeting.agenda_items.select_related("presenting_unit"),
        "directives": directives,
    })


@require_GET
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = get_task_for_user(request.user, pk)  # type: ignore[arg-type]
    except NotFound:
        raise Http404 from None
    return render(request, "web/task_detail.html", {
        "task": task,
        "children": task.children.select_related("lead_unit"),
        "reports": task.reports.select_related("unit", "author"),
        "urges": task.urges.select_related("to_unit"),
        "instructions": task.instructions.select_related("by"),
    })
