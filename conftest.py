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


@pytest.fixture(autouse=True)
def _own_audit_anchor(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Each test's database starts with an empty trail (it is rolled back after the test), so each
    test gets its own file for the sealer's local anchor (luoshi/audit/chain.py)."""
    import uuid

    global _anchor_dir
    if _anchor_dir is None:
        _anchor_dir = tmp_path_factory.mktemp("audit-anchors")
    settings.LUOSHI_AUDIT_ANCHOR_FILE = str(_anchor_dir / f"{uuid.uuid4().hex}.json")


_anchor_dir = None
