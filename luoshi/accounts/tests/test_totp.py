"""The TOTP second factor: the algorithm, enrolment, the login's second step, and the reset."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from luoshi import lib
from luoshi.accounts import policy, totp
from luoshi.accounts.models import User
from luoshi.accounts.services import enable_totp, reset_totp
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput
from luoshi.testing.fixtures import Province

from .helpers import SECRET, client_for, code_at, login, with_totp

UTC = dt.UTC


@pytest.mark.parametrize(("seconds", "code"), [
    (59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"), (2000000000, "279037"),
])
def test_it_matches_the_rfc_6238_test_vectors(seconds: int, code: str):
    """The SHA-1 vectors of RFC 6238 appendix B, cut to six digits."""
    assert totp.code_for_step(SECRET, totp.step_at(dt.datetime.fromtimestamp(seconds, UTC))) == code


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_it_accepts_one_step_of_drift_either_way(steps: int, accepted: bool):
    """Codes for the previous, current and next 30-second step are accepted; two steps away is not."""
    moment = dt.datetime(2026, 3, 1, 9, 0, 10, tzinfo=UTC)
    assert (totp.matching_step(SECRET, code_at(moment, steps), moment) is not None) is accepted


def test_it_ignores_spaces_and_refuses_non_digits():
    """'287 082' is the code; letters or a wrong length are not."""
    moment = dt.datetime.fromtimestamp(59, UTC)
    assert totp.matching_step(SECRET, "287 082", moment) is not None
    assert totp.matching_step(SECRET, "28708a", moment) is None and totp.matching_step(SECRET, "2870821", moment) is None


def test_it_stores_the_secret_encrypted(province: Province):
    """The database holds the secret encrypted; decrypting gives it back."""
    user = with_totp(province.leader)
    assert SECRET not in user.totp_secret and totp.decrypt(user.totp_secret) == SECRET
    assert AuditEvent.objects.filter(verb="enable_totp", object_id=str(user.pk)).exists()


def test_it_refuses_enrolment_with_a_wrong_code(province: Province):
    """A wrong code leaves TOTP off."""
    with pytest.raises(InvalidInput):
        enable_totp(province.leader, SECRET, "000000" if code_at(lib.now()) != "000000" else "111111")
    province.leader.refresh_from_db()
    assert not province.leader.has_totp


def test_it_asks_for_a_code_after_the_password(province: Province):
    """A user with TOTP is not signed in by the password alone; the right code completes the login."""
    with_totp(province.leader)
    client = Client()
    response = login(client, "leader")
    assert response["Location"] == "/login/code/" and "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still anonymous
    response = client.post("/login/code/", {"code": code_at(lib.now())})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(province.leader.pk)


def test_it_refuses_a_code_used_twice(province: Province):
    """A code that signed in once does not sign in again (no replay)."""
    with_totp(province.leader)
    code = code_at(lib.now())
    first, second = Client(), Client()
    login(first, "leader")
    login(second, "leader")
    assert first.post("/login/code/", {"code": code}).status_code == 302
    assert second.post("/login/code/", {"code": code}).status_code == 400


def test_it_counts_wrong_codes_towards_the_lockout(province: Province):
    """Five wrong codes lock the account like five wrong passwords."""
    with_totp(province.leader)
    client = Client()
    login(client, "leader")
    wrong = "000000" if code_at(lib.now()) != "000000" else "111111"
    for _i in range(4):
        assert client.post("/login/code/", {"code": wrong}).status_code == 400
    response = client.post("/login/code/", {"code": wrong})
    assert response["Location"] == "/login/" and policy.is_locked("leader")


def test_it_forgets_a_pending_login_after_five_minutes(province: Province):
    """The code step expires: five minutes after the password, the user starts again."""
    with_totp(province.leader)
    client = Client()
    start = lib.now()
    with lib.clock_at(start):
        login(client, "leader")
    later = start + dt.timedelta(minutes=6)
    with lib.clock_at(later):
        response = client.post("/login/code/", {"code": code_at(later)})
    assert response["Location"] == "/login/"


def test_it_sends_a_visitor_without_a_pending_login_to_the_login_page(db: None):
    """The code page without a password first is just a redirect."""
    assert Client().get("/login/code/")["Location"] == "/login/"


def test_it_enrols_from_the_page_and_shows_the_secret_only_until_confirmed(province: Province):
    """The page shows a QR code, the key and an otpauth URI; after confirming, the key is gone."""
    client = client_for(province.leader)
    page = client.get("/account/two-step/")
    secret = client.session["luoshi_totp_enrolment"]
    html = page.content.decode()
    assert page.status_code == 200 and "otpauth://totp/" in html and "<svg" in html and secret[:4] in html
    assert client.get("/account/two-step/").context["secret"].replace(" ", "") == secret  # stable on reload
    response = client.post("/account/two-step/", {"code": totp.code_for_step(secret, totp.step_at(lib.now()))})
    assert response.status_code == 302
    html = client.get("/account/two-step/").content.decode()
    assert "Two-step sign-in is on" in html and secret[:8] not in html.replace(" ", "")


def test_it_refuses_a_wrong_code_on_the_enrolment_page(province: Province):
    """A wrong code keeps TOTP off and says so."""
    client = client_for(province.leader)
    client.get("/account/two-step/")
    secret = client.session["luoshi_totp_enrolment"]
    wrong = str((int(totp.code_for_step(secret, totp.step_at(lib.now()))) + 1) % 10**6).zfill(6)
    response = client.post("/account/two-step/", {"code": wrong})
    assert response.status_code == 400 and "does not match" in response.content.decode()
    province.leader.refresh_from_db()
    assert not province.leader.has_totp


def test_it_requires_enrolment_for_the_configured_roles(province: Province, settings):
    """With LUOSHI_TOTP_REQUIRED_ROLES naming a role, its users are sent to the set-up page first."""
    settings.LUOSHI_TOTP_REQUIRED_ROLES = ["leader"]
    assert client_for(province.leader).get("/")["Location"] == "/account/two-step/"
    assert client_for(province.supervisor).get("/").status_code == 200


def test_it_refuses_an_unknown_required_role(settings):
    """A misspelt role in LUOSHI_TOTP_REQUIRED_ROLES is a configuration error."""
    from luoshi.accounts.apps import check_totp_roles

    settings.LUOSHI_TOTP_REQUIRED_ROLES = ["leadr"]
    assert [error.id for error in check_totp_roles()] == ["luoshi.E701"]


def test_it_lets_the_security_administrator_reset_totp_audited(province: Province):
    """The reset turns TOTP off and is audited; the user then signs in with the password alone."""
    user = with_totp(province.leader)
    reset_totp(province.secadmin, user)
    user.refresh_from_db()
    assert not user.has_totp and user.totp_secret == ""
    event = AuditEvent.objects.get(verb="reset_totp")
    assert (event.actor, event.object_id) == (province.secadmin, str(user.pk))
    assert login(Client(), "leader")["Location"] == "/"


@pytest.mark.parametrize("persona", ["leader", "supervisor", "sysadmin", "auditadmin"])
def test_it_lets_nobody_else_reset_totp(province: Province, persona: str):
    """Only the security administrator resets a second factor, and not their own."""
    user = with_totp(province.secretary)
    with pytest.raises(Forbidden):
        reset_totp(getattr(province, persona), user)
    with pytest.raises(Forbidden):
        reset_totp(province.secadmin, with_totp(province.secadmin))
    assert User.objects.get(pk=user.pk).has_totp
