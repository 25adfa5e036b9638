"""In a real browser, in Chinese (issue 19): a liaison asks for more time and the office
approves it; a liaison hands a task back and the office reassigns it; a milestone is missed,
the light turns amber with its reason, and the liaison marks it done."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi import lib
from luoshi.browser_tests.conftest import signed_in as browser_login
from luoshi.tasks import services
from luoshi.tasks.models import Milestone, Task
from luoshi.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def signed_in(browser, base: str, username: str):  # type: ignore[no-untyped-def]
    return browser_login(browser, base, username, PASSWORD)


def day(n: int) -> dt.date:
    return lib.today() + dt.timedelta(days=n)


def test_extension_asked_and_approved(browser, live_server, province):  # type: ignore[no-untyped-def]
    task = province.signed(deadline_days=20)
    unit_context, unit = signed_in(browser, live_server.url, province.liaison.username)
    unit.goto(live_server.url + task.get_absolute_url())
    unit.get_by_role("link", name="申请延期").click()
    unit.fill("input[name=deadline]", day(50).isoformat())
    unit.fill("textarea[name=reason]", "受寒潮影响，施工队伍无法进场。")
    unit.get_by_role("button", name="报送督查室").click()
    unit.wait_for_load_state()
    assert "申请已报送督查室" in unit.content()
    assert "待审批" in unit.locator("#task-requests").inner_text()

    office_context, office = signed_in(browser, live_server.url, province.supervisor.username)
    office.goto(live_server.url + "/requests/")
    office.get_by_role("link", name=task.title[:20]).first.click()
    panel = office.locator("#task-requests")
    assert "受寒潮影响" in panel.inner_text()
    panel.get_by_role("button", name="批准").click()
    office.wait_for_load_state()
    assert Task.objects.get(pk=task.pk).deadline == day(50)
    assert "批准了延期" in office.content()  # the decision is in the task's history
    unit_context.close()
    office_context.close()


def test_task_handed_back_and_reassigned(browser, live_server, province):  # type: ignore[no-untyped-def]
    task = province.signed()
    unit_context, unit = signed_in(browser, live_server.url, province.liaison.username)
    unit.goto(live_server.url + task.get_absolute_url())
    unit.get_by_role("link", name="申请退回").click()
    unit.fill("textarea[name=reason]", "该事项属卫生健康委职责。")
    unit.select_option("select[name=suggested_unit]", str(province.health.pk))
    unit.get_by_role("button", name="报送督查室").click()
    unit.wait_for_load_state()

    office_context, office = signed_in(browser, live_server.url, province.supervisor.username)
    office.goto(live_server.url + task.get_absolute_url())
    panel = office.locator("#task-requests")
    assert "该事项属卫生健康委职责" in panel.inner_text()
    panel.get_by_role("button", name="改派").click()  # the suggested unit is chosen already
    office.wait_for_load_state()
    task = Task.objects.get(pk=task.pk)
    assert task.lead_unit == province.health and task.status == "assigned"
    assert "改派了督办事项" in office.content()
    unit_context.close()
    office_context.close()


def test_missed_milestone_turns_amber_then_is_done(browser, live_server, province, screenshot_dir):  # type: ignore[no-untyped-def]
    with lib.clock_at(lib.now() - dt.timedelta(days=10)):
        task = province.signed(deadline_days=60)
        services.add_milestone(province.supervisor, task, title="报送工作方案", due=day(3))
    services.refresh_lights()
    unit_context, unit = signed_in(browser, live_server.url, province.liaison.username)
    unit.goto(live_server.url + task.get_absolute_url())
    head = unit.locator(".task-head").inner_text()
    assert "黄灯" in head and "反馈节点逾期7天" in head, head
    milestones = unit.locator("#milestones")
    assert "逾期" in milestones.inner_text() or "late" in milestones.inner_text()
    unit.screenshot(path=str(screenshot_dir / "milestone-missed-zh.png"))
    milestones.get_by_text("标记完成", exact=True).click()
    milestones.locator("textarea[name=text]").fill("工作方案已印发。")
    milestones.get_by_role("button", name="标记完成并报送").click()
    unit.wait_for_load_state()
    assert Milestone.objects.get(task=task).done_at is not None
    assert "黄灯" not in unit.locator(".task-head").inner_text()
    unit_context.close()
