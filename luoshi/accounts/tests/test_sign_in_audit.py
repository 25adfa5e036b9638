"""Sign-in, sign-out, failed sign-in, lockout and unlock are on the audit trail."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from luoshi import lib
from luoshi.accounts.models import LoginThrottle
from luoshi.accounts.services import unlock_account
from luoshi.audit.models import AuditEvent
from luoshi.testing.fixtures import Province

from .helpers import client_for, code_at, login, with_totp


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


def test_it_audits_a_sign_in_by_the_user(province: Province):
    """The login page's success is one `sign_in` event by that user, with the client's address."""
    assert login(Client(), "leader").status_code == 302
    (event,) = events("sign_in")
    assert (event.actor, event.object_type, event.object_id) == (province.leader, "accounts.user", str(province.leader.pk))
    assert event.after == {"two_step": False, "address": "127.0.0.1"}


def test_it_audits_a_sign_out(province: Province):
    """Signing out (POST /logout/) is a `sign_out` event by the user."""
    client = client_for(province.leader)
    assert client.post("/logout/").status_code in (200, 302)
    (event,) = events("sign_out")
    assert event.actor == province.leader and event.after["reason"] == "signed out"


def test_it_audits_the_end_of_an_idle_session(province: Province):
    """The session rules' sign-out says why."""
    start = lib.now()
    with lib.clock_at(start):
        client = client_for(province.leader)
    with lib.clock_at(start + dt.timedelta(minutes=31)):
        client.get("/")
    (event,) = events("sign_out")
    assert event.actor == province.leader and event.after["reason"] == "idle"


def test_it_audits_a_wrong_password_against_the_account(province: Province):
    """A failure on a real name: no actor (nobody is signed in), the name as typed, the account as object."""
    login(Client(), "leader", "not-the-password")
    (event,) = events("sign_in_failed")
    assert event.actor is None and event.actor_label == "leader"
    assert (event.object_type, event.object_id) == ("accounts.user", str(province.leader.pk))
    assert event.after == {"username": "leader", "step": "password", "address": "127.0.0.1", "failures": 1,
                           "locked": False}


def test_it_audits_a_failure_for_an_unknown_username(province: Province):
    """An unknown name is recorded as typed, with no actor and no account: its throttle row is the object."""
    login(Client(), "no.such.person", "whatever-it-is")
    (event,) = events("sign_in_failed")
    assert event.actor is None and event.actor_label == "no.such.person"
    assert event.object_type == "accounts.loginthrottle"
    assert event.object_id == str(LoginThrottle.objects.get(username="no.such.person").pk)


def test_it_audits_the_lockout_and_attempts_while_locked(province: Province):
    """Five failures: five events and a lock; a sixth attempt, even with the right password, is
    refused and recorded as refused; the unlock by the security administrator is recorded too."""
    client = Client()
    for _i in range(5):
        login(client, "leader", "not-the-password")
    login(client, "leader")
    failed = events("sign_in_failed")
    assert [e.after["locked"] for e in failed] == [False, False, False, False, True, True]
    assert failed[-1].after["refused"] == "locked" and not events("sign_in")
    (lock,) = events("lock_account")
    assert lock.actor is None and lock.actor_label == "system"
    unlock_account(province.secadmin, province.leader)
    (unlock,) = events("unlock_account")
    assert unlock.actor == province.secadmin


def test_it_audits_a_wrong_code_and_the_two_step_sign_in(province: Province):
    """A wrong authenticator code is a failed sign-in at the code step; the right one, a sign-in."""
    with_totp(province.leader)
    client = Client()
    login(client, "leader")
    assert not events("sign_in")
    client.post("/login/code/", {"code": "000000" if code_at(lib.now()) != "000000" else "111111"})
    (failed,) = events("sign_in_failed")
    assert failed.after["step"] == "totp" and failed.actor_label == "leader"
    assert client.post("/login/code/", {"code": code_at(lib.now())}).status_code == 302
    (event,) = events("sign_in")
    assert event.actor == province.leader and event.after["two_step"] is True
