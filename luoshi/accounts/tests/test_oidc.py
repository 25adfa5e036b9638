"""Single sign-on end to end: a real OpenID Connect provider (Authlib's server components,
oidc_provider.py) runs in a second process with RS256 keys made here; the Django test client
signs in through the real redirects, the provider's login form and the code exchange."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.test import Client
from django.urls import reverse
from joserfc.jwk import RSAKey

from luoshi import lib
from luoshi.accounts import services
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput
from luoshi.testing.fixtures import PASSWORD, Province

from .helpers import client_for, code_at, with_totp

SITE = "http://testserver"
USERS = {"li": {"password": "idp-pass-li", "sub": "3f2a-liaison", "name": "李联络", "email": "li@example.gov.cn"},
         "zhao": {"password": "idp-pass-zhao", "sub": "77c1-stranger", "name": "赵新", "email": "zhao@example.gov.cn"}}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen[str]


def start_provider(tmp: Path, *, forged: bool = False) -> Provider:
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
    config = {"client_id": "luoshi", "client_secret": "client-secret-1", "redirect_uri": f"{SITE}/login/oidc/callback/",
              "users": USERS, "private_key": key.as_dict(private=True)}
    if forged:  # publishes another key than the one it signs with
        config["published_key"] = RSAKey.generate_key(2048, private=True).as_dict(private=True)
    path = tmp / ("forged.json" if forged else "provider.json")
    path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "luoshi.accounts.tests.oidc_provider", str(path)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"the test provider did not start: {line!r}")
    return Provider(line.split()[1], process)


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    running = start_provider(tmp_path_factory.mktemp("oidc"))
    yield running
    running.process.terminate()
    running.process.wait(10)


@pytest.fixture
def sso(settings, provider: Provider) -> Provider:  # type: ignore[no-untyped-def]
    settings.LUOSHI_SITE_URL = SITE
    settings.LUOSHI_OIDC_ISSUER, settings.LUOSHI_OIDC_CLIENT_ID = provider.issuer, "luoshi"
    settings.LUOSHI_OIDC_CLIENT_SECRET, settings.LUOSHI_OIDC_LABEL = "client-secret-1", "浙政钉"
    return provider


def sign_in(client: Client, username: str, password: str) -> object:
    """Start at Luoshi, follow the redirect to the live provider, fill its form, and follow its
    redirect back to Luoshi's callback (and on to the page after it)."""
    start = client.get(reverse("oidc_login"))
    assert start.status_code == 302
    browser = requests.Session()
    browser.trust_env = False  # straight to 127.0.0.1, whatever proxy the environment names
    form = browser.get(start["Location"], timeout=10)
    assert form.status_code == 200
    query = html.unescape(re.search(r'name="query" value="([^"]*)"', form.text).group(1))  # type: ignore[union-attr]
    back = browser.post(form.url.split("?")[0], data={"query": query, "username": username, "password": password},
                        allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = urllib.parse.urlsplit(back.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}" == SITE
    return client.get(callback.path, dict(urllib.parse.parse_qsl(callback.query)), follow=True)


def signed_in_user(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_the_security_administrator_links_and_the_person_signs_in(province: Province, sso: Provider):
    """Linked on the account page by subject id, the liaison signs in at the provider and lands home."""
    response = client_for(province.secadmin).post(reverse("account_sign_on", args=[province.liaison.pk]),
                                                  {"subject": USERS["li"]["sub"]})
    assert response.status_code == 302
    linked = User.objects.get(pk=province.liaison.pk)
    assert (linked.oidc_issuer, linked.oidc_subject) == (sso.issuer, USERS["li"]["sub"])
    event = AuditEvent.objects.get(verb="link_sign_on")
    assert event.actor == province.secadmin and event.after == {"issuer": sso.issuer, "subject": USERS["li"]["sub"]}
    client = Client()
    page = sign_in(client, "li", USERS["li"]["password"])
    assert page.status_code == 200  # type: ignore[attr-defined]
    assert signed_in_user(client) == province.liaison
    assert AuditEvent.objects.filter(verb="sign_in", actor=province.liaison).exists()


def test_an_unlinked_person_is_refused_with_a_clear_message(province: Province, sso: Provider):
    """The provider vouches for zhao, but no account is linked: no session, no account, and a message
    naming the subject id to give the security administrator."""
    users_before = User.objects.count()
    client = Client()
    page = sign_in(client, "zhao", USERS["zhao"]["password"])
    text = page.content.decode()  # type: ignore[attr-defined]
    assert page.redirect_chain[-1][0] == reverse("login")  # type: ignore[attr-defined]
    assert USERS["zhao"]["sub"] in text and ("security administrator" in text or "安全保密管理员" in text)
    assert signed_in_user(client) is None and User.objects.count() == users_before


def test_with_creation_allowed_an_unknown_person_gets_an_account_with_no_role(province: Province, sso: Provider,
                                                                               settings):
    """LUOSHI_OIDC_CREATE_USERS=True: a new account, no role, no password, audited; it sees no tasks."""
    settings.LUOSHI_OIDC_CREATE_USERS = True
    client = Client()
    page = sign_in(client, "zhao", USERS["zhao"]["password"])
    user = signed_in_user(client)
    assert user is not None and page.status_code == 200  # type: ignore[attr-defined]
    assert page.redirect_chain[-1][0] == reverse("home")  # type: ignore[attr-defined]  # no password to change
    assert (user.role, user.unit, user.oidc_subject, user.email) == ("", None, USERS["zhao"]["sub"],
                                                                    "zhao@example.gov.cn")
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(verb="create_user_from_sign_on", object_id=str(user.pk)).exists()
    task = province.in_progress()
    ledger = client.get(reverse("ledger"))
    assert ledger.status_code in (200, 403, 404) and task.title not in ledger.content.decode()
    assert client.get(task.get_absolute_url()).status_code == 404


def test_an_id_token_signed_with_another_key_is_refused(province: Province, settings, tmp_path: Path):
    """A provider whose published keys do not match its signature: the sign-in fails, nobody is signed in."""
    forged = start_provider(tmp_path, forged=True)
    try:
        settings.LUOSHI_SITE_URL = SITE
        settings.LUOSHI_OIDC_ISSUER, settings.LUOSHI_OIDC_CLIENT_ID = forged.issuer, "luoshi"
        settings.LUOSHI_OIDC_CLIENT_SECRET = "client-secret-1"
        services.link_sign_on(None, province.liaison, subject=USERS["li"]["sub"], issuer=forged.issuer)
        client = Client()
        page = sign_in(client, "li", USERS["li"]["password"])
    finally:
        forged.process.terminate()
        forged.process.wait(10)
    assert signed_in_user(client) is None
    assert "BadSignatureError" in page.content.decode()  # type: ignore[attr-defined]


def test_a_callback_without_its_state_is_refused(province: Province, sso: Provider):
    """A code delivered to a browser that did not start the sign-in (no state in its session) is refused."""
    client = Client()
    page = client.get(reverse("oidc_callback"), {"code": "stolen", "state": "made-up"}, follow=True)
    assert page.redirect_chain[-1][0] == reverse("login") and signed_in_user(client) is None


def test_a_deactivated_linked_account_is_refused(province: Province, sso: Provider):
    services.link_sign_on(None, province.liaison, subject=USERS["li"]["sub"])
    User.objects.filter(pk=province.liaison.pk).update(is_active=False)
    client = Client()
    page = sign_in(client, "li", USERS["li"]["password"])
    assert signed_in_user(client) is None and page.redirect_chain[-1][0] == reverse("login")  # type: ignore[attr-defined]


def test_only_the_security_administrator_links(province: Province, sso: Provider):
    """Others get 404 on the page and Forbidden from the service; one subject links one account."""
    for persona in ("sysadmin", "supervisor", "liaison"):
        response = client_for(getattr(province, persona)).post(
            reverse("account_sign_on", args=[province.leader.pk]), {"subject": "x"})
        assert response.status_code == 404
        with pytest.raises(Forbidden):
            services.link_sign_on(getattr(province, persona), province.leader, subject="x")
    services.link_sign_on(province.secadmin, province.leader, subject="same")
    with pytest.raises(InvalidInput, match=province.leader.username):
        services.link_sign_on(province.secadmin, province.supervisor, subject="same")
    with pytest.raises(InvalidInput):
        services.link_sign_on(province.secadmin, province.supervisor, subject="  ")
    client_for(province.secadmin).post(reverse("account_sign_on", args=[province.leader.pk]), {"unlink": "1"})
    assert User.objects.get(pk=province.leader.pk).oidc_subject == ""
    assert AuditEvent.objects.filter(verb="unlink_sign_on").count() == 1


def test_passwords_can_be_kept_for_the_administrators_only(province: Province, sso: Provider, settings):
    """LUOSHI_PASSWORD_LOGIN=administrators: the liaison's right password is refused, the
    security administrator's accepted; the login page says so and offers the provider."""
    settings.LUOSHI_PASSWORD_LOGIN = "administrators"
    page = Client().get(reverse("login")).content.decode()
    assert "浙政钉" in page and reverse("oidc_login") in page
    refused = Client()
    refused.post(reverse("login"), {"username": province.liaison.username, "password": PASSWORD})
    assert signed_in_user(refused) is None
    admitted = Client()
    admitted.post(reverse("login"), {"username": province.secadmin.username, "password": PASSWORD})
    assert signed_in_user(admitted) == province.secadmin


def test_sign_on_is_off_unless_configured(province: Province):
    assert Client().get(reverse("oidc_login")).status_code == 404
    assert "oidc" not in Client().get(reverse("login")).content.decode()


def test_an_account_with_two_step_sign_in_still_gives_its_code(province: Province, sso: Provider):
    """After the provider, an account with TOTP goes to the code step; only the right code signs it in."""
    with_totp(province.liaison)
    services.link_sign_on(None, province.liaison, subject=USERS["li"]["sub"])
    client = Client()
    page = sign_in(client, "li", USERS["li"]["password"])
    assert page.redirect_chain[-1][0] == reverse("login_totp") and signed_in_user(client) is None  # type: ignore[attr-defined]
    client.post(reverse("login_totp"), {"code": code_at(lib.now())})
    assert signed_in_user(client) == province.liaison
