"""In a real browser, in Chinese: a liaison reports on two tasks in one form, previews the
changes (shown as a diff against the unit's last report) and submits them together."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.browser_tests.conftest import signed_in
from luoshi.tasks import services
from luoshi.tasks.models import ProgressReport, Task
from luoshi.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_liaison_reports_on_two_tasks_at_once(browser, live_server, province, screenshot_dir: Path):  # type: ignore[no-untyped-def]
    """From the inbox to the form; a preview with the changes; one submission, two reports."""
    first = province.signed(title="全面排查危化品企业安全隐患")
    services.report_progress(province.liaison, first, text="已完成道路清理，正在排查隐患。", progress=40)
    second = province.signed(title="开展防汛应急演练")
    context, page = signed_in(browser, live_server.url, province.liaison.username, PASSWORD)
    page.get_by_role("link", name="批量反馈进展").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "一次填报多项任务进展"
    assert page.locator(f"#id_t{first.pk}-text").input_value() == "已完成道路清理，正在排查隐患。"

    page.fill(f"#id_t{first.pk}-text", "已完成道路清理和隐患排查，正在整改。")
    page.fill(f"#id_t{first.pk}-progress", "70")
    page.fill(f"#id_t{second.pk}-text", "演练方案已印发。")
    page.fill(f"#id_t{second.pk}-progress", "150")
    page.get_by_role("button", name="预览改动").click()
    page.wait_for_load_state()
    page.screenshot(path=str(screenshot_dir / "report-once-preview-error.png"), full_page=True)
    # The browser refuses 150 itself (max=100) before anything is sent; fix it and preview.
    page.fill(f"#id_t{second.pk}-progress", "10")
    page.get_by_role("button", name="预览改动").click()
    page.wait_for_load_state()
    diff = page.locator(f"#task-{first.pk} .report-diff")
    assert diff.locator("ins").first.inner_text() == "和隐患排查"
    assert "进度 40% → 70%" in diff.inner_text()
    page.screenshot(path=str(screenshot_dir / "report-once-preview.png"), full_page=True)

    page.get_by_role("button", name="提交改动的进展").click()
    page.wait_for_load_state()
    assert "已提交 2 项进展反馈。" in page.locator(".messages").inner_text()
    page.screenshot(path=str(screenshot_dir / "report-once-done.png"), full_page=True)
    assert Task.objects.get(pk=first.pk).progress == 70
    assert ProgressReport.objects.get(task=second).text == "演练方案已印发。"
    context.close()
