"""The calendar page (make, regenerate and revoke one's feeds) and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.lib import NotFound, perform, signed_in

from . import services
from .forms import CalendarFeedForm
from .models import CalendarFeed

NEW_URL_KEY = "calendar_new_url"


def _allowed(request: HttpRequest) -> None:
    if not services.may_subscribe(signed_in(request)):
        raise Http404


def _remember_once(request: HttpRequest, token: str) -> None:
    """The secret URL is shown on the next page only: the database keeps just its hash."""
    request.session[NEW_URL_KEY] = request.build_absolute_uri(CalendarFeed.url_for(token))


def _page(request: HttpRequest, form: CalendarFeedForm | None = None, status: int = 200) -> HttpResponse:
    user = signed_in(request)
    return render(request, "calendars/calendars.html", {
        "form": form or CalendarFeedForm(user, initial={"unit": user.unit_id}),
        "feeds": CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).select_related("unit"),
        "new_url": request.session.pop(NEW_URL_KEY, ""),
    }, status=status)


@require_safe
@login_required
def calendars(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return _page(request)


@require_POST
@login_required
def create_feed(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = CalendarFeedForm(signed_in(request), request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    result, error = perform(request, lambda: services.create_calendar_feed(
        signed_in(request), scope=form.cleaned_data["scope"], unit=form.cleaned_data["unit"],
        language=get_language() or "",
    ))
    if result is not None:
        _remember_once(request, result[1])
        messages.success(request, _("Your calendar feed is ready. Copy its address now: it is shown only once."))
    return redirect("calendars")


@require_POST
@login_required
def regenerate_feed(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    result, error = perform(request, lambda: services.regenerate_calendar_feed(signed_in(request), pk))
    if result is not None:
        _remember_once(request, result[1])
        messages.success(request, _("The feed has a new address; the old one no longer works."))
    return redirect("calendars")


@require_POST
@login_required
def revoke_feed(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    result, error = perform(request, lambda: services.revoke_calendar_feed(signed_in(request), pk))
    if result is not None:
        messages.success(request, _("The feed is revoked; its address no longer works."))
    return redirect("calendars")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics file. No login: calendar applications cannot log in; the token is the key."""
    try:
        calendar_feed = services.feed_for_token(token)
    except NotFound:
        raise Http404 from None
    site = f"{request.scheme}://{request.get_host()}"
    response = HttpResponse(services.render_feed(calendar_feed, site), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="luoshi.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
