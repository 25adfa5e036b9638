"""Issuing numbered notices: numbers per kind and year, the document, who may issue and download."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput, NotFound, TransitionError
from luoshi.notices import services
from luoshi.notices.models import Notice, NoticeCounter
from luoshi.tasks.models import Task
from luoshi.tasks.services import escalate_task

pytestmark = pytest.mark.django_db


def lines(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found += [cell.text for row in table.rows for cell in row.cells]
    return found


def issue(province, task, kind="urging", **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("text", "请于三日内报送整改进展。")
    return services.issue_notice(province.supervisor, task, kind=kind, **kwargs)


def test_it_numbers_each_kind_per_year_without_gaps(province):
    """Urging notices count 1, 2, 3; a supervision notice starts its own sequence at 1."""
    task = province.in_progress()
    numbers = [issue(province, task).serial for _ in range(3)]
    assert numbers == [1, 2, 3]
    red = issue(province, task, kind="supervision", level=3)
    assert (red.serial, red.year) == (1, lib.today().year)
    with translation.override("zh-hans"):
        assert services.number_of(red) == f"辽督办〔{lib.today().year}〕1号"
    with translation.override("en"):
        assert services.number_of(red) == f"LN Supervision [{lib.today().year}] No. 1"


def test_a_new_year_starts_at_one(province):
    task = province.in_progress()
    issue(province, task)
    with lib.clock_at(dt.date(lib.today().year + 1, 1, 2)):
        assert issue(province, Task.objects.get(pk=task.pk)).serial == 1
    assert NoticeCounter.objects.filter(kind="urging").count() == 2


def test_a_red_supervision_notice_is_a_red_gbt9704_document(province):
    """The number under the masthead, the title, the colour in words and in the runs, the task's facts."""
    task = province.in_progress()
    with translation.override("zh-hans"):
        notice = issue(province, task, kind="supervision", level=3, reply_by=lib.today() + dt.timedelta(days=3))
    text = lines(bytes(notice.content))
    number = f"辽督办〔{notice.year}〕{notice.serial}号"
    assert number in text
    assert "督办通知单" in text and "（红色督办）" in text
    assert task.title in text and "省应急管理厅" in text
    assert "请于三日内报送整改进展。" in text
    document = Document(io.BytesIO(bytes(notice.content)))
    title = next(p for p in document.paragraphs if p.text == "督办通知单")
    assert str(title.runs[0].font.color.rgb) == "E60012"
    assert round(document.sections[0].top_margin.mm) == 37  # GB/T 9704: 37 mm top margin


def test_the_colour_follows_the_level(province):
    task = province.in_progress()
    with translation.override("zh-hans"):
        blue = issue(province, task, kind="supervision", level=1)
    document = Document(io.BytesIO(bytes(blue.content)))
    assert "（蓝色督办）" in [p.text for p in document.paragraphs]
    assert str(document.paragraphs[0].runs[0].font.color.rgb) == "0070C0"


def test_the_default_colour_is_the_highest_escalation(province):
    task = province.in_progress()
    assert services.default_level(task) == 1
    escalate_task(province.supervisor, task, level=2, reason="overdue")
    assert services.default_level(task) == 2


def test_it_is_audited(province):
    task = province.in_progress()
    notice = issue(province, task, kind="assignment")
    event = AuditEvent.objects.get(verb="issue_notice")
    assert event.actor == province.supervisor and event.object_id == str(notice.pk)
    assert event.after["task"] == task.pk and event.after["kind"] == "assignment"


