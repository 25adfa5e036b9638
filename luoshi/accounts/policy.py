"""What the authentication rules say about a user or a username right now (reads only;
the writes are in services.py). Settings are read at call time, so tests can change them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from luoshi import lib
from luoshi.accounts.models import LoginThrottle, User


def is_locked(username: str) -> bool:
    return LoginThrottle.objects.filter(username=username[:150], locked_at__isnull=False).exists()


def password_expired(user: User) -> bool:
    """Rotation (the strict profile): the password is older than LUOSHI_PASSWORD_MAX_AGE_DAYS."""
    days = settings.LUOSHI_PASSWORD_MAX_AGE_DAYS
    if days <= 0:
        return False
    changed = user.password_changed_at or user.date_joined
    return lib.now() - changed > dt.timedelta(days=days)


def password_change_due(user: User) -> bool:
    return user.must_change_password or password_expired(user)


def totp_required(user: User) -> bool:
    return user.role in settings.LUOSHI_TOTP_REQUIRED_ROLES


def totp_enrolment_due(user: User) -> bool:
    return totp_required(user) and not user.has_totp
