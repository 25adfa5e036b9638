"""Count failed logins and forget them after a successful one; stamp when a session began."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from luoshi.accounts import services
from luoshi.accounts.middleware import SESSION_SEEN, SESSION_STARTED, epoch


@receiver(user_login_failed)
def count_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = credentials.get("username")
    if isinstance(username, str):
        services.record_login_failure(username)


@receiver(user_logged_in)
def begin_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.clear_login_failures(user.username)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = epoch()
