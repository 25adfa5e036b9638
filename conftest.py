"""Test set-up shared by every app: a throw-away data directory and fast password hashing."""

import os
import tempfile

os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-test-"))

import pytest  # noqa: E402

from luoshi.testing.fixtures import province  # noqa: E402,F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
