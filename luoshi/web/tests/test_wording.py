"""Chinese wording as people read it: 您 (never 你), full-width colons, 审核意见 for an
approval note, 进度 in percent, 职务 for a job title and 完成时限 for every deadline."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.web.tests.test_locale import _entries

CJK = r"[\u4e00-\u9fff]"


def page(user, url: str, language: str = "zh-hans") -> str:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_catalogue_says_nin_and_uses_full_width_colons():
    """No translation says 你, and none puts an ASCII colon after Chinese text."""
    for entry in _entries():
        for text in entry["msgstr"]:  # type: ignore[attr-defined]
            assert "你" not in text, entry["msgid"]
            assert not re.search(CJK + r"\s*:", text), entry["msgid"]


@pytest.mark.parametrize("message", [
    "Your old password was entered incorrectly. Please enter it again.",
    "Your password can’t be too similar to your other personal information.",
    "Your password can’t be a commonly used password.",
    "Your password can’t be entirely numeric.",
])
def test_djangos_own_messages_say_nin(message):
    """Django's catalogue says 你 in its password messages; ours overrides them."""
    with translation.override("zh-hans"):
        text = gettext(message)
    assert "您" in text and "你" not in text


def test_djangos_password_length_message_says_nin():
    with translation.override("zh-hans"):
        text = ngettext("Your password must contain at least %(min_length)d character.",
                        "Your password must contain at least %(min_length)d characters.", 12) % {"min_length": 12}
    assert text.startswith("您的密码")


def test_an_approval_note_is_a_review_note_not_a_reason(province):
    """The completed task's details and timeline call the note 审核意见, never 原因."""
    task = services.approve_completion(province.supervisor, province.completion_requested(), note="材料齐全", grade="good")
    html = page(province.supervisor, task.get_absolute_url())
    assert "<dt>审核意见</dt><dd>材料齐全</dd>" in html
    assert "<li>审核意见：" in html
    assert "原因" not in html


def test_a_suspension_and_a_cancellation_name_their_reason(province):
    suspended, cancelled = province.suspended(), province.cancelled()
    assert "<dt>暂缓原因</dt><dd>waiting for funds</dd>" in page(province.supervisor, suspended.get_absolute_url())
    assert "<dt>撤销原因</dt><dd>superseded</dd>" in page(province.supervisor, cancelled.get_absolute_url())


def test_a_progress_change_reads_as_percent(province):
    """The history says 进度：0% → 45%, in English Progress: 0% → 45%."""
    task = province.signed()
    services.report_progress(province.liaison, task, text="半数完成", progress=45)
    html = page(province.supervisor, task.get_absolute_url())
    assert re.search(r'<li>进度：<span class="muted">0%</span> → 45%</li>', html)
    english = page(province.supervisor, task.get_absolute_url(), "en")
    assert re.search(r'<li>Progress: <span class="muted">0%</span> → 45%</li>', english)


def test_the_ledgers_applied_filters_use_full_width_colons(province):
    """The tags of the filters in use read 状态：草稿 in Chinese and Status: draft in English."""
    province.draft()
    html = page(province.supervisor, "/tasks/?status=draft")
    assert '<span class="tag">状态：草稿</span>' in html
    assert '<span class="tag">Status: draft</span>' in page(province.supervisor, "/tasks/?status=draft", "en")


def test_a_review_note_on_a_returned_report_uses_full_width_colons(province):
    task = province.in_progress()
    report = task.reports.get()
    services.review_report(province.supervisor, report, accept=False, note="缺少佐证材料")
    html = page(province.liaison, task.get_absolute_url())
    assert re.search(r"审核意见（[^）]+）：缺少佐证材料", html)


def test_a_users_job_title_is_zhiwu(province):
    """The account page calls a user's title 职务, not 标题."""
    html = page(province.secadmin, f"/security/accounts/{province.liaison.pk}/")
    assert "<dt>职务</dt>" in html and "<dt>标题</dt>" not in html


def test_every_deadline_is_wanchengshixian(province):
    """The liaison's list of tasks to sign for says 完成时限, the term of the task page."""
    province.assigned()
    html = page(province.liaison, "/")
    assert "完成时限" in html and "计划完成日期" not in html
    assert Task.objects.exists()
