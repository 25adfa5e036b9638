"""Sessions end after inactivity and after an absolute lifetime (the clock is moved)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from luoshi import lib
from luoshi.testing.fixtures import Province

from .helpers import client_for


@pytest.mark.parametrize(("minutes", "signed_in"), [(29, True), (31, False)])
def test_it_ends_a_session_after_thirty_idle_minutes(province: Province, minutes: int, signed_in: bool):
    """A request 29 minutes after the last one is served; after 31 minutes the user signs in again."""
    start = lib.now()
    with lib.clock_at(start):
        client = client_for(province.leader)
    with lib.clock_at(start + dt.timedelta(minutes=minutes)):
        response = client.get("/")
    if signed_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=/")
        assert "_auth_user_id" not in client.session


def test_it_keeps_an_active_session_alive(province: Province):
    """A request every 20 minutes keeps the session going past 30 minutes."""
    start = lib.now()
    with lib.clock_at(start):
        client = client_for(province.leader)
    for minutes in (20, 40, 60):
        with lib.clock_at(start + dt.timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200


@pytest.mark.parametrize(("hours", "signed_in"), [(11.9, True), (12.1, False)])
def test_it_ends_a_session_after_twelve_hours_whatever_the_activity(province: Province, hours: float, signed_in: bool):
    """An active session ends 12 hours after sign-in, even with a request every 20 minutes."""
    start = lib.now()
    with lib.clock_at(start):
        client = client_for(province.leader)
    moment = start
    while moment < start + dt.timedelta(hours=hours) - dt.timedelta(minutes=20):
        moment += dt.timedelta(minutes=20)
        with lib.clock_at(moment):
            assert client.get("/", HTTP_ACCEPT="text/html").status_code == 200
    with lib.clock_at(start + dt.timedelta(hours=hours)):
        assert (client.get("/").status_code == 200) is signed_in


def test_it_follows_the_configured_idle_time(province: Province, settings):
    """LUOSHI_SESSION_IDLE_MINUTES sets the idle limit."""
    settings.LUOSHI_SESSION_IDLE_MINUTES = 5
    start = lib.now()
    with lib.clock_at(start):
        client = client_for(province.leader)
    with lib.clock_at(start + dt.timedelta(minutes=6)):
        assert client.get("/").status_code == 302


def test_it_tells_htmx_to_reload_the_login_page(province: Province):
    """An htmx request in an expired session gets HX-Redirect, not the login page inside a fragment."""
    start = lib.now()
    with lib.clock_at(start):
        client = client_for(province.leader)
    with lib.clock_at(start + dt.timedelta(minutes=31)):
        response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/")


def test_it_says_why_the_user_was_signed_out(province: Province):
    """The login page explains that the session ended for inactivity."""
    start = lib.now()
    with lib.clock_at(start):
        client = client_for(province.leader)
    with lib.clock_at(start + dt.timedelta(minutes=31)):
        response = client.get("/", follow=True)
    assert "signed out after 30 minutes without activity" in response.content.decode()


def test_it_refuses_a_session_past_its_expiry_date(province: Province):
    """Django's session store checks the expiry of the row: an expired row signs nobody in."""
    client = client_for(province.leader)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=lib.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_refuses_an_unknown_session_key(province: Province):
    """A cookie naming no session row is a visitor who has not signed in."""
    client = client_for(province.leader)
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
