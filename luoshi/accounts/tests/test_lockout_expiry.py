"""A lock ends by itself after LUOSHI_LOCKOUT_MINUTES (audited), the login page says when to try
again, and says it the same way whether the name has an account or not."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from luoshi import lib
from luoshi.accounts import policy
from luoshi.accounts.models import LoginThrottle
from luoshi.accounts.services import record_login_failure, unlock_account
from luoshi.audit.models import AuditEvent
from luoshi.lib import InvalidInput
from luoshi.testing.fixtures import PASSWORD, Province

from .helpers import client_for, login

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 12:00:00 in Shanghai on a working day: the lock taken now ends at 12:30:00.
LOCKED_AT = dt.datetime(2026, 6, 3, 12, 0, 0, tzinfo=SHANGHAI)


def lock(username: str, at: dt.datetime = LOCKED_AT) -> None:
    with lib.clock_at(at):
        assert [record_login_failure(username) for _i in range(5)][-1] is True


def error_on_login(username: str, password: str, at: dt.datetime) -> str:
    with lib.clock_at(at):
        response = login(Client(), username, password)
    assert response.status_code == 200  # the form again, with its error
    return str(response.context["form"].non_field_errors()[0])


def expiry_events(username: str) -> list[AuditEvent]:
    return [event for event in AuditEvent.objects.filter(verb="unlock_account", actor__isnull=True).order_by("id")
            if (event.after or {}).get("reason") == "lockout period over"]


def test_it_stays_locked_until_the_last_second_of_the_period(province: Province):
    """A second before the 30 minutes are over the right password is still refused."""
    lock("leader")
    message = error_on_login("leader", "demo", LOCKED_AT + dt.timedelta(minutes=30) - dt.timedelta(seconds=1))
    assert "Try again after 12:30" in message
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=30) - dt.timedelta(seconds=1)):
        assert policy.is_locked("leader")
        assert not Client().login(username="leader", password=PASSWORD)
    assert not expiry_events("leader")


def test_it_unlocks_by_itself_when_the_period_is_over(province: Province):
    """Exactly 30 minutes after the lock the right password signs in; the end of the lock is on the trail."""
    lock("leader")
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=30)):
        assert not policy.is_locked("leader")
        assert login(Client(), "leader").status_code == 302
    (event,) = expiry_events("leader")
    assert (event.actor_label, event.object_type, event.object_id) == ("system", "accounts.user", str(province.leader.pk))
    assert event.before["locked"] is True and event.after["minutes"] == 30
    assert not LoginThrottle.objects.filter(username="leader").exists()


def test_a_failure_after_the_period_ends_the_lock_and_starts_a_new_count(province: Province):
    """A wrong password after the lock ran out ends it (audited) and counts as the first of five again."""
    lock("leader")
    later = LOCKED_AT + dt.timedelta(minutes=45)
    with lib.clock_at(later):
        assert record_login_failure("leader") is False
        assert len(expiry_events("leader")) == 1
        assert len(LoginThrottle.objects.get(username="leader").failures) == 1
        assert [record_login_failure("leader") for _i in range(4)][-1] is True
    message = error_on_login("leader", "demo", later + dt.timedelta(minutes=1))
    assert "Try again after 13:15" in message


def test_it_follows_the_configured_period(province: Province, settings):
    """LUOSHI_LOCKOUT_MINUTES=5 ends the lock after five minutes."""
    settings.LUOSHI_LOCKOUT_MINUTES = 5
    lock("leader")
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=4, seconds=59)):
        assert policy.is_locked("leader")
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=5)):
        assert not policy.is_locked("leader")


def test_zero_minutes_leaves_the_unlock_to_the_security_administrator(province: Province, settings):
    """With LUOSHI_LOCKOUT_MINUTES=0 a lock never ends by itself, and the page names no time."""
    settings.LUOSHI_LOCKOUT_MINUTES = 0
    lock("leader")
    message = error_on_login("leader", "demo", LOCKED_AT + dt.timedelta(days=365))
    assert "Ask the security administrator to unlock it" in message and "Try again" not in message
    with lib.clock_at(LOCKED_AT + dt.timedelta(days=365)):
        unlock_account(province.secadmin, province.leader)
    assert not policy.is_locked("leader")


def test_it_rounds_the_time_up_to_the_minute(province: Province):
    """Locked at 12:00:30: "after 12:31", never a moment too early."""
    lock("leader", LOCKED_AT + dt.timedelta(seconds=30))
    assert "Try again after 12:31" in error_on_login("leader", "demo", LOCKED_AT + dt.timedelta(minutes=1))


def test_it_names_the_day_when_the_lock_ends_on_another_day(province: Province, settings):
    """A lock that ends tomorrow says which day."""
    settings.LUOSHI_LOCKOUT_MINUTES = 24 * 60
    lock("leader")
    assert "Try again after 2026-06-04 12:00" in error_on_login("leader", "x", LOCKED_AT + dt.timedelta(minutes=1))


def test_the_message_is_the_same_for_a_name_without_an_account(province: Province):
    """An unknown name, a real one and a deactivated one, locked at the same moment, get the same
    words and time: the page is no oracle for which accounts exist."""
    for username in ("leader", "nobody.here", "outsider"):
        lock(username)
    at = LOCKED_AT + dt.timedelta(minutes=10)
    messages = {error_on_login(username, password, at)
                for username in ("leader", "nobody.here", "outsider") for password in ("demo", "wrong-password")}
    assert len(messages) == 1 and "Try again after 12:30" in messages.pop()
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=31)):
        assert record_login_failure("nobody.here") is False  # unknown names unlock on the same clock
    (event,) = expiry_events("nobody.here")
    assert event.object_type == "accounts.loginthrottle"


def test_the_security_administrator_still_unlocks_earlier(province: Province):
    """The security administrator's unlock works inside the period; an expired lock is no lock to unlock."""
    lock("leader")
    lock("secretary")
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=1)):
        unlock_account(province.secadmin, province.leader)
        assert not policy.is_locked("leader")
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=31)), pytest.raises(InvalidInput):
        unlock_account(province.secadmin, province.secretary)


def test_the_accounts_list_shows_only_locks_that_hold(province: Province):
    """*State: Locked* lists a locked account during its period, not after."""
    lock("leader")
    client = client_for(province.secadmin)
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=29)):
        during = client.get("/security/accounts/", {"state": "locked"})
    with lib.clock_at(LOCKED_AT + dt.timedelta(minutes=30)):
        after = client.get("/security/accounts/", {"state": "locked"})
    assert [a.username for a in during.context["page"]] == ["leader"]
    assert [a.username for a in after.context["page"]] == []


def test_a_negative_period_stops_start_up(tmp_path):
    """LUOSHI_LOCKOUT_MINUTES=-1 is a configuration error, not a lock that never holds."""
    env = {**os.environ, "LUOSHI_LOCKOUT_MINUTES": "-1", "LUOSHI_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "luoshi", "check"], env=env, capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode != 0 and "LUOSHI_LOCKOUT_MINUTES must be 0" in result.stderr
