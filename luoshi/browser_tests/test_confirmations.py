"""In a real browser: an irreversible action asks first (dismissing the question sends
nothing), and reporting progress through htmx leaves no Content-Security-Policy error in
the console."""

from __future__ import annotations

import pytest

from luoshi.browser_tests.conftest import settle
from luoshi.browser_tests.conftest import signed_in as browser_login
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def signed_in(browser, base: str, username: str):  # type: ignore[no-untyped-def]
    return browser_login(browser, base, username, PASSWORD)


def test_signing_asks_and_a_refusal_sends_nothing(browser, live_server, province):  # type: ignore[no-untyped-def]
    """The liaison dismisses the question: still assigned; accepts it: signed."""
    task = province.assigned()
    context, page = signed_in(browser, live_server.url, province.liaison.username)
    page.goto(live_server.url + task.get_absolute_url())
    questions: list[str] = []

    def dismiss(dialog):  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("#action-sign button[type=submit]").click()
    page.wait_for_timeout(500)
    assert questions and questions[0].startswith("确认签收")
    assert Task.objects.get(pk=task.pk).status == "assigned"

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda r: r.url.endswith("/sign/") and r.request.method == "POST"):
        page.locator("#action-sign button[type=submit]").click()
    settle(page)
    assert Task.objects.get(pk=task.pk).status == "signed"
    context.close()


def test_reporting_progress_leaves_no_csp_error(browser, live_server, province):  # type: ignore[no-untyped-def]
    """The report form is sent by htmx and the task body swapped in: the console stays clean."""
    task = province.signed()
    context, page = signed_in(browser, live_server.url, province.liaison.username)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + task.get_absolute_url())
    page.locator("#action-report summary").click()
    page.locator("#action-report [name=text]").fill("已完成排查")
    page.locator("#action-report [name=progress]").fill("45")
    with page.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        page.locator("#action-report button[type=submit]").click()
    settle(page)
    page.wait_for_timeout(500)
    assert Task.objects.get(pk=task.pk).progress == 45
    assert errors == []
    context.close()


def test_the_dashboard_charts_tooltips_leave_no_csp_error(browser, live_server, province, screenshot_dir):  # type: ignore[no-untyped-def]
    """ECharts writes its HTML tooltips with style attributes, which the policy refuses; the
    charts draw their tooltips inside the chart instead (renderMode richText)."""
    from luoshi.tasks import services

    province.in_progress()
    province.signed(deadline_days=2)
    services.approve_completion(province.supervisor, province.completion_requested(), grade="good")
    context, page = signed_in(browser, live_server.url, province.supervisor.username)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    for chart in ("completion", "areas"):
        box = page.locator(f"[data-chart={chart}]").bounding_box()
        assert box is not None
        for x in (0.3, 0.5, 0.7):
            page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * 0.5)
            page.wait_for_timeout(300)
        page.screenshot(path=str(screenshot_dir / f"zh-hans-tooltip-{chart}.png"))
    assert errors == []
    context.close()
