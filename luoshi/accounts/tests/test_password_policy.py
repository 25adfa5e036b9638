"""The password policy: profiles, Argon2 hashing with upgrade of old hashes, and rotation."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from luoshi import lib
from luoshi.accounts import policy
from luoshi.accounts.models import User
from luoshi.accounts.validators import CharacterClassValidator
from luoshi.testing.fixtures import PASSWORD, Province

from .helpers import client_for

ARGON_FIRST = ["django.contrib.auth.hashers.Argon2PasswordHasher",
               "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def settings_under(**env: str) -> dict[str, object]:
    """Read the settings a fresh process gets with `env` (the profile is chosen at start-up)."""
    code = ("import json, luoshi.settings as s; print(json.dumps({'validators': [v['NAME'] for v in "
            "s.AUTH_PASSWORD_VALIDATORS], 'max_age': s.LUOSHI_PASSWORD_MAX_AGE_DAYS, 'hashers': s.PASSWORD_HASHERS}))")
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                            capture_output=True, text=True, check=False)
    if result.returncode:
        return {"error": result.stderr}
    return json.loads(result.stdout)


def test_it_hashes_with_argon2_first():
    """Argon2 is the first hasher, PBKDF2 stays so that old hashes still verify."""
    hashers = settings_under()["hashers"]
    assert hashers[0].endswith("Argon2PasswordHasher") and any("PBKDF2PasswordHasher" in h for h in hashers)


def test_it_has_a_default_and_a_strict_profile():
    """The default profile has no complexity and no rotation; strict adds both (rotation 90 days unless set)."""
    default, strict = settings_under(), settings_under(LUOSHI_PASSWORD_PROFILE="strict")
    assert default["max_age"] == 0 and not any("CharacterClass" in v for v in default["validators"])
    assert strict["max_age"] == 90 and any("CharacterClass" in v for v in strict["validators"])
    assert settings_under(LUOSHI_PASSWORD_PROFILE="strict", LUOSHI_PASSWORD_MAX_AGE_DAYS="30")["max_age"] == 30


def test_it_refuses_an_unknown_profile():
    """A typo in the profile stops start-up instead of silently applying the default."""
    assert "LUOSHI_PASSWORD_PROFILE must be default or strict" in settings_under(LUOSHI_PASSWORD_PROFILE="lax")["error"]


@pytest.mark.parametrize(("password", "ok"), [
    ("x" * 11 + "Q", True), ("abcdefghij1", False), ("correct horse battery", True),
    ("password1234", False), ("wang.fang.1234", False),
], ids=["12-chars", "11-chars", "passphrase", "common", "like-username"])
def test_it_applies_the_default_policy_at_its_boundaries(password: str, ok: bool):
    """Twelve characters pass and eleven do not; common passwords and the username are refused."""
    user = User(username="wang.fang")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


@pytest.mark.parametrize(("password", "ok"), [
    ("alllowercaseletters", False), ("lowercaseand12345", False), ("Lowercase and 12345", True),
    ("lowercase-and-12345", True), ("会议要求抓好安全生产abc1", True),
], ids=["one-class", "two-classes", "three-classes", "symbol", "chinese-counts-as-symbol"])
def test_it_requires_three_kinds_of_character_in_the_strict_profile(password: str, ok: bool):
    """The strict profile's complexity rule counts lowercase, uppercase, digits and symbols."""
    validator = CharacterClassValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


def test_it_upgrades_a_pbkdf2_hash_to_argon2_at_login(province: Province, settings):
    """A user whose password was hashed with PBKDF2 signs in once and is stored with Argon2."""
    settings.PASSWORD_HASHERS = ARGON_FIRST
    old_hash = PBKDF2PasswordHasher().encode(PASSWORD, "somesalt", iterations=1000)  # few rounds: a fast test
    User.objects.filter(pk=province.leader.pk).update(password=old_hash)
    assert Client().login(username="leader", password=PASSWORD)
    province.leader.refresh_from_db()
    assert province.leader.password.startswith("argon2$")


@pytest.mark.parametrize(("age_days", "due"), [(89, False), (91, True)])
def test_it_forces_a_change_when_the_password_is_older_than_the_maximum(province: Province, settings,
                                                                        age_days: int, due: bool):
    """With rotation on, a password older than the maximum age sends every page to the change form."""
    settings.LUOSHI_PASSWORD_MAX_AGE_DAYS = 90
    client = client_for(province.leader)
    with lib.clock_at(province.leader.password_changed_at + dt.timedelta(days=age_days)):
        assert policy.password_expired(province.leader) is due
        client.force_login(province.leader)  # a fresh session: only rotation may redirect
        response = client.get("/")
    assert (response.status_code, response.get("Location")) == ((302, "/account/password/") if due else (200, None))


def test_it_does_not_rotate_by_default(province: Province):
    """Without the strict profile a password never expires."""
    with lib.clock_at(lib.now() + dt.timedelta(days=3650)):
        assert not policy.password_expired(province.leader)
