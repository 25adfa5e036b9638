"""Fixtures shared by every app. The data directory is set earlier, by luoshi/testing/env.py."""

import pytest

from luoshi.testing.fixtures import province  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Every test starts in the default language (zh-hans), whatever the test before it
    activated: a test that reads English must ask for it (docs/i18n.md)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
