"""API tokens: the page /api/tokens/ (create, shown once, revoke), how they are stored,
audited, and accepted or refused (401) by the API."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.accounts.models import User
from luoshi.api import services
from luoshi.api.models import ApiToken
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify_chain

PAGE = "/api/tokens/"
ME = "/api/v1/me"
EVERY_PERSONA = ["supervisor", "liaison", "city_liaison", "county_liaison", "other_liaison", "leader", "secretary",
                 "sysadmin", "secadmin", "auditadmin"]


def browser(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_it_has_the_agreed_address(db):
    """The token page is named 'api_tokens'."""
    assert reverse("api_tokens") == PAGE


def test_it_requires_login(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(PAGE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_other_methods(province):
    """The page takes GET and POST; revoking takes POST only."""
    client = browser(province.supervisor)
    assert client.put(PAGE).status_code == 405
    token, _raw = services.create_token(province.supervisor, name="x")
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 405


@pytest.mark.parametrize("persona", EVERY_PERSONA)
def test_it_shows_the_page_to_every_user(province, persona):
    """Everyone who can log in may have tokens: the API applies their own permissions."""
    response = browser(getattr(province, persona)).get(PAGE)
    assert response.status_code == 200
    assert "You have no API tokens." in response.content.decode()


def test_it_creates_a_token_and_shows_it_once(province):
    """The new token appears on the next page only; the database keeps its SHA-256."""
    client = browser(province.liaison)
    response = client.post(PAGE, {"name": "ledger sync"})
    assert response.status_code == 302 and response["Location"] == PAGE
    page = client.get(PAGE).content.decode()
    token = ApiToken.objects.get()
    raw = page.split('id="new-token" class="mono" type="text" readonly value="')[1].split('"')[0]
    assert raw.startswith("lsh_") and token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in client.get(PAGE).content.decode()
    assert "ledger sync" in client.get(PAGE).content.decode()
    assert raw not in str(list(ApiToken.objects.values()))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(ME).json()["username"] == "liaison"


def test_it_audits_creation_and_revocation(province):
    """Both writes leave an audit row, and the chain still verifies."""
    token, _raw = services.create_token(province.liaison, name="sync")
    services.revoke_token(province.liaison, token.pk)
    created = AuditEvent.objects.get(verb="create_api_token")
    revoked = AuditEvent.objects.get(verb="revoke_api_token")
    assert created.actor == revoked.actor == province.liaison
    assert created.object_id == revoked.object_id == str(token.pk)
    assert created.after["name"] == "sync" and revoked.after["revoked"] is True
    assert verify_chain().ok


@pytest.mark.parametrize("name, message", [("", "This field is required."), ("   ", "This field is required.")])
def test_it_refuses_a_token_without_a_name(province, name, message):
    """A token needs a name; the page says so and creates nothing."""
    response = browser(province.liaison).post(PAGE, {"name": name})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_refuses_a_duplicate_name(province):
    """Two active tokens of one user cannot share a name (e.g. a form posted twice)."""
    client = browser(province.liaison)
    client.post(PAGE, {"name": "sync"})
    response = client.post(PAGE, {"name": "sync"}, follow=True)
    assert "You already have a token named “sync”." in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_it_revokes_a_token_at_once(province):
    """After revocation the token is 401, and it leaves the list."""
    token, raw = services.create_token(province.liaison, name="sync")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(ME).status_code == 200
    response = browser(province.liaison).post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "is revoked" in response.content.decode() and "lsh_" not in response.content.decode()
    assert api.get(ME).status_code == 401


def test_it_refuses_to_revoke_another_users_token(province):
    """Another user's token is 404, as if it did not exist, and keeps working."""
    token, raw = services.create_token(province.liaison, name="sync")
    assert browser(province.other_liaison).post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(ME).status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer lsh_unknown", "Basic dXNlcjpwYXNz", "Token lsh_x"])
def test_it_refuses_a_missing_or_unknown_token_with_401(province, header):
    """No token, an unknown one or another scheme is a JSON 401 with WWW-Authenticate."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en") if header is None else Client(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized" and response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_the_token_of_a_deactivated_user(province):
    """A token stops working when its user is deactivated."""
    _token, raw = services.create_token(province.liaison, name="sync")
    User.objects.filter(pk=province.liaison.pk).update(is_active=False)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(ME).status_code == 401


def test_it_refuses_a_session_without_a_token(province):
    """Being logged in to the web pages does not open the API: it takes tokens only."""
    assert browser(province.supervisor).get(ME).status_code == 401


def test_it_notes_when_a_token_was_last_used(province, settings):
    """The last-used time is written on use, at most once per LUOSHI_API_TOKEN_TOUCH_SECONDS."""
    token, raw = services.create_token(province.liaison, name="sync")
    assert token.last_used_at is None
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    api.get(ME)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    api.get(ME)
    assert ApiToken.objects.get().last_used_at == first
    settings.LUOSHI_API_TOKEN_TOUCH_SECONDS = 0
    api.get(ME)
    assert ApiToken.objects.get().last_used_at > first


def test_it_limits_the_number_of_tokens(province):
    """A user holds at most MAX_ACTIVE_TOKENS active tokens."""
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.create_token(province.liaison, name=f"t{n}")
    response = browser(province.liaison).post(PAGE, {"name": "one more"}, follow=True)
    assert "revoke one before creating another" in response.content.decode()


def test_it_lists_the_page_with_a_fixed_number_of_queries(province, django_assert_max_num_queries):
    """The page costs the same with 1 token as with 20."""
    client = browser(province.liaison)
    services.create_token(province.liaison, name="first")
    client.get(PAGE)
    with django_assert_max_num_queries(8) as one:
        client.get(PAGE)
    for n in range(19):
        services.create_token(province.liaison, name=f"t{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(PAGE)


def test_it_is_linked_from_every_page(province):
    """The footer of every page links to the token page."""
    assert f'href="{PAGE}"' in browser(province.leader).get("/").content.decode()
