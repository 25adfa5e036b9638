"""The unit pickers in a real browser, in Chinese (issue 21, item 5): a unit is found by the
pinyin initials of its name, cooperating units are chips with a × each, and the readout
review folds each directive to one line until it is opened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.accounts.services import create_user
from luoshi.browser_tests.conftest import signed_in
from luoshi.extraction import load_directory
from luoshi.meetings.models import Meeting
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD
from luoshi.units.models import Unit
from luoshi.web.demo import READOUT_ZH, load_units

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def pick(page, box, typed: str, expected: str, multiple: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Type `typed` in the picker `box` (its .ts-wrapper) and choose the option `expected`."""
    box.locator(".ts-control").click()
    box.locator(".ts-control input").fill(typed)
    options = page.locator(".ts-dropdown:visible .option")
    texts = [t.strip() for t in options.all_inner_texts()]
    assert expected in texts and len(texts) <= 3, f"{typed} found {texts}"  # the search narrowed the list
    options.filter(has_text=expected).first.click()
    if not multiple:
        assert page.locator(".ts-dropdown:visible").count() == 0  # closed once chosen


def test_units_are_picked_by_pinyin_initials_and_removed_as_chips(browser, live_server, province, screenshot_dir):  # type: ignore[no-untyped-def]
    """On the task page's assign form (brought in by htmx): swsjkw finds 省卫生健康委 for the
    lead unit; two cooperating units become chips and one is removed with its ×."""
    task = province.draft()
    context, page = signed_in(browser, live_server.url, province.supervisor.username, PASSWORD)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + task.get_absolute_url())
    page.locator("#action-assign summary").click()
    lead = page.locator("#action-assign .field:has(select[name=lead_unit]) .ts-wrapper")
    lead.wait_for()  # the form came by htmx and was enhanced on htmx:load

    pick(page, lead, "swsjkw", "省卫生健康委")
    assert page.locator("#action-assign select[name=lead_unit]").input_value() == str(province.health.pk)
    assert lead.locator(".item").inner_text().strip() == "省卫生健康委"

    cooperating = page.locator("#action-assign .field:has(select[name=cooperating_units]) .ts-wrapper")
    pick(page, cooperating, "dls", "大连市", multiple=True)
    pick(page, cooperating, "shenyang", "沈阳市", multiple=True)  # the full pinyin finds it too
    page.keyboard.press("Escape")
    chips = cooperating.locator(".item")
    assert chips.count() == 2
    page.locator("#action-assign").screenshot(path=str(screenshot_dir / "zh-hans-picker-chips.png"))
    cooperating.locator(".item", has_text="沈阳市").locator(".remove").click()
    assert [c.strip().rstrip("×").strip() for c in chips.all_inner_texts()] == ["大连市"]
    help_text = page.locator("#action-assign [id$=cooperating_units_helptext]").inner_text()
    assert "拼音首字母" in help_text  # the hint speaks of the picker, not of Ctrl-click

    with page.expect_response(lambda r: "/assign/" in r.url and r.request.method == "POST") as response:
        page.locator("#action-assign button[type=submit]").click()
    assert response.value.status == 200
    page.wait_for_load_state("networkidle")
    task = Task.objects.get(pk=task.pk)
    assert task.status == "assigned" and task.lead_unit == province.health
    assert list(task.cooperating_units.values_list("code", flat=True)) == ["DL"]
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


def test_a_search_that_finds_nothing_says_so(browser, live_server, province):  # type: ignore[no-untyped-def]
    """Initials that match no unit: the picker says so, in Chinese, and the choice is unchanged."""
    task = province.draft()
    context, page = signed_in(browser, live_server.url, province.supervisor.username, PASSWORD)
    page.goto(live_server.url + task.get_absolute_url())
    page.locator("#action-assign summary").click()
    lead = page.locator("#action-assign .field:has(select[name=lead_unit]) .ts-wrapper")
    lead.locator(".ts-control").click()
    lead.locator(".ts-control input").fill("qqqq")
    assert page.locator(".ts-dropdown:visible .no-results").inner_text() == "没有名称或首字母与之相符的单位。"
    assert page.locator("#action-assign select[name=lead_unit]").input_value() == str(province.emergency.pk)
    context.close()


def test_the_review_folds_each_directive_to_one_line(browser, live_server, screenshot_dir):  # type: ignore[no-untyped-def]
    """The Chinese demo readout: every directive row is one line until opened; opened, its
    lead-unit picker finds a unit by initials, and the meeting is recorded with it."""
    load_units(load_directory())
    office = Unit.objects.get(code="DCS")
    create_user(None, username="officer", password=PASSWORD, role="supervisor", unit=office)
    context, page = signed_in(browser, live_server.url, "officer", PASSWORD)
    page.goto(live_server.url + reverse("meeting_from_readout"))
    page.fill("textarea[name=text]", READOUT_ZH.read_text(encoding="utf-8"))
    page.locator("form.readout-start button[type=submit]").click()
    page.wait_for_load_state()

    rows = page.locator("fieldset.row-card[data-mark] details.row-details")
    assert rows.count() >= 5
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.get_attribute("open") is None
        assert row.locator("summary").bounding_box()["height"] < 40  # one line
    page.screenshot(path=str(screenshot_dir / "zh-hans-review-folded.png"), full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")

    first = rows.first
    first.locator("summary").click()
    assert first.get_attribute("open") is not None
    assert page.evaluate("document.documentElement.scrollHeight") > height
    lead = first.locator(".field:has(select[name$=lead_unit]) .ts-wrapper")
    pick(page, lead, "sjyt", "省教育厅")
    education = Unit.objects.get(name_zh__endswith="教育厅")
    assert first.locator("select[name$=lead_unit]").input_value() == str(education.pk)

    page.locator("input[name=step][value=confirm] >> xpath=ancestor::form//button[@type='submit']").last.click()
    page.wait_for_load_state()
    meeting = Meeting.objects.get()
    assert meeting.directives.order_by("order").first().tasks.get().lead_unit == education
    context.close()


def test_the_ledger_meeting_picker_finds_a_meeting_by_initials(browser, live_server, province):  # type: ignore[no-untyped-def]
    """cwhy (常务会议) in the ledger's meeting picker: the server suggests the meeting, the
    choice filters the ledger."""
    from luoshi.meetings.services import record_meeting

    task = province.assigned(title="全面排查危险化学品企业安全隐患")
    record_meeting(province.secretary, kind="special_topic", title="防汛工作专题会议", date=dt.date(2022, 11, 1))
    context, page = signed_in(browser, live_server.url, province.supervisor.username, PASSWORD)
    page.goto(live_server.url + "/tasks/")
    page.locator(".more-filters summary").click()
    box = page.locator(".field:has(input[name=meeting]) .ts-wrapper")
    box.locator(".ts-control").click()
    box.locator(".ts-control input").press_sequentially("cwhy")
    option = page.locator(".ts-dropdown:visible .option", has_text="省政府第1次常务会议")
    option.wait_for()
    assert page.locator(".ts-dropdown:visible .option", has_text="防汛").count() == 0
    with page.expect_response(lambda r: "/tasks/?" in r.url and "meeting=" in r.url):
        option.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=meeting]").input_value() == "2022-10-07 · 省政府第1次常务会议"
    assert page.locator(f"#ledger-table a[href='{task.get_absolute_url()}']").count() == 1
    context.close()
