"""The canonical journey in a real browser, in English and in Chinese.

A supervision officer pastes the canonical readout, reviews and confirms it; assigns the
safe-production directive to the emergency management department with a deadline and a
monthly cadence; that department's liaison finds it in the inbox, signs, reports 40 % with an
evidence file; the clock moves and the light changes; the officer urges; the liaison asks for
completion; the officer approves. The dashboard and the ledger show each step.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from luoshi import lib
from luoshi.accounts.services import create_user
from luoshi.browser_tests.conftest import settle
from luoshi.extraction import load_directory
from luoshi.meetings.models import Directive
from luoshi.tasks.models import Task
from luoshi.tasks.services import refresh_lights
from luoshi.units.models import Unit
from luoshi.web.demo import READOUT, load_units

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PASSWORD = "journey-password-2022"
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    load_units(load_directory())
    office, emergency = Unit.objects.get(code="DCS"), Unit.objects.get(code="EMERG")
    return {
        "officer": create_user(None, username="officer", password=PASSWORD, role="supervisor", unit=office),
        "liaison": create_user(None, username="wang", password=PASSWORD, role="liaison", unit=emergency),
        "leader": create_user(None, username="leader", password=PASSWORD, role="leader"),
    }


class Visit:
    """One browser context for one language, logging in as one person after another."""

    def __init__(self, browser, base_url: str, language: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base, self.language, self.shots = base_url, language, shots
        self.outside: list[str] = []
        self.page.on("request", self._watch)
        # Irreversible actions (sign, approve) ask first (web/confirm.js): the journey agrees.
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.page.set_default_timeout(15000)

    def _watch(self, request) -> None:  # type: ignore[no-untyped-def]
        if not request.url.startswith(self.base) and not request.url.startswith("data:"):
            self.outside.append(request.url)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        assert self.page.locator("html").get_attribute("lang") == self.language

    def login(self, username: str) -> None:
        self.context.clear_cookies()
        self.go(reverse("login"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("form button[type=submit], form button.primary").first.click()
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url, "login failed"

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{self.language}-{name}.png"), full_page=True)

    def open(self, action: str) -> None:
        """Open an action's folded form; its fields arrive from the server when it opens."""
        settle(self.page)
        details = self.page.locator(f"#action-{action} details")
        if details.count() and details.first.get_attribute("open") is None:
            details.first.locator("summary").click()
            details.first.locator("form").wait_for()
            settle(self.page)

    def act(self, action: str, **fields: str) -> None:
        """Open an action on the task page, fill it and submit it; wait for the page to settle."""
        box = self.page.locator(f"#action-{action}")
        self.open(action)
        for name, value in fields.items():
            field = box.locator(f"[name={name}]")
            if field.first.get_attribute("type") == "radio":
                box.locator(f"[name={name}][value={value}]").check()
            elif field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        with self.page.expect_response(lambda r: f"/{action}/" in r.url and r.request.method == "POST") as response:
            box.locator("button[type=submit]").click()
        assert response.value.status == 200, f"{action} answered {response.value.status}"
        settle(self.page)


