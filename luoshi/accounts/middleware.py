"""Two small middlewares after AuthenticationMiddleware:

- SessionTimeoutMiddleware ends a session after LUOSHI_SESSION_IDLE_MINUTES without a
  request, and LUOSHI_SESSION_MAX_HOURS after it began, whatever the activity.
- AccountGateMiddleware sends a signed-in user to the password page while their password
  must change (first login, reset, rotation), then to the two-step page while their role
  requires TOTP and they have none. Nothing else opens until that is done.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts import policy
from luoshi.lib import is_htmx

SESSION_STARTED = "luoshi_session_started"
SESSION_SEEN = "luoshi_session_seen"
# The last-seen time is written to the session at most this often, so that not every request
# saves it; every response also carries it in a signed cookie (SEEN_COOKIE, signed with the
# session's key), which makes the idle timeout exact to the second (issue 16, item 15).
SEEN_RESOLUTION_SECONDS = 60
SEEN_COOKIE = "luoshi_seen"


def epoch() -> int:
    return int(lib.now().timestamp())


# Why the session rules signed a user out, for the `sign_out` audit event (accounts.signals).
SIGN_OUT_REASON = "luoshi_sign_out_reason"


def sign_out_reason(request: HttpRequest | None) -> str:
    return str(getattr(request, SIGN_OUT_REASON, "") or "")



def _go(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):  # an htmx swap would put the whole page inside a fragment
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _cookie_seen(request: HttpRequest) -> int:
    """The last-seen time of the signed cookie, if it belongs to this session; else 0."""
    key = request.session.session_key
    if not key:
        return 0
    value = request.get_signed_cookie(SEEN_COOKIE, default="", salt=key) or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = epoch()
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN)
            seen = max(seen or 0, _cookie_seen(request)) or None
            if started is None or seen is None:  # a session from before this rule
                request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = started = seen = now
            idle = now - seen > settings.LUOSHI_SESSION_IDLE_MINUTES * 60
            too_old = now - started > settings.LUOSHI_SESSION_MAX_HOURS * 3600
            if idle or too_old:
                setattr(request, SIGN_OUT_REASON, "idle" if idle else "session limit")
                logout(request)
                messages.info(request, _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                              % {"minutes": settings.LUOSHI_SESSION_IDLE_MINUTES} if idle else
                              _("You were signed out because your session reached its %(hours)d-hour limit. Please sign in again.")
                              % {"hours": settings.LUOSHI_SESSION_MAX_HOURS})
                login = redirect_to_login(request.get_full_path())
                return _go(request, login["Location"])
            if now - (request.session.get(SESSION_SEEN) or 0) >= SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_SEEN] = now
            response = self.get_response(request)
            if request.session.session_key:
                response.set_signed_cookie(SEEN_COOKIE, str(now), salt=request.session.session_key,
                                           httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
            return response
        return self.get_response(request)


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self._always_open()):
            if policy.password_change_due(user):
                target = reverse("password_change")
                if request.path != target:
                    messages.warning(request, _("Please choose a new password before you continue."))
                    return _go(request, target)
            elif policy.totp_enrolment_due(user):
                target = reverse("totp_setup")
                if request.path != target:
                    messages.warning(request, _("Your role requires two-step sign-in. Please set it up before you continue."))
                    return _go(request, target)
        return self.get_response(request)

    @staticmethod
    def _always_open() -> tuple[str, ...]:
        return (reverse("logout"), reverse("set_language"), "/" + settings.STATIC_URL.lstrip("/"))
