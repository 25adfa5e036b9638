"""A leader's instruction document (批示件) in a real browser, in English and in Chinese
(issue 20, item 1): the office registers it with its source document and two units, which
makes two tasks; the lead unit drafts the reply, the office approves it and sends it, and the
leader finds it in the inbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from luoshi import lib
from luoshi.leaders.models import InstructionDocument
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}
WORDS = {
    "en": {"register": "Register", "draft": "Send the draft for review", "approve": "Approve the draft",
           "send": "Send the report to the leader", "sent": "report sent", "drafted": "draft awaiting the office's review"},
    "zh-hans": {"register": "登记", "draft": "提交督查室审核", "approve": "审核通过", "send": "向领导报送",
                "sent": "已报送", "drafted": "待督查室审核"},
}


def day(n: int) -> dt.date:
    return lib.today() + dt.timedelta(days=n)


def source_document(folder: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("关于今冬明春供暖保障工作的报告")
    path = folder / "供暖报告.docx"
    document.save(str(path))
    return path


class Visit:
    def __init__(self, browser, base: str, language: str) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("dialog", lambda dialog: dialog.accept())  # web/confirm.js asks before sending
        self.base, self.language = base, language

    def login(self, username: str) -> None:
        self.context.clear_cookies()
        self.page.goto(self.base + "/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("main form button.primary").click()
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url
        assert self.page.locator("html").get_attribute("lang") == self.language

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_instruction_becomes_two_tasks_and_its_reply_is_sent(browser, live_server, province, language,  # type: ignore[no-untyped-def]
                                                                 tmp_path):
    words = WORDS[language]
    visit = Visit(browser, live_server.url, language)
    page = visit.page

    visit.login(province.supervisor.username)
    page.goto(live_server.url + "/instructions/new/")
    page.select_option("select[name=leader]", str(province.leader.pk))
    page.fill("input[name=date]", day(0).isoformat())
    page.fill("input[name=title]", "关于今冬明春供暖保障工作的报告")
    page.fill("textarea[name=text]", "请应急厅牵头、卫健委配合，确保群众温暖过冬。")
    page.set_input_files("input[name=file]", str(source_document(tmp_path)))
    page.select_option("select[name=lead_unit]", str(province.emergency.pk))
    page.select_option("select[name=other_units]", [str(province.health.pk)])
    page.fill("input[name=reply_due]", day(10).isoformat())
    page.fill("input[name=task_deadline]", day(30).isoformat())
    visit.click(words["register"])
    document = InstructionDocument.objects.get()
    assert page.url.endswith(document.get_absolute_url())
    assert page.locator("#instruction-tasks li").count() == 2
    tasks = Task.objects.filter(instruction_document=document).order_by("id")
    assert [t.lead_unit_id for t in tasks] == [province.emergency.pk, province.health.pk]
    assert {t.source for t in tasks} == {"instruction"}
    assert page.get_by_role("link", name="供暖报告.docx").count() == 1

    visit.login(province.liaison.username)
    page.goto(live_server.url + "/instructions/")
    page.get_by_role("link", name="关于今冬明春供暖保障工作的报告").click()
    page.fill("textarea[name=text]", "已完成全省供热管网检修，储煤达到规定标准。")
    visit.click(words["draft"])
    assert words["drafted"] in page.locator("#reply-state").inner_text()

    visit.login(province.supervisor.username)
    page.goto(live_server.url + document.get_absolute_url())
    assert "已完成全省供热管网检修" in page.locator("#reply-text").inner_text()
    visit.click(words["approve"])
    visit.click(words["send"])
    assert words["sent"] in page.locator("#reply-state").inner_text()
    assert InstructionDocument.objects.get().reply_state == "sent"

    visit.login(province.leader.username)
    page.goto(live_server.url + "/notifications/")
    assert "已完成全省供热管网检修" in page.content()
    visit.context.close()
