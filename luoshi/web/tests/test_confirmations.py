"""Irreversible actions ask first: their forms carry a translated data-confirm question,
which luoshi/web/static/web/confirm.js puts to the user before anything is sent
(the browser test luoshi/browser_tests/test_confirmations.py clicks through it)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

from luoshi.api.services import create_token
from luoshi.calendars.services import create_calendar_feed


def page(user, url: str) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def confirmations(html: str) -> dict[str, str]:
    """{form action: question} of the forms that ask before they are sent."""
    found = {}
    for form in re.findall(r"<form\b[^>]*>", html):
        question = re.search(r'data-confirm="([^"]*)"', form)
        action = re.search(r'action="([^"]*)"', form)
        if question and action:
            found[action.group(1)] = question.group(1)
    return found


def test_every_page_loads_the_script_that_asks(province):
    """The base layout loads confirm.js, which stops a submission the user does not confirm."""
    assert "/static/web/confirm.js" in page(province.supervisor, "/")
    script = open(finders.find("web/confirm.js"), encoding="utf-8").read()  # noqa: SIM115
    assert "data-confirm" in script and "window.confirm" in script and "preventDefault" in script


def test_signing_approving_and_cancelling_ask_first_in_chinese(province):
    """签收, 批准办结 and 撤销 ask in the interface language; reporting progress does not ask."""
    assigned, asking = province.assigned(), province.completion_requested()
    liaison_page = confirmations(page(province.liaison, assigned.get_absolute_url()))
    assert liaison_page[f"/tasks/{assigned.pk}/sign/"].startswith("确认签收该督办事项？")
    # The other forms come when their panels open (GET of the action's URL).
    office = {action: confirmations(page(province.supervisor, f"/tasks/{asking.pk}/{action}/"))
              for action in ("approve", "cancel", "return", "urge")}
    assert office["approve"][f"/tasks/{asking.pk}/approve/"].startswith("确认批准办结？")
    assert office["cancel"][f"/tasks/{asking.pk}/cancel/"].startswith("确认撤销该督办事项？")
    assert f"/tasks/{asking.pk}/return/" not in office["return"]
    assert f"/tasks/{asking.pk}/urge/" not in office["urge"]


def test_publishing_a_meeting_asks_first(province):
    """发布会议 asks before the meeting is published."""
    html = page(province.secretary, province.meeting.get_absolute_url())
    assert confirmations(html)[f"/meetings/{province.meeting.pk}/publish/"].startswith("确认发布该会议？")


def test_deactivating_a_user_asks_first(province):
    """停用 asks before the security administrator deactivates an account."""
    html = page(province.secadmin, f"/security/accounts/{province.liaison.pk}/")
    questions = confirmations(html)
    assert questions[f"/security/accounts/{province.liaison.pk}/deactivate/"].startswith("确认停用该用户？")
    assert f"/security/accounts/{province.liaison.pk}/reset_password/" not in questions


def test_revoking_a_token_or_a_feed_asks_first(province):
    """Deleting an API token or a calendar feed cannot be undone, so it asks."""
    token, _raw = create_token(province.liaison, name="script")
    feed, _secret = create_calendar_feed(province.liaison, scope="mine")
    tokens = confirmations(page(province.liaison, "/api/tokens/"))
    assert tokens[f"/api/tokens/{token.pk}/revoke/"].startswith("确认作废该令牌？")
    feeds = confirmations(page(province.liaison, "/calendar/"))
    assert feeds[f"/calendar/{feed.pk}/revoke/"].startswith("确认作废该订阅地址？")
    assert f"/calendar/{feed.pk}/regenerate/" not in feeds
