"""Count failed logins and forget them after a successful one; stamp when a session began.
Sign-in, sign-out and failed sign-in are audit events (accounts.services)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from luoshi.accounts import services
from luoshi.accounts.middleware import SESSION_SEEN, SESSION_STARTED, epoch, sign_out_reason


def address_of(request: Any) -> str:
    """The client's address as the server saw it (behind a proxy: the proxy's)."""
    meta = getattr(request, "META", None) or {}
    return str(meta.get("REMOTE_ADDR") or "")


@receiver(user_login_failed)
def count_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = credentials.get("username")
    if isinstance(username, str):
        services.record_login_failure(username, address=address_of(request))


@receiver(user_logged_in)
def begin_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.note_sign_in(user, address=address_of(request))
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = epoch()


@receiver(user_logged_out)
def end_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None):
        services.note_sign_out(user, address=address_of(request), reason=sign_out_reason(request))
