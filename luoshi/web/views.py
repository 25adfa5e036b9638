"""The first pages: a home page per user and read-only meeting and task pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luoshi.meetings.models import Meeting
from luoshi.meetings.services import may_read_meetings
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.permissions import visible_tasks


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
