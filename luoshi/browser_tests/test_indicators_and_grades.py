"""In a real browser, in English and in Chinese: an outcome indicator falls behind its plan and
the task's light turns amber with the reason; a closure is graded and the unit's score changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from luoshi import lib
from luoshi.scoring import periods
from luoshi.scoring.ranking import unit_scores
from luoshi.tasks import services
from luoshi.tasks.models import Indicator, Task
from luoshi.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}
WORDS = {
    "en": {"amber": "Amber", "reason": "保交楼 交付套数 behind plan by 18%", "fail": "fail",
           "no_comment": "Say in the comment why the work is graded fail.", "unit": "Emergency Management"},
    "zh-hans": {"amber": "黄灯", "reason": "保交楼 交付套数落后计划18%", "fail": "不合格",
                "no_comment": "评为不合格时，请在评语中说明理由。", "unit": "省应急管理厅"},
}


class Visit:
    """One browser context in one language; signs in as one person after another."""

    def __init__(self, browser, base: str, language: str) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("dialog", lambda dialog: dialog.accept())  # approving asks first (web/confirm.js)
        self.base, self.language = base, language
        self.outside: list[str] = []
        self.page.on("request", lambda r: None if r.url.startswith((base, "data:")) else self.outside.append(r.url))

    def login(self, username: str) -> None:
        self.context.clear_cookies()
        self.go(reverse("login"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("main form button.primary").click()
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        assert self.page.locator("html").get_attribute("lang") == self.language

    def open(self, action: str) -> None:
        details = self.page.locator(f"#action-{action} details").first
        if details.get_attribute("open") is None:
            details.locator("summary").click()

    def submit(self, action: str) -> int:
        box = self.page.locator(f"#action-{action}")
        with self.page.expect_response(lambda r: f"/{action}/" in r.url and r.request.method == "POST") as answer:
            box.locator("button[type=submit]").click()
        self.page.wait_for_load_state("networkidle")
        return answer.value.status


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_indicator_falls_behind_and_the_light_turns_amber(browser, live_server, province, language,
                                                             screenshot_dir: Path):  # type: ignore[no-untyped-def]
    """The office adds an indicator with its plan; the liaison reports an actual 18 % behind it:
    the light turns amber, the reason names the indicator, the chart draws plan and actuals."""
    words = WORDS[language]
    task = province.in_progress(title="保交楼", deadline_days=60)
    visit = Visit(browser, live_server.url, language)
    page = visit.page
    visit.login(province.supervisor.username)
    visit.go(reverse("task_detail", args=[task.pk]))
    page.locator(".indicator-add summary").click()
    page.fill("#id_indicator_name", "保交楼 交付套数")
    page.fill("#id_indicator_measure", "套")
    page.fill("#id_indicator_baseline", "0")
    page.fill("#id_indicator_target", "10000")
    start, end = lib.today().toordinal() - 50, lib.today().toordinal() + 50
    page.fill("#id_indicator_plan", "\n".join([f"{_day(start)} 0", f"{_day(end)} 10000"]))
    page.locator(".indicator-add button[type=submit]").click()
    page.wait_for_load_state()
    indicator = Indicator.objects.get(task=task)
    assert Task.objects.get(pk=task.pk).light == "green"

    visit.login(province.liaison.username)
    visit.go(reverse("task_detail", args=[task.pk]))
    visit.open("report")
    box = page.locator("#action-report")
    box.locator("[name=text]").fill("已交付4,100套。")
    box.locator("[name=progress]").fill("40")
    box.locator(f"[name=actual_{indicator.pk}]").fill("4100")
    assert visit.submit("report") == 200
    flags = page.locator(".task-flags").inner_text()
    assert words["amber"] in flags and words["reason"] in flags, flags
    assert (Task.objects.get(pk=task.pk).light, Task.objects.get(pk=task.pk).light_amount) == ("amber", 18)
    chart = page.locator("[data-indicator-chart='0']")
    chart.locator("svg").first.wait_for()
    assert chart.get_attribute("data-drawn") == "true"
    page.screenshot(path=str(screenshot_dir / f"{language}-indicator-amber.png"), full_page=True)
    assert visit.outside == [], visit.outside
    visit.context.close()


def _day(ordinal: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(ordinal).isoformat()


def _score_on_page(page, unit: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator("table.ranking tr", has_text=unit).locator(".score strong").inner_text()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_graded_closure_changes_the_score(browser, live_server, province, language,
                                            screenshot_dir: Path):  # type: ignore[no-untyped-def]
    """A first closure graded excellent scores 100; the office grades the second fail (a comment
    is asked for first) and the unit's score on the scoring page falls to what the formula gives."""
    words = WORDS[language]
    first = province.completion_requested(deadline_days=0)
    services.approve_completion(province.supervisor, first, grade="excellent", note="well done")
    second = province.completion_requested(title="第二项", deadline_days=0)
    visit = Visit(browser, live_server.url, language)
    page = visit.page
    visit.login(province.supervisor.username)
    visit.go(reverse("scoring"))
    assert _score_on_page(page, words["unit"]) == "100.0"

    visit.go(reverse("task_detail", args=[second.pk]))
    visit.open("approve")
    box = page.locator("#action-approve")
    box.locator("[name=grade][value=fail]").check()
    assert visit.submit("approve") == 422
    assert words["no_comment"] in box.inner_text()
    assert Task.objects.get(pk=second.pk).status == "completion_requested"
    box = page.locator("#action-approve")
    box.locator("[name=grade][value=fail]").check()
    box.locator("[name=note]").fill("台账与现场不符。")
    assert visit.submit("approve") == 200
    second.refresh_from_db()
    assert (second.status, second.grade) == ("completed", "fail")
    assert page.locator(".details-card dd.grade").inner_text() == words["fail"]  # waits for the swapped body

    visit.go(reverse("scoring"))
    [line] = unit_scores(periods.current_quarter(lib.today()), lib.today(), unit=province.emergency)
    assert line.score == round(100 * (40 + 20 + 10 + 20 * 0.5) / 90, 1) == 88.9
    assert _score_on_page(page, words["unit"]) == "88.9"
    page.screenshot(path=str(screenshot_dir / f"{language}-graded-score.png"), full_page=True)
    assert visit.outside == [], visit.outside
    visit.context.close()
