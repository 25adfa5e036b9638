"""In a real browser, in Chinese: a second readout repeats the seed meeting's safe-production
demand. The office sees the earlier task beside it, attaches the directive to that task, and
the leader finds the task under "repeatedly demanded"; a copy-pasted report is marked in the
office's review queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from luoshi.browser_tests.conftest import signed_in
from luoshi.checks.models import RepeatedMention
from luoshi.tasks import services
from luoshi.tasks.models import ProgressReport, Task
from luoshi.web.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SECOND = ("2022年11月16日\n\n11月15日，省长李乐成主持召开省政府常务会议。会议要求，要压实责任抓好安全生产，"
          "坚决防范重特大事故发生，确保人民群众生命财产安全。要大力弘扬优良作风。")


def test_a_repeated_demand_is_attached_and_shown_to_the_leader(browser, live_server, screenshot_dir: Path):  # type: ignore[no-untyped-def]
    load_demo()
    safety = Task.objects.get(directive__text__contains="压实责任抓好安全生产", parent__isnull=True)
    context, page = signed_in(browser, live_server.url, "supervisor", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("meeting_from_readout"))
    page.fill("textarea[name=text]", SECOND)
    page.locator("form.readout-start button[type=submit]").click()
    page.wait_for_load_state()

    row = page.locator("fieldset.row-card", has=page.locator("textarea", has_text="压实责任抓好安全生产"))
    earlier = row.locator(f".earlier.same[data-task='{safety.pk}']")
    assert "2022-10-07已提出过" in earlier.inner_text()
    assert f"督办事项 {safety.pk}" in earlier.inner_text()
    # The other directive names nobody and nothing: the review asks for what is missing.
    principle = page.locator("fieldset.row-card", has=page.locator("textarea", has_text="优良作风"))
    principle.locator("summary").click()  # folded to one line: it repeats no earlier demand
    assert "未明确牵头单位" in principle.locator("[data-gaps]").inner_text()
    page.screenshot(path=str(screenshot_dir / "zh-hans-review-repeated-demand.png"), full_page=True)

    row.locator("select[name$='-lead_unit']").select_option("")
    earlier.locator("input[type=radio]").check()
    page.locator("form.review .confirm-bar button.primary").click()
    page.wait_for_load_state()
    assert "/meetings/" in page.url
    assert f"督办事项 {safety.pk}" in page.locator(".repeat-of").inner_text()
    mention = RepeatedMention.objects.get(task=safety)
    assert not mention.directive.tasks.exists()
    assert Task.objects.get(pk=safety.pk).repeat_count == 1
    context.close()

    context, page = signed_in(browser, live_server.url, "leader", DEMO_PASSWORD)
    section = page.locator("#repeated")
    assert section.locator("h2").inner_text() == "反复强调"
    repeated = section.locator(f"tr[data-task='{safety.pk}']")
    assert "2次" in repeated.inner_text() and "2022-10-07" in repeated.inner_text() and "2022-11-15" in repeated.inner_text()
    page.screenshot(path=str(screenshot_dir / "zh-hans-stocktake-repeatedly-demanded.png"), full_page=True)
    context.close()


def test_a_copy_pasted_report_is_marked_in_the_review_queue(browser, live_server, screenshot_dir: Path):  # type: ignore[no-untyped-def]
    load_demo()
    safety = Task.objects.get(directive__text__contains="压实责任抓好安全生产", parent__isnull=True)
    last = ProgressReport.objects.filter(task=safety).latest("submitted_at")
    from luoshi.accounts.models import User

    copy = services.report_progress(User.objects.get(username="emergency"), safety, text=last.text,
                                    progress=last.progress)
    context, page = signed_in(browser, live_server.url, "supervisor", DEMO_PASSWORD)
    queue = page.locator("#review")
    assert "与该单位上次反馈内容重复（100%相同）" in queue.locator("[data-mark=repeated]").first.inner_text()
    page.screenshot(path=str(screenshot_dir / "zh-hans-review-queue-marks.png"), full_page=True)
    page.goto(live_server.url + reverse("task_detail", args=[safety.pk]))
    report = page.locator(f"#report-{copy.pk}")
    assert report.locator("[data-mark=repeated]").count() == 1
    report.locator("[data-mark=repeated] button").click()
    page.wait_for_load_state()
    assert "提示已排除" in page.locator(".messages").inner_text()
    assert "已排除" in page.locator(f"#report-{copy.pk} [data-mark=repeated]").inner_text()
    context.close()
