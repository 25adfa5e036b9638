"""API tokens: creating, revoking and recognising them. Creation and revocation are audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.api.models import ApiToken
from luoshi.audit.services import record_event
from luoshi.lib import InvalidInput, NotFound

TOKEN_PREFIX = "lsh_"  # nosec B105 # the public prefix of API tokens, not a secret
MAX_ACTIVE_TOKENS = 20


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token, which is never stored."""
    if not user.is_active:
        raise NotFound("user")
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Please name the token, for example after the program that will use it."))
    if len(name) > 100:
        raise InvalidInput(_("A token's name has at most 100 characters."))
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise InvalidInput(_("You have %(count)s tokens; revoke one before creating another.")
                           % {"count": MAX_ACTIVE_TOKENS})
    if active.filter(name=name).exists():
        raise InvalidInput(_("You already have a token named “%(name)s”.") % {"name": name})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw),
                                    prefix=raw[:len(TOKEN_PREFIX) + 6], created_at=lib.now())
    record_event(user, "create_api_token", token, after={"name": name, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def revoke_token(user: User, token_id: int | str) -> ApiToken:
    """Revoke one of `user`'s own tokens; it stops working at once."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user, revoked_at__isnull=True)
    except (ApiToken.DoesNotExist, ValueError):
        raise NotFound("token") from None
    token.revoked_at = lib.now()
    token.save(update_fields=["revoked_at"])
    record_event(user, "revoke_api_token", token, before={"name": token.name, "revoked": False},
                 after={"name": token.name, "revoked": True})
    return token


def active_tokens(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))


def may_use_tokens(user: User, created_at: dt.datetime) -> bool:
    """A token works only while its user could sign in on the web and get past the account
    gate (issue 16, item 4): active, not locked, no password change or second factor owed,
    and the password not changed (or reset) since the token was made: a token dies with the
    password it was made under."""
    from luoshi.accounts import policy

    if not user.is_active or policy.password_change_due(user) or policy.totp_enrolment_due(user):
        return False
    if user.password_changed_at is not None and created_at < user.password_changed_at:
        return False
    return not policy.is_locked(user.username)


def authenticate(raw: str) -> ApiToken | None:
    """The active token `raw` is, with its (active) user; None otherwise. Notes when it was
    used, at most once per LUOSHI_API_TOKEN_TOUCH_SECONDS so reads do not all write."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (ApiToken.objects.select_related("user__unit")
             .filter(key_hash=hash_token(raw), revoked_at__isnull=True).first())
    if token is None or not may_use_tokens(token.user, token.created_at):
        return None
    now = lib.now()
    every = dt.timedelta(seconds=settings.LUOSHI_API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or now - token.last_used_at >= every:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
