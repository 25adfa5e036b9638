"""Django's model backend, refusing locked usernames before any password is checked, so a
locked account stays locked on every login path (the login page, the admin, client.login)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from luoshi.accounts.policy import is_locked


class LockoutBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if username and is_locked(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