def light_of(task: Task) -> str:
    return Task.objects.get(pk=task.pk).light


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_canonical_journey(browser, live_server, people, language, screenshot_dir, tmp_path, settings):  # type: ignore[no-untyped-def]
    """From the pasted readout to an approved completion, seen on the dashboard and ledger."""
    # The journey moves the clock by weeks inside one browser session: no session timeout here.
    settings.LUOSHI_SESSION_IDLE_MINUTES = settings.LUOSHI_SESSION_MAX_HOURS = 10**6
    visit = Visit(browser, live_server.url, language, screenshot_dir)
    page = visit.page

    # The officer pastes the readout, reviews what was found, and confirms.
    visit.login("officer")
    visit.go(reverse("meeting_from_readout"))
    page.fill("textarea[name=text]", READOUT.read_text(encoding="utf-8"))
    page.locator("form.readout-start button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("mark").count() >= 12  # 5 agenda items and 7 directives highlighted
    visit.shot("review")
    page.locator("input[name=step][value=confirm] >> xpath=ancestor::form//button[@type='submit']").last.click()
    page.wait_for_load_state()
    directive = Directive.objects.get(text__contains="safe production")
    assert f"/meetings/{directive.meeting_id}/" in page.url
    task = directive.tasks.get()
    assert task.status == "draft"

    # …and assigns the safe-production directive to emergency management, due in 30 days, monthly.
    emergency = Unit.objects.get(code="EMERG")
    deadline = lib.today() + dt.timedelta(days=30)
    visit.go(reverse("task_detail", args=[task.pk]))
    visit.act("assign", lead_unit=str(emergency.pk), deadline=deadline.isoformat(), cadence="monthly")
    task.refresh_from_db()
    assert (task.status, task.lead_unit_id, task.cadence) == ("assigned", emergency.pk, "monthly")

    # The department's liaison finds it in the inbox, signs, and reports 40 % with evidence.
    visit.login("wang")
    visit.go(reverse("home"))
    page.locator(f"a[href='{reverse('task_detail', args=[task.pk])}']").first.click()
    page.wait_for_load_state()
    visit.act("sign")
    evidence = tmp_path / "inspection.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% safety inspection record\n")
    visit.open("report")
    page.locator("#action-report [name=files]").set_input_files(str(evidence))
    visit.act("report", text="Inspected 1,200 sites; hazards are being fixed.", progress="40")
    task.refresh_from_db()
    assert (task.status, task.progress, light_of(task)) == ("in_progress", 40, "green")
    assert page.locator("a[href*='/tasks/evidence/']").count() == 1
    visit.shot("task-detail")

    # The clock moves: three days before the deadline 40 % is behind the line (amber);
    # two days after it, the task is overdue (red). The pages show it.
    # Sessions expire as the clock jumps weeks ahead, so each step logs in again.
    with lib.clock_at(deadline - dt.timedelta(days=3)):
        refresh_lights()
        assert light_of(task) == "amber"
        visit.login("wang")
        visit.go(reverse("ledger") + "?light=amber")
        assert page.locator(f"a[href='{reverse('task_detail', args=[task.pk])}']").count() >= 1
    with lib.clock_at(deadline + dt.timedelta(days=2)):
        refresh_lights()
        assert light_of(task) == "red"
        visit.login("wang")
        visit.go(reverse("ledger") + "?light=red")
        assert page.locator(f"a[href='{reverse('task_detail', args=[task.pk])}']").count() >= 1

        # The officer sees it on the dashboard and urges.
        visit.login("officer")
        visit.go(reverse("home"))
        assert page.locator(f"a[href='{reverse('task_detail', args=[task.pk])}']").count() >= 1
        visit.shot("dashboard")
        # The leader's stocktake lists it among the top risks.
        visit.login("leader")
        visit.go(reverse("home"))
        assert page.locator(f"a[href='{reverse('task_detail', args=[task.pk])}']").count() >= 1
        visit.shot("stocktake")
        visit.login("officer")
        visit.go(reverse("task_detail", args=[task.pk]))
        visit.act("urge", text="Overdue: report the fixes within three days.")
        assert task.urges.count() == 1

        # The liaison asks for completion; the officer approves.
        visit.login("wang")
        visit.go(reverse("task_detail", args=[task.pk]))
        visit.act("request_completion", text="All 1,200 hazards fixed and checked.")
        visit.login("officer")
        visit.go(reverse("task_detail", args=[task.pk]))
        visit.act("approve", grade="excellent", note="Checked on site.")
        refresh_lights()
    task.refresh_from_db()
    assert (task.status, task.progress, task.light) == ("completed", 100, "")  # a completed task has no light

    visit.login("officer")
    visit.go(reverse("ledger") + "?status=completed")
    assert page.locator(f"a[href='{reverse('task_detail', args=[task.pk])}']").count() >= 1
    visit.shot("ledger")
    assert visit.outside == [], f"requests left the server: {visit.outside}"
    visit.context.close()
