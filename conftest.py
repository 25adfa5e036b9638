"""Fixtures shared by every app. The data directory is set earlier, by luoshi/testing/env.py."""

import pytest

from luoshi.testing.fixtures import province  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
