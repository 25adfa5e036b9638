"""In a real browser, in Chinese (issue 19): a liaison asks for more time and the office
approves it; a liaison hands a task back and the office reassigns it; a milestone is missed,
the light turns amber with its reason, and the liaison marks it done; the lead unit asks a
cooperating unit for its share, which that unit files and the lead folds into its own report."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi import lib
from luoshi.browser_tests.conftest import settle
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


def test_cooperating_unit_contributes_and_the_lead_folds_it_in(browser, live_server, province):  # type: ignore[no-untyped-def]
    task = province.signed(deadline_days=30, cooperating_units=[province.health])
    lead_context, lead = signed_in(browser, live_server.url, province.liaison.username)
    lead.goto(live_server.url + task.get_absolute_url())
    share = lead.locator("#task-requests")
    share.get_by_text("请配合单位反馈", exact=True).click()
    share.locator("input[name=due]").fill(day(5).isoformat())
    share.locator("textarea[name=text]").fill("请提供医疗救治力量准备情况。")
    with lead.expect_navigation():
        share.get_by_role("button", name="发送").click()  # the only cooperating unit is chosen already
    assert "请提供医疗救治力量准备情况" in lead.locator("#task-requests").inner_text()

    # The cooperating unit sees the request and files its share: text and evidence.
    helper_context, helper = signed_in(browser, live_server.url, province.other_liaison.username)
    helper.goto(live_server.url + task.get_absolute_url())
    assert "请提供医疗救治力量准备情况" in helper.locator("#task-requests").inner_text()
    helper.locator("#action-report summary").click()
    form = helper.locator("#action-report form")
    form.wait_for()
    assert form.locator("[name=progress]").count() == 0  # the task's progress is the lead's to report
    form.locator("textarea[name=text]").fill("已组建3支医疗救治队伍。")
    with helper.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        form.locator("button[type=submit]").click()
    settle(helper)
    assert "已反馈" in helper.locator("#task-requests").inner_text()

    # The lead unit's next report starts with the cooperating unit's share, which it folds in.
    lead.reload()
    lead.locator("#action-report summary").click()
    text = lead.locator("#action-report textarea[name=text]")
    text.wait_for()
    assert text.input_value().startswith(f"【{province.health}】已组建3支医疗救治队伍。")
    text.fill(text.input_value() + "本单位已完成全部排查。")
    lead.locator("#action-report input[name=progress]").fill("60")
    with lead.expect_response(lambda r: r.url.endswith("/report/") and r.request.method == "POST"):
        lead.locator("#action-report button[type=submit]").click()
    settle(lead)
    latest = task.reports.order_by("-submitted_at").first()
    assert latest.unit == province.emergency and "已组建3支医疗救治队伍" in latest.text

    # The office sees who contributed what.
    office_context, office = signed_in(browser, live_server.url, province.supervisor.username)
    office.goto(live_server.url + task.get_absolute_url())
    page_text = office.locator("main").inner_text()
    assert str(province.health) in page_text and "已组建3支医疗救治队伍" in page_text
    for context in (lead_context, helper_context, office_context):
        context.close()
