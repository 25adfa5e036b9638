"""Accounts made by an administrator choose their own password at first login."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client

from luoshi.accounts.models import User
from luoshi.accounts.services import create_user
from luoshi.audit.models import AuditEvent
from luoshi.testing.fixtures import PASSWORD, Province

from .helpers import client_for

NEW = "a brand new passphrase 77"


def made_by_secadmin(province: Province) -> User:
    return create_user(province.secadmin, username="wang.fang", password=PASSWORD, role=User.Role.SECRETARY,
                       check_password=False)


def test_it_flags_accounts_made_by_the_security_administrator(province: Province):
    """create_user by an administrator sets must_change_password; the fixtures' and demo's (no actor) do not."""
    assert made_by_secadmin(province).must_change_password
    assert not province.leader.must_change_password


def test_it_flags_accounts_made_on_the_command_line_unless_told_not_to(province: Province):
    """`luoshi createuser` forces the change; --no-force-change does not."""
    call_command("createuser", "zhang.wei", "--role", "leader", "--password", "correct-horse-battery")
    call_command("createuser", "li.na", "--role", "leader", "--password", "correct-horse-battery", "--no-force-change")
    assert User.objects.get(username="zhang.wei").must_change_password
    assert not User.objects.get(username="li.na").must_change_password


def test_it_sends_every_page_to_the_password_change_until_done(province: Province):
    """Every page redirects to the change form; after the change the user goes on and the flag is cleared."""
    user = made_by_secadmin(province)
    client = client_for(user)
    for path in ("/", "/meetings/", "/security/accounts/", "/account/two-step/"):
        assert client.get(path)["Location"] == "/account/password/", path
    assert client.get("/account/password/").status_code == 200
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200  # still signed in
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW)
    event = AuditEvent.objects.get(verb="change_password")
    assert event.actor == user and NEW not in str(event.after)


def test_it_answers_htmx_with_a_redirect_header(province: Province):
    """An htmx request while a change is due is told to load the change page."""
    client = client_for(made_by_secadmin(province))
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == "/account/password/"


def test_it_lets_the_user_sign_out_while_a_change_is_due(province: Province):
    """Logging out is always possible."""
    client = client_for(made_by_secadmin(province))
    assert client.post("/logout/")["Location"] == "/login/"


def test_it_refuses_a_weak_or_unchanged_password(province: Province):
    """The policy applies, and the new password must differ from the old one; nothing changes."""
    user = made_by_secadmin(province)
    client = client_for(user)
    for new in ("short", PASSWORD):
        response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
        assert response.status_code == 400
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(PASSWORD)


def test_it_refuses_a_wrong_current_password(province: Province):
    """The current password is checked."""
    client = client_for(province.leader)
    response = client.post("/account/password/", {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 400
    province.leader.refresh_from_db()
    assert province.leader.check_password(PASSWORD)


def test_it_requires_login_and_the_csrf_token(province: Province):
    """Anonymous visitors go to the login page; a POST without the CSRF token is refused."""
    assert Client().get("/account/password/")["Location"].startswith("/login/")
    client = client_for(province.leader, enforce_csrf_checks=True)
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 403


def test_it_refuses_other_methods(province: Province):
    """The password page answers GET and POST only."""
    assert client_for(province.leader).put("/account/password/").status_code == 405
