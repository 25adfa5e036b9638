"""What the authentication rules say about a user or a username right now (reads only;
the writes are in services.py). Settings are read at call time, so tests can change them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from luoshi import lib
from luoshi.accounts.models import LoginThrottle, User


def lockout_period() -> dt.timedelta | None:
    """How long a lock lasts by itself (LUOSHI_LOCKOUT_MINUTES); None: until the security
    administrator unlocks it."""
    minutes = settings.LUOSHI_LOCKOUT_MINUTES
    return dt.timedelta(minutes=minutes) if minutes > 0 else None


def lock_is_over(locked_at: dt.datetime, moment: dt.datetime) -> bool:
    """A lock taken at `locked_at` has run its period at `moment` (exactly at the end, it has)."""
    period = lockout_period()
    return period is not None and moment >= locked_at + period


def active_locks() -> QuerySet[LoginThrottle]:
    """The throttles whose lock holds right now. A lock whose period is over stays in the table
    until the next login attempt on that name ends it, with an audit event."""
    locks = LoginThrottle.objects.filter(locked_at__isnull=False)
    period = lockout_period()
    return locks.filter(locked_at__gt=lib.now() - period) if period else locks


def is_locked(username: str) -> bool:
    return active_locks().filter(username=username[:150]).exists()


@dataclass(frozen=True)
class Lock:
    until: dt.datetime | None  # None: until the security administrator unlocks it


def lock_of(username: str) -> Lock | None:
    """The lock that holds on `username` now, if any: the same for names that have no account."""
    locked_at = active_locks().filter(username=username[:150]).values_list("locked_at", flat=True).first()
    if locked_at is None:
        return None
    period = lockout_period()
    return Lock(locked_at + period if period else None)


def password_expired(user: User) -> bool:
    """Rotation (the strict profile): the password is older than LUOSHI_PASSWORD_MAX_AGE_DAYS."""
    days = settings.LUOSHI_PASSWORD_MAX_AGE_DAYS
    if days <= 0:
        return False
    changed = user.password_changed_at or user.date_joined
    return lib.now() - changed > dt.timedelta(days=days)


def password_login_allowed(user: User) -> bool:
    """LUOSHI_PASSWORD_LOGIN=administrators keeps passwords for the three administrators only."""
    return settings.LUOSHI_PASSWORD_LOGIN == "everyone" or user.is_administrator  # nosec B105 # a setting's value, not a password


def password_change_due(user: User) -> bool:
    # An account that cannot sign in with a password (single sign-on only) is never sent to change it.
    if not user.has_usable_password() or not password_login_allowed(user):
        return False
    return user.must_change_password or password_expired(user)


def totp_required(user: User) -> bool:
    return user.role in settings.LUOSHI_TOTP_REQUIRED_ROLES


def totp_enrolment_due(user: User) -> bool:
    return totp_required(user) and not user.has_totp
