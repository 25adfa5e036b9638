"""Lockout after repeated failed logins, counted in the database, and the unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from luoshi import lib
from luoshi.accounts import policy
from luoshi.accounts.models import LoginThrottle, User
from luoshi.accounts.services import record_login_failure, unlock_account
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput
from luoshi.testing.fixtures import PASSWORD, Province

from .helpers import login

LOCKED_TEXT = "locked after too many failed sign-in attempts"
WRONG_TEXT = "didn&#x27;t match"


def fail(client: Client, username: str, times: int) -> object:
    response = None
    for _i in range(times):
        response = login(client, username, "not-the-password")
    return response


@pytest.mark.parametrize(("failures", "locked"), [(4, False), (5, True)])
def test_it_locks_an_account_at_the_fifth_failure(province: Province, failures: int, locked: bool):
    """Four failures leave the account usable; the fifth locks it, even against the right password."""
    client = Client()
    response = fail(client, "leader", failures)
    assert (LOCKED_TEXT in response.content.decode()) is locked
    response = login(client, "leader")
    assert (response.status_code == 302) is not locked
    if locked:
        assert LOCKED_TEXT in response.content.decode()
        assert not Client().login(username="leader", password=PASSWORD)  # every login path, not only the page


def test_it_counts_only_failures_within_the_window(province: Province):
    """Failures older than the window are forgotten: four, then one 16 minutes later, do not lock."""
    start = lib.now()
    with lib.clock_at(start):
        for _i in range(4):
            record_login_failure("leader")
    with lib.clock_at(start + dt.timedelta(minutes=16)):
        assert record_login_failure("leader") is False
    assert not policy.is_locked("leader")


def test_it_locks_at_the_fifth_failure_inside_the_window(province: Province):
    """Four failures and a fifth 14 minutes later lock: the window slides over the last failures."""
    start = lib.now()
    with lib.clock_at(start):
        for _i in range(4):
            record_login_failure("leader")
    with lib.clock_at(start + dt.timedelta(minutes=14)):
        assert record_login_failure("leader") is True


def test_it_follows_the_configured_attempts(province: Province, settings):
    """LUOSHI_LOCKOUT_ATTEMPTS sets the number of failures that lock."""
    settings.LUOSHI_LOCKOUT_ATTEMPTS = 3
    assert [record_login_failure("leader") for _i in range(3)] == [False, False, True]


def test_it_forgets_failures_after_a_successful_login(province: Province):
    """Four failures then a success start the count again."""
    client = Client()
    fail(client, "leader", 4)
    assert login(client, "leader").status_code == 302
    fail(Client(), "leader", 4)
    assert not policy.is_locked("leader")


def test_it_says_locked_for_an_unknown_username_too(db: None):
    """An unknown name locks after the same failures with the same words, so nothing reveals which names exist."""
    client = Client()
    assert LOCKED_TEXT not in fail(client, "nobody.here", 4).content.decode()
    assert LOCKED_TEXT in fail(client, "nobody.here", 1).content.decode()
    assert not AuditEvent.objects.filter(object_type="accounts.user").exists()


def test_it_stores_the_count_in_the_database(province: Province):
    """The count lives in the database (every app server reads the same row), not in a cache."""
    fail(Client(), "leader", 2)
    assert len(LoginThrottle.objects.get(username="leader").failures) == 2


def test_it_audits_the_lock_and_the_unlock(province: Province):
    """The lock is recorded by the system, the unlock by the security administrator."""
    fail(Client(), "leader", 5)
    unlock_account(province.secadmin, province.leader)
    lock, unlock = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(province.leader.pk),
                                             verb__in=["lock_account", "unlock_account"]).order_by("id")
    assert (lock.verb, lock.actor_label, unlock.verb, unlock.actor) == (
        "lock_account", "system", "unlock_account", province.secadmin)
    assert Client().login(username="leader", password=PASSWORD)


@pytest.mark.parametrize("persona", ["supervisor", "sysadmin", "auditadmin", "leader"])
def test_it_lets_only_the_security_administrator_unlock(province: Province, persona: str):
    """Nobody but the security administrator unlocks an account."""
    fail(Client(), "secretary", 5)
    with pytest.raises(Forbidden):
        unlock_account(getattr(province, persona), province.secretary)
    assert policy.is_locked("secretary")


def test_it_refuses_to_unlock_an_account_that_is_not_locked(province: Province):
    """Unlocking an unlocked account is a clear error and writes nothing."""
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput):
        unlock_account(province.secadmin, province.leader)
    assert AuditEvent.objects.count() == before


def test_it_counts_an_inactive_account_like_any_other(province: Province):
    """A deactivated account's failures count too, so its state is not revealed by a missing lock."""
    assert not User.objects.get(username="outsider").is_active
    fail(Client(), "outsider", 5)
    assert policy.is_locked("outsider")
