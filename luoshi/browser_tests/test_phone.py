"""On a phone (390×844, in Chinese): the liaison's journey with one thumb, and no page wider
than the screen (issue 21, item 1).

The liaison opens the inbox, signs for a task, reports with a photo from the camera input,
asks for more time and asks for completion. On every page no element reaches past the right
edge of the screen, so nothing is cut off and nothing scrolls sideways.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from luoshi import lib
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks import services
from luoshi.tasks.models import Evidence, Task
from luoshi.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"

# Every element whose right edge passes the viewport's, but for those inside an element that
# scrolls on purpose (marked data-scrolls) and those the page hides off screen (.skip).
# On a phone a page too wide is zoomed out (innerWidth grows to fit it): measure against the
# phone's width.
OVERFLOWING = """(width) => {
  const found = [];
  if (document.documentElement.scrollWidth > width) found.push("document: " + document.documentElement.scrollWidth);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("[data-scrolls], .skip")) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 0.5) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\\s+/g, ".") : "");
      found.push(name + " right=" + Math.round(box.right) + " " + (el.textContent || "").trim().slice(0, 30));
    }
  }
  return found.slice(0, 10);
}"""


def fits(page, where: str) -> None:  # type: ignore[no-untyped-def]
    overflowing = page.evaluate(OVERFLOWING, PHONE["width"])
    assert overflowing == [], f"{where}: wider than the phone: {overflowing}"
    assert page.evaluate("window.innerWidth") == PHONE["width"], f"{where}: zoomed out to fit"
    # The check finds what is too wide: a block 20 px wider than the screen is reported.
    page.evaluate("() => { const d = document.createElement('div'); d.id = 'too-wide';"
                  " d.style.width = (window.innerWidth + 20) + 'px'; d.style.height = '1px'; document.body.append(d); }")
    found = page.evaluate(OVERFLOWING, PHONE["width"])
    page.evaluate("() => document.getElementById('too-wide').remove()")
    assert any(item.startswith("div#too-wide") for item in found), found


def open_action(page, action: str) -> None:  # type: ignore[no-untyped-def]
    details = page.locator(f"#action-{action} details")
    if details.count() and details.first.get_attribute("open") is None:
        details.first.locator("summary").tap()
        page.locator(f"#action-{action} form").wait_for()


def submit_action(page, action: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_response(lambda r: f"/{action}/" in r.url and r.request.method == "POST") as response:
        page.locator(f"#action-{action} button[type=submit]").tap()
    assert response.value.status == 200, f"{action} answered {response.value.status}"
    page.wait_for_load_state("networkidle")


def test_the_liaison_journey_on_a_phone(browser, live_server, province, screenshot_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Sign, report with a photo, ask for more time, ask for completion: all at 390 px wide."""
    task = province.assigned(title="全面排查危险化学品企业安全隐患，建立问题清单和整改台账")
    late = province.signed(title="开展汛期地质灾害隐患点巡查", deadline_days=40)
    services.report_progress(province.liaison, late, text="已巡查 120 处。", progress=20)
    province.in_progress(title="推进应急指挥平台建设", progress=60, deadline_days=90)
    province.assigned(title="组织开展森林草原防灭火专项督查")
    with lib.clock_at(lib.now() + dt.timedelta(days=33)):
        services.refresh_lights()

    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())  # signing asks first (web/confirm.js)
    page.goto(live_server.url + "/login/")
    fits(page, "login")
    page.fill("input[name=username]", province.liaison.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button.primary").tap()

    # The inbox: cards, not a table cut off in a scroll box.
    assert page.locator("h1").inner_text() == "待办"
    fits(page, "liaison home")
    cell = page.locator("#unit-tasks tbody tr").first.locator("td[data-label]").first
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") != "none"  # labelled lines
    page.screenshot(path=str(screenshot_dir / "zh-hans-phone-liaison-home.png"))
    page.screenshot(path=str(screenshot_dir / "zh-hans-phone-liaison-home-full.png"), full_page=True)
    assert page.locator("link[rel=manifest]").count() == 1
    manifest = page.request.get(live_server.url + page.locator("link[rel=manifest]").get_attribute("href"))
    assert manifest.ok and manifest.json()["icons"][0]["sizes"] == "192x192"

    # Sign for the task.
    with page.expect_navigation():
        page.locator(f"#to-sign a[href='{task.get_absolute_url()}']").tap()
    fits(page, "task page")
    submit_action(page, "sign")
    assert Task.objects.get(pk=task.pk).status == "signed"

    # Report 30 % with a photo from the camera input.
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(JPEG)
    open_action(page, "report")
    camera = page.locator("#action-report input[name=photos]")
    assert camera.get_attribute("accept") == "image/*" and camera.get_attribute("capture") == "environment"
    fits(page, "report form")
    page.fill("#action-report textarea[name=text]", "已排查企业 86 家，发现隐患 12 处，正在整改。")
    page.fill("#action-report input[name=progress]", "30")
    camera.set_input_files(str(photo))
    page.locator("#action-report").screenshot(path=str(screenshot_dir / "zh-hans-phone-report.png"))
    submit_action(page, "report")
    assert Task.objects.get(pk=task.pk).progress == 30
    assert Evidence.objects.filter(report__task=task, original_name="IMG_0001.jpg").exists()
    fits(page, "task page after the report")

    # Ask for more time.
    with page.expect_navigation():
        page.get_by_role("link", name="申请延期").tap()
    fits(page, "extension request")
    page.fill("input[name=deadline]", (task.deadline + dt.timedelta(days=30)).isoformat())
    page.fill("textarea[name=reason]", "涉及企业较多，需延长整改期限。")
    with page.expect_navigation():
        page.get_by_role("button", name="报送督查室").tap()
    assert TaskRequest.objects.filter(task=task).exists()
    fits(page, "task page after the extension request")

    # Ask for completion.
    open_action(page, "request_completion")
    fits(page, "completion form")
    page.fill("#action-request_completion textarea[name=text]", "隐患已全部整改到位，台账已建立。")
    submit_action(page, "request_completion")
    assert Task.objects.get(pk=task.pk).status == "completion_requested"
    fits(page, "task page after the completion request")
    page.screenshot(path=str(screenshot_dir / "zh-hans-phone-task.png"), full_page=True)

    # The ledger and the notifications, as the liaison sees them on the phone.
    for path in ("/tasks/", "/notifications/", "/search/?q=隐患"):
        page.goto(live_server.url + path)
        fits(page, path)
    context.close()


def test_the_leaders_stocktake_fits_a_phone(browser, live_server, province, screenshot_dir: Path):  # type: ignore[no-untyped-def]
    """The stocktake (the leader's home) on a phone: risks and areas as cards, nothing cut off."""
    late = province.signed(title="开展汛期地质灾害隐患点巡查", deadline_days=40)
    services.report_progress(province.liaison, late, text="已巡查 120 处。", progress=20)
    province.in_progress(title="推进应急指挥平台建设", progress=60, deadline_days=90)
    with lib.clock_at(lib.now() + dt.timedelta(days=33)):
        services.refresh_lights()
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", province.leader.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button.primary").tap()
    assert page.locator("h1").inner_text() == "工作盘点"
    fits(page, "stocktake")
    page.screenshot(path=str(screenshot_dir / "zh-hans-phone-stocktake.png"), full_page=True)
    context.close()
