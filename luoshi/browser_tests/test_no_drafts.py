"""A liaison, in a real browser, finds no draft anywhere (issue 14): not in the ledger (even
with ?status=draft), not in search, not through the API with a token, not among the phone's
ledger cards. A draft is the supervision office's until it is assigned."""

from __future__ import annotations

import pytest

from luoshi.api import services as api_services
from luoshi.tasks import services
from luoshi.testing.fixtures import PASSWORD, build_province

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
DRAFT = "草稿危化品专项整治"
ASSIGNED = "已交办危化品安全检查"


def login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form button.primary").first.click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, "login failed"


@pytest.mark.parametrize("persona", ["liaison", "other_liaison"])  # the lead unit's, a cooperating unit's
def test_a_liaison_finds_no_draft(browser, live_server, persona):  # type: ignore[no-untyped-def]
    """Ledger, ?status=draft, search, API and the phone's cards: the assigned task, never the draft."""
    province = build_province()
    draft = province.draft(title=DRAFT, cooperating_units=[province.health])
    assigned = services.assign_task(province.supervisor, province.draft(title=ASSIGNED,
                                                                       cooperating_units=[province.health]))
    user = getattr(province, persona)
    _token, raw = api_services.create_token(user, name="browser")
    base = live_server.url

    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        page = context.new_page()
        login(page, base, user.username)
        page.goto(base + "/tasks/")
        rows = page.locator("table.ledger tbody tr")
        assert rows.count() == 1 and ASSIGNED in rows.first.inner_text()
        assert rows.first.is_visible()  # on the phone, the row is a card
        assert DRAFT not in page.content() and f"/tasks/{draft.pk}/" not in page.content()
        page.goto(base + "/tasks/?status=draft")
        assert page.locator("table.ledger tbody tr").count() == 0 and DRAFT not in page.content()
        assert page.goto(base + f"/tasks/{draft.pk}/").status == 404
        page.goto(base + "/search/?q=危化品")
        found = page.content()  # titles come with the words marked: look for the links
        assert f"/tasks/{assigned.pk}/" in found and f"/tasks/{draft.pk}/" not in found and "专项整治" not in found
        context.close()

    context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {raw}"})
    listed = context.request.get(base + "/api/v1/tasks").json()
    assert [row["id"] for row in listed["results"]] == [assigned.pk] and listed["count"] == 1
    assert context.request.get(base + "/api/v1/tasks?status=draft").json()["count"] == 0
    assert context.request.get(base + f"/api/v1/tasks/{draft.pk}").status == 404
    context.close()
