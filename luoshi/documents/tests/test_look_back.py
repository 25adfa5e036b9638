"""The look-back brief (回头看): the previous meeting's readout walked paragraph by paragraph,
each directive with its tasks' lights, reasons, progress and latest report, then the deferred
agenda items, which carry over to the next meeting of the series."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from luoshi.documents.services import first_sentence, look_back_facts, readout_paragraphs
from luoshi.lib import Forbidden, NotFound
from luoshi.meetings.services import AgendaItemInput, DirectiveInput, record_meeting
from luoshi.tasks import services as tasks
from luoshi.tasks.models import Task

pytestmark = pytest.mark.django_db

READOUT = ("会议指出，要抓好安全生产。\n\n"
           "会议要求，要做好冬季供暖，确保群众温暖过冬。要加强信访稳定。\n"
           "会议还研究了其他事项。")


def spanned(text: str) -> DirectiveInput:
    start = READOUT.index(text)
    return DirectiveInput(text=text, span=(start, start + len(text)))


@pytest.fixture
def looked_back(province):  # type: ignore[no-untyped-def]
    meeting = record_meeting(
        province.secretary, kind="executive", title="省政府第5次常务会议", date=dt.date(2022, 10, 7), readout=READOUT,
        agenda_items=[AgendaItemInput(kind="regulation", title="审议《供热条例（草案）》", outcome="deferred"),
                      AgendaItemInput(kind="plan", title="冬季供暖方案", outcome="adopted")],
        directives=[spanned("要抓好安全生产。"), spanned("要做好冬季供暖，确保群众温暖过冬。"), spanned("要加强信访稳定。"),
                    DirectiveInput(text="手工补录的要求")],
    )
    heating = meeting.directives.get(order=2)
    task = tasks.assign_task(province.supervisor, tasks.create_task(
        province.supervisor, heating, lead_unit=province.emergency, deadline=dt.date.today() + dt.timedelta(days=30)))
    tasks.sign_task(province.liaison, task)
    tasks.report_progress(province.liaison, Task.objects.get(pk=task.pk), progress=60,
                          text="供热管网改造完成六成。其余月底完成。")
    return meeting


def docx_lines(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found += [cell.text for row in table.rows for cell in row.cells]
    return found


def download(user, meeting, language="zh-hans"):  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client.get(reverse("meeting_look_back_docx", args=[meeting.pk]))


def test_it_finds_the_paragraphs_of_a_readout():
    assert [READOUT[s:e] for s, e in readout_paragraphs(READOUT)] == [
        "会议指出，要抓好安全生产。", "会议要求，要做好冬季供暖，确保群众温暖过冬。要加强信访稳定。", "会议还研究了其他事项。"]


def test_it_walks_the_readout_paragraph_by_paragraph(province, looked_back):
    facts = look_back_facts(province.supervisor, looked_back.pk)
    assert [p.number for p in facts.paragraphs] == [1, 2]  # the third paragraph has no directive
    assert [len(p.directives) for p in facts.paragraphs] == [1, 2]
    assert [d.directive.text for d in facts.unplaced] == ["手工补录的要求"]
    assert [item.title for item in facts.deferred] == ["审议《供热条例（草案）》"]
    assert [item.title for item, _funnel in facts.ledgers] == ["冬季供暖方案"]


def test_the_brief_gives_each_directive_its_tasks_lights_progress_and_latest_report(province, looked_back):
    response = download(province.supervisor, looked_back)
    assert response.status_code == 200 and "look-back" in response["Content-Disposition"]
    text = docx_lines(response.content)
    assert "回头看：省政府第5次常务会议" in " ".join(text) or any("省政府第5次常务会议" in line for line in text)
    assert "会议要求，要做好冬季供暖，确保群众温暖过冬。要加强信访稳定。" in text
    assert "60%" in text and "供热管网改造完成六成。" in text  # the latest report's first sentence
    assert any(line.startswith("绿灯") or line.startswith("黄灯") or line.startswith("红灯") for line in text)
    assert "（1）审议《供热条例（草案）》（法规规章）" in text or any("审议《供热条例（草案）》" in line for line in text)
    assert "尚未交办。" in text  # the safe-production directive has no task


def test_it_is_in_english_too(province, looked_back):
    text = docx_lines(download(province.leader, looked_back, "en").content)
    assert "Deferred agenda items" in " ".join(text) and "Paragraph 2" in " ".join(text)


def test_only_the_office_and_leaders_build_it(province, looked_back):
    for user in (province.liaison, province.secretary, province.auditadmin):
        assert download(user, looked_back).status_code == 404
    with pytest.raises(Forbidden):
        look_back_facts(province.liaison, looked_back.pk)
    with pytest.raises(NotFound):
        look_back_facts(province.supervisor, 99999)
    assert download(province.supervisor, looked_back).status_code == 200


def test_a_liaison_s_brief_would_not_list_tasks_they_cannot_read(province, looked_back):
    """The brief lists the tasks the user may read: a leader reads no drafts."""
    draft = tasks.create_task(province.supervisor, looked_back.directives.get(order=1), lead_unit=province.health)
    facts = look_back_facts(province.leader, looked_back.pk)
    assert draft.pk not in [t.pk for p in facts.paragraphs for d in p.directives for t in d.tasks]


def test_first_sentence():
    assert first_sentence("供热管网改造完成六成。其余月底完成。") == "供热管网改造完成六成。"
    assert first_sentence("Pipes are 60% done. The rest by May.") == "Pipes are 60% done."
    assert first_sentence("无标点" * 100, limit=10) == ("无标点" * 100)[:10] + "…"


# --- carried over ---------------------------------------------------------------------------------


def test_the_next_meeting_of_the_series_shows_what_was_deferred(province, looked_back):
    following = record_meeting(province.secretary, kind="executive", title="省政府第6次常务会议",
                               date=dt.date(2022, 10, 21))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(province.supervisor)
    page = client.get(reverse("meeting_detail", args=[following.pk])).content.decode()
    assert "Carried over from 省政府第5次常务会议" in page and "审议《供热条例（草案）》" in page
    assert reverse("meeting_look_back_docx", args=[looked_back.pk]) in page  # one click to look back
    other_series = record_meeting(province.secretary, kind="party_group", title="党组会议", date=dt.date(2022, 10, 21))
    assert "Carried over" not in client.get(reverse("meeting_detail", args=[other_series.pk])).content.decode()


def test_the_review_of_the_next_readout_shows_what_was_deferred(province, looked_back):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(province.supervisor)
    readout = "10月21日，省长主持召开省政府常务会议。会议要求，要抓好安全生产。"
    response = client.post(reverse("meeting_from_readout"), {"text": readout, "published": "2022-10-22"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Carried over from 省政府第5次常务会议" in page and "审议《供热条例（草案）》" in page


def test_the_brief_is_a_get_and_audits_nothing(province, looked_back):
    """Building a document reads and never writes: a POST is refused, and no audit row appears."""
    from luoshi.audit.models import AuditEvent

    client = Client()
    client.force_login(province.supervisor)
    url = reverse("meeting_look_back_docx", args=[looked_back.pk])
    before = AuditEvent.objects.count()
    assert client.post(url).status_code == 405
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.count() == before


def test_the_brief_gives_each_task_its_indicator_gap(province, looked_back):
    """The heating task's indicator is 50 % behind its trajectory: the brief says so, in the
    light's words; a task with no indicator behind shows a dash."""
    task = Task.objects.get(directive__meeting=looked_back)
    today = dt.date.today()
    indicator = tasks.add_indicator(province.supervisor, task, name="热源到位率", measure="%", baseline=0, target=100,
                                    plan=[(today - dt.timedelta(days=10), 0), (today, 100)])
    tasks.report_progress(province.liaison, Task.objects.get(pk=task.pk), progress=65, text="热源陆续到位。",
                          actuals={indicator.pk: 50})
    text = docx_lines(download(province.supervisor, looked_back).content)
    assert "热源到位率落后计划50%" in text
    assert "—" not in text  # the only task has its gap; no dash
