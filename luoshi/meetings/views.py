"""Meeting pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luoshi.meetings.models import Meeting
from luoshi.meetings.services import may_read_meetings


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
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "agenda_items": meeting.agenda_items.select_related("presenting_unit"),
        "directives": directives,
    })
