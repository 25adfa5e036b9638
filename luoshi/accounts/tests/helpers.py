"""Small helpers shared by the account tests."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from luoshi import lib
from luoshi.accounts import totp
from luoshi.accounts.models import User
from luoshi.testing.fixtures import PASSWORD

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # RFC 6238's SHA-1 key, "12345678901234567890"


def client_for(user: User, **kwargs: object) -> Client:
    client = Client(**kwargs)  # type: ignore[arg-type]
    client.force_login(user)
    return client


def login(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post("/login/", {"username": username, "password": password})


def code_at(moment: dt.datetime, steps: int = 0, secret: str = SECRET) -> str:
    return totp.code_for_step(secret, totp.step_at(moment) + steps)


def with_totp(user: User, secret: str = SECRET) -> User:
    """Give `user` TOTP through the real service, confirmed a minute ago (so its step is used up)."""
    from luoshi.accounts.services import enable_totp

    earlier = lib.now() - dt.timedelta(minutes=1)
    with lib.clock_at(earlier):
        enable_totp(user, secret, code_at(earlier))
    user.refresh_from_db()
    return user
