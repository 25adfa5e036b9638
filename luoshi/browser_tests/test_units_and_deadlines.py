"""A Chinese readout that names its units and time limits, pasted in a real browser: the
review pre-fills each directive's lead unit, cooperating units and deadline, marks the words
they came from, and the confirmed meeting keeps them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi import lib
from luoshi.accounts.services import create_user
from luoshi.meetings.models import Directive
from luoshi.tasks.models import Task
from luoshi.testing import city
from luoshi.testing.city import add_city_departments
from luoshi.units.services import create_unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PASSWORD = "units-password-2026"


def _row(page, starts: str):  # type: ignore[no-untyped-def]
    """The review row whose directive text starts with `starts`, opened (rows are folded to
    one line until opened)."""
    rows = page.locator("fieldset.row-card")
    for i in range(rows.count()):
        row = rows.nth(i)
        text = row.locator("textarea[name$='-text']")
        if text.count() and text.input_value().startswith(starts):
            folded = row.locator("details.row-details:not([open]) > summary")
            if folded.count():
                folded.click()
            return row
    raise AssertionError(f"no review row starts with {starts!r}")


def _selected(row, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    return row.locator(f"select[name$='-{field}'] option:checked").evaluate_all("els => els.map(e => e.value)")


def test_the_review_prefills_units_and_deadlines(browser, live_server, screenshot_dir):  # type: ignore[no-untyped-def]
    """Lead, cooperating and deadline are pre-filled from 牵头/会同/配合 and the stated limits."""
    root = create_unit(None, code="CITY", name_zh="市人民政府", name_en="City Government", kind="province")
    office = create_unit(None, code="CITY-DCS", name_zh="市政府督查室", name_en="Supervision Office",
                         kind="office", parent=root)
    units = add_city_departments(root)
    pk = {code: str(unit.pk) for code, unit in units.items()}
    create_user(None, username="officer", password=PASSWORD, role="supervisor", unit=office)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    with lib.clock_at(city.MEETING_DAY):
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", "officer")
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit], form button.primary").first.click()
        page.wait_for_load_state()
        page.goto(live_server.url + reverse("meeting_from_readout"))
        page.fill("textarea[name=text]", city.READOUT)
        page.locator("form.readout-start button[type=submit]").click()
        page.wait_for_load_state()

        drc = _row(page, "市发展改革委要牵头")
        assert _selected(drc, "lead_unit") == [pk["C-DRC"]]
        assert _selected(drc, "cooperating_units") == []
        assert drc.locator("input[name$='-deadline']").input_value() == "2026-12-31"
        assert drc.locator("mark.hl-lead").inner_text() == "市发展改革委"
        assert drc.locator("mark.hl-deadline").inner_text() == "12月31日前"

        commerce = _row(page, "市商务局要会同")
        assert _selected(commerce, "lead_unit") == [pk["C-COM"]]
        assert _selected(commerce, "cooperating_units") == [pk["C-DRC"]]
        assert commerce.locator("input[name$='-deadline']").input_value() == "2027-01-15"
        assert commerce.locator("mark.hl-lead").inner_text() == "市商务局"
        assert commerce.locator("mark.hl-cooperating").inner_text() == "市发展改革委"
        assert commerce.locator("mark.hl-deadline").inner_text() == "2027年1月15日前"

        housing = _row(page, "加快推进保交楼")
        assert _selected(housing, "lead_unit") == [pk["C-HOUSE"]]
        assert sorted(_selected(housing, "cooperating_units")) == sorted([pk["C-FIN"], pk["C-NATRES"]])
        assert housing.locator("input[name$='-deadline']").input_value() == "2027-02-06"
        assert [m.inner_text() for m in housing.locator("mark.hl-cooperating").all()] == ["市财政局", "市自然资源局"]
        page.screenshot(path=str(screenshot_dir / "zh-hans-review-units-deadlines.png"), full_page=True)

        page.locator("input[name=step][value=confirm] >> xpath=ancestor::form//button[@type='submit']").last.click()
        page.wait_for_load_state()
    task = Task.objects.get(lead_unit=units["C-HOUSE"])
    assert task.deadline == dt.date(2027, 2, 6)
    directive = Directive.objects.get(pk=task.directive_id)
    assert directive.agenda_item is not None and directive.agenda_item.title == "保交楼专项行动方案"
    context.close()
