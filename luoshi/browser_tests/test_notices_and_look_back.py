"""Numbered notices, the look-back brief and the agreements' commitments in a real browser, in
English and in Chinese, on the demo province: the office builds the look-back brief of the seed
meeting and reads it, moves a China Railway commitment on, issues a red supervision notice on a
task, and the lead unit's liaison downloads it; both documents are opened with python-docx."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from luoshi import lib
from luoshi.commitments.models import Commitment
from luoshi.meetings.models import Meeting
from luoshi.notices.models import Notice
from luoshi.tasks.models import Task
from luoshi.web.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}
WORDS = {
    "en": {"notice": "Supervision Notice", "red": "(Red supervision)", "look_back": "Look-back on the",
           "number": "LN Supervision [{year}] No. 1", "deferred": "Deferred agenda items"},
    "zh-hans": {"notice": "督办通知单", "red": "（红色督办）", "look_back": "“回头看”",
                "number": "辽督办〔{year}〕1号", "deferred": "暂缓议题"},
}


class Visit:
    def __init__(self, browser, base: str, language: str) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.base, self.language = base, language

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        assert self.page.locator("html").get_attribute("lang") == self.language

    def login(self, username: str) -> None:
        self.context.clear_cookies()
        self.go(reverse("login"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.locator("form button[type=submit], form button.primary").first.click()
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url, "login failed"

    def download(self, link, folder: Path) -> Document:  # type: ignore[no-untyped-def]
        with self.page.expect_download() as info:
            link.click()
        target = folder / info.value.suggested_filename
        info.value.save_as(target)
        return Document(str(target))


def texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found += [cell.text for row in table.rows for cell in row.cells]
    return found


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_red_notice_and_a_look_back_brief(browser, live_server, language, tmp_path):  # type: ignore[no-untyped-def]
    load_demo()
    words = WORDS[language]
    seed = Meeting.objects.get(readout__startswith="10月7日")
    visit = Visit(browser, live_server.url, language)
    page = visit.page
    visit.login("supervisor")

    # The look-back brief of the seed meeting: its readout walked paragraph by paragraph.
    visit.go(reverse("meeting_detail", args=[seed.pk]))
    brief = visit.download(page.locator("a.look-back"), tmp_path)
    lines = texts(brief)
    assert any(words["look_back"] in line for line in lines), lines[:5]
    paragraph = seed.readout.splitlines()[2].strip()  # the paragraph of the six requirements
    assert paragraph in lines
    assert "已开展安全生产大检查，排查整改隐患1,200余项。" in lines  # a latest report's first sentence
    assert words["deferred"] in " ".join(lines)

    # The China Railway Construction agreement's ledger: the office moves a commitment on.
    agreement = seed.agenda_items.get(kind="agreement", title__contains="中国铁建")
    page.locator(f"a[href='{reverse('commitments', args=[agreement.pk])}']").click()
    page.wait_for_load_state()
    signed = Commitment.objects.get(agenda_item=agreement, stage="signed")
    page.locator(f"#c{signed.pk} form.advance button").click()
    page.wait_for_load_state()
    assert Commitment.objects.get(pk=signed.pk).stage == "started"
    assert page.locator(".funnel-started").inner_text() == "2"
    assert page.locator(".funnel-delivered").inner_text() == "0"

    # A red supervision notice on the safe-production task (emergency management's).
    task = Task.objects.get(directive__meeting=seed, lead_unit__code="EMERG", parent=None)
    visit.go(reverse("task_detail", args=[task.pk]))
    page.locator("#notices details.notice-issue summary").click()
    page.check("#notices input[name=kind][value=supervision]")
    page.check("#notices input[name=level][value='3']")
    page.fill("#notices textarea[name=text]", "三日内报送隐患整改清单。")
    page.locator("#notices button[type=submit]").click()
    page.wait_for_load_state()
    number = words["number"].format(year=lib.today().year)
    notice = Notice.objects.get(task=task)
    assert (notice.kind, notice.level, notice.serial) == ("supervision", 3, 1)
    assert page.locator("#notices a", has_text=number).count() == 1
    assert page.locator(".timeline a", has_text=number).count() == 1  # on the task's history too

    # The lead unit's liaison downloads it from the task page and reads a red notice.
    visit.login("emergency")
    visit.go(reverse("task_detail", args=[task.pk]))
    document = visit.download(page.locator("#notices a", has_text=number), tmp_path)
    lines = texts(document)
    assert number in lines and words["notice"] in lines and words["red"] in lines
    assert "三日内报送隐患整改清单。" in lines and task.title in lines
    title = next(p for p in document.paragraphs if p.text == words["notice"])
    assert str(title.runs[0].font.color.rgb) == "E60012"
    visit.context.close()