def test_only_the_office_issues(province):
    task = province.in_progress()
    for user in (province.liaison, province.leader, province.secretary, province.outsider):
        with pytest.raises(Forbidden):
            services.issue_notice(user, task, kind="urging", text="快")
    assert not Notice.objects.exists() and not NoticeCounter.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize(("kind", "level", "text", "message"), [
    ("memo", None, "x", "Unknown kind"),
    ("supervision", None, "x", "blue, yellow or red"),
    ("supervision", 4, "x", "blue, yellow or red"),
    ("urging", 2, "x", "Only a supervision notice has a colour"),
    ("urging", None, "   ", "Write what the notice requires"),
    ("urging", None, "x" * 4001, "too long"),
    ("urging", None, "a\x00b", "control character"),
])
def test_bad_input_is_refused_and_takes_no_number(province, kind, level, text, message):
    task = province.in_progress()
    with translation.override("en"), pytest.raises(InvalidInput, match=message):
        services.issue_notice(province.supervisor, task, kind=kind, level=level, text=text)
    assert not Notice.objects.exists()
    assert issue(province, task).serial == 1  # nothing was skipped


def test_a_past_reply_date_is_refused(province):
    with translation.override("en"), pytest.raises(InvalidInput, match="in the past"):
        issue(province, province.in_progress(), reply_by=lib.today() - dt.timedelta(days=1))


@pytest.mark.parametrize("state", ["draft", "completed", "cancelled", "suspended"])
def test_a_task_not_being_worked_on_gets_no_notice(province, state):
    task = getattr(province, state)()
    with pytest.raises(TransitionError):
        issue(province, task)
    assert not Notice.objects.exists()


def test_the_same_form_posted_twice_issues_one_notice(province):
    task = province.in_progress()
    first = issue(province, task, form_key="k1")
    again = issue(province, task, form_key="k1")
    assert again.pk == first.pk and Notice.objects.count() == 1
    assert issue(province, task, form_key="k2").serial == 2


# --- views ----------------------------------------------------------------------------------------


def client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_the_office_issues_from_the_task_page_and_it_shows_in_the_history(province):
    task = province.in_progress()
    page = client(province.supervisor).get(task.get_absolute_url())
    assert b'action="%s"' % reverse("notice_issue", args=[task.pk]).encode() in page.content
    response = client(province.supervisor).post(reverse("notice_issue", args=[task.pk]), {
        "kind": "supervision", "level": "3", "text": "Report within three days.", "reply_by": "", "key": "abc"},
        follow=True)
    notice = Notice.objects.get()
    number = f"LN Supervision [{notice.year}] No. 1"
    assert number in response.content.decode()
    assert reverse("notice_download", args=[notice.pk]) in response.content.decode()


def test_a_bad_form_issues_nothing_and_says_why(province):
    task = province.in_progress()
    response = client(province.supervisor).post(reverse("notice_issue", args=[task.pk]), {
        "kind": "supervision", "level": "", "text": "Report.", "key": "abc"}, follow=True)
    assert "blue, yellow or red" in response.content.decode()
    assert not Notice.objects.exists()


def test_the_units_concerned_and_leaders_download_others_do_not(province):
    task = province.in_progress()
    notice = issue(province, task, kind="supervision", level=3)
    url = reverse("notice_download", args=[notice.pk])
    for user in (province.supervisor, province.liaison, province.leader):
        response = client(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "notice-supervision-red" in response["Content-Disposition"]
    for user in (province.other_liaison, province.secretary, province.sysadmin):
        assert client(user).get(url).status_code == 404, user
    assert client(province.liaison).post(url).status_code == 405


def test_a_liaison_cannot_issue(province):
    task = province.in_progress()
    response = client(province.liaison).post(reverse("notice_issue", args=[task.pk]), {
        "kind": "urging", "text": "x", "key": "k"})
    assert response.status_code == 404 and not Notice.objects.exists()


def test_get_notice_for_user_hides_what_is_not_theirs(province):
    notice = issue(province, province.in_progress())
    with pytest.raises(NotFound):
        services.get_notice_for_user(province.other_liaison, notice.pk)
    with pytest.raises(NotFound):
        services.get_notice_for_user(province.supervisor, "nope")


def test_the_colour_chosen_by_default_does_not_stop_an_urging_notice(province):
    """The form offers the task's colour; an urging notice posted with it issues without one."""
    task = province.in_progress()
    client(province.supervisor).post(reverse("notice_issue", args=[task.pk]), {
        "kind": "urging", "level": "1", "text": "Hurry.", "key": "k"})
    assert Notice.objects.get().level is None
