"""Helpers of the API tests: a client that sends a fresh token of a persona."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from luoshi.api import services


@pytest.fixture(autouse=True)
def _fresh_rate_counters(settings):  # type: ignore[no-untyped-def]
    """Rate counters live in the cache; no test inherits another's count."""
    settings.LUOSHI_API_RATE = "10000/min"
    cache.clear()
    yield
    cache.clear()


def api_client(user, name: str = "tests") -> Client:  # type: ignore[no-untyped-def]
    """A client that authenticates as `user` with a new token and reads English."""
    _token, raw = services.create_token(user, name=name)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
