"""HTTP hardening: the CSP and other headers, pages without inline script, `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from luoshi.testing.fixtures import PASSWORD, Province

ROOT = Path(__file__).resolve().parents[2]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_every_response_carries_the_security_headers(province: Province):
    """CSP without inline script, no framing, same-origin referrers, no sniffing."""
    response = client_for(province.supervisor).get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp and "form-action 'self'" in csp and "img-src 'self' data:" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in Client().get(reverse("login"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _pages(province: Province) -> dict[str, list[str]]:
    task = province.in_progress()
    province.completion_requested()
    return {
        "supervisor": [reverse("home"), reverse("ledger"), reverse("meeting_list"),
                       reverse("meeting_detail", args=[province.meeting.pk]), reverse("task_detail", args=[task.pk]),
                       reverse("notifications"), reverse("scoring"), reverse("documents"), reverse("calendars"),
                       reverse("ledger_import")],
        "liaison": [reverse("home"), reverse("ledger"), reverse("task_detail", args=[task.pk]),
                    reverse("notification_preferences")],
        "leader": [reverse("home"), reverse("task_detail", args=[task.pk])],
        "secretary": [reverse("home"), reverse("meeting_list")],
        "sysadmin": [reverse("home"), reverse("unit_list"), reverse("unit_edit", args=[province.city.pk]),
                     reverse("area_list"), reverse("webhooks")],
        "auditadmin": [reverse("home"), reverse("audit_log")],
    }


def test_no_page_has_inline_script_handlers_or_styles(province: Province):
    """Every page a persona reaches: scripts come from files, data from json_script; no on…= or style=."""
    for persona, urls in _pages(province).items():
        client = client_for(getattr(province, persona))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (persona, url)
            assert not INLINE_HANDLER.search(html), (persona, url)
            assert not INLINE_STYLE.search(html), (persona, url)
    login = Client().get(reverse("login")).content.decode()
    assert not INLINE_SCRIPT.search(login) and not INLINE_HANDLER.search(login)


def test_uploaded_files_are_not_served_by_url(province: Province, settings):
    """MEDIA_URL is never routed: evidence is served only by the permission-checked view."""
    settings.DEBUG = False
    client = client_for(province.supervisor)
    assert client.get(f"{settings.MEDIA_URL}evidence/2026/01/x.pdf").status_code == 404
    assert Client().get(f"{settings.MEDIA_URL}evidence/2026/01/x.pdf").status_code in (302, 404)


def _deploy_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="luoshi.settings", LUOSHI_DATA_DIR=str(tmp_path), LUOSHI_SECURE="True",
               LUOSHI_SECRET_KEY=secrets.token_urlsafe(50)[:50], LUOSHI_ALLOWED_HOSTS="luoshi.example.gov.cn", **extra)
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path):
    """`luoshi check --deploy` reports no issue with LUOSHI_SECURE=True and a real secret."""
    result = subprocess.run([sys.executable, "-m", "luoshi", "check", "--deploy", "--fail-level", "DEBUG"],
                            env=_deploy_env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_turn_hardening_on(tmp_path: Path):
    """LUOSHI_SECURE=True and a proxy header: secure cookies, HSTS, the HTTPS redirect."""
    expected = {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 31536000, "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}
    names = list(expected)
    code = f"from django.conf import settings; print(repr({{n: getattr(settings, n) for n in {names!r}}}))"
    env = _deploy_env(tmp_path, LUOSHI_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == repr(expected), result.stderr
