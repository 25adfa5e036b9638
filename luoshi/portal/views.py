"""The public portal: read-only pages of the tasks marked public. No login; switched on
per deployment by LUOSHI_PUBLIC_PORTAL (when off, every page is 404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from luoshi.lib import NotFound
from luoshi.tasks.ledger import CountedPaginator
from luoshi.tasks.lifecycle import Status

from . import services

PAGE_SIZE = 25


def portal_enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.LUOSHI_PUBLIC_PORTAL:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@portal_enabled
def portal(request: HttpRequest) -> HttpResponse:
    light = request.GET.get("light", "")
    if light not in {"", "red", "amber", "green"}:
        light = ""
    counts = services.public_counts()
    shown = counts.lights[light] if light else counts.total
    paginator = CountedPaginator(services.list_public(light).values(*services.PUBLIC_FIELDS), PAGE_SIZE, shown)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "portal/portal.html", {
        "page": page,
        "tasks": [services.as_public(row) for row in page.object_list],
        "light": light,
        "counts": counts.lights,
        "completed": counts.of_status(Status.COMPLETED),
    })


@require_safe
@portal_enabled
def portal_task(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = services.get_public_task(pk)
    except NotFound:
        raise Http404 from None
    return render(request, "portal/portal_task.html", {"task": task})
