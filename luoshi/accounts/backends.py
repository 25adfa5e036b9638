"""Django's model backend, refusing locked usernames before any password is checked, so a
locked account stays locked on every login path (the login page, the admin, client.login), and
refusing passwords to all but the administrators when LUOSHI_PASSWORD_LOGIN=administrators.
The signed-in user is read with their unit, which every page shows and permissions check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from luoshi.accounts.policy import is_locked, password_login_allowed


class LockoutBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if username and is_locked(username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_login_allowed(user):
            return None  # single sign-on only (LUOSHI_PASSWORD_LOGIN); the login page says so for everyone
        return user

    def get_user(self, user_id: Any) -> Any:
        """ModelBackend.get_user, with the user's unit in the same query."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("unit").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
