"""Short task titles: suggested from the directive's first clause, editable through
update_task (audited), shown in the ledger, with the source sentence on the task page."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.audit.models import AuditEvent
from luoshi.meetings.services import DirectiveInput, record_meeting
from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.tasks.titles import TITLE_LENGTH, suggest_title

LONG_EN = ("It is necessary to efficiently coordinate epidemic prevention and control and economic and social "
           "development, coordinate development and safety, consolidate responsibility and focus on safe "
           "production, resolutely prevent the occurrence of major accidents")
LONG_ZH = "要高效统筹疫情防控和经济社会发展，统筹发展和安全，压实责任抓好安全生产，坚决防范重特大事故发生。"


@pytest.mark.parametrize(("sentence", "title"), [
    ("要抓好安全生产，坚决防范重特大事故。", "抓好安全生产"),
    (LONG_ZH, "高效统筹疫情防控和经济社会发展"),
    ("必须落实“疫情要防住，经济要稳住”的要求，确保安全。", "落实“疫情要防住，经济要稳住”的要求"),
    ("Strictly implement the “instant inspection” measures, focus on early detection", "Strictly implement the “instant inspection” measures"),
    ("It is necessary to sum up experience, organize carefully, hold meetings safely.", "Sum up experience, organize carefully"),
    ("沈阳市：推进重大项目建设，促进投资消费外贸增长", "沈阳市：推进重大项目建设"),
    ("做好冬季供暖", "做好冬季供暖"),
])
def test_it_suggests_the_first_clause_without_its_lead_in(sentence, title):
    assert suggest_title(sentence) == title


def test_it_cuts_a_long_clause_at_a_word():
    """Over 80 characters: cut at a space, with an ellipsis."""
    title = suggest_title(LONG_EN)
    assert len(title) <= TITLE_LENGTH and title.endswith("…")
    assert title.startswith("Efficiently coordinate epidemic prevention") and " …" not in title


def test_a_task_from_a_directive_gets_the_short_title_and_keeps_the_sentence(province):
    """create_task without a title suggests one; the directive still holds the whole sentence."""
    meeting = record_meeting(province.secretary, kind="executive", title="第2次常务会议", date=None, readout=LONG_ZH,
                             directives=[DirectiveInput(text=LONG_ZH)])
    task = services.create_task(province.supervisor, meeting.directives.get(), lead_unit=province.emergency)
    assert task.title == "高效统筹疫情防控和经济社会发展"
    assert task.directive.text == LONG_ZH


def client_for(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_office_edits_the_short_title_and_it_is_audited(province):
    """The edit form changes the title through update_task; the history names the change."""
    task = province.signed()
    client = client_for(province.supervisor)
    response = client.post(f"/tasks/{task.pk}/edit/", {"version": task.version, "title": "安全生产大检查",
                                                      "deadline": task.deadline.isoformat()})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).title == "安全生产大检查"
    event = AuditEvent.objects.get(verb="update_task", object_id=str(task.pk))
    assert (event.before["title"], event.after["title"]) == ("抓好安全生产", "安全生产大检查")
    html = client.get(task.get_absolute_url()).content.decode()
    assert "<h1>安全生产大检查</h1>" in html
    assert "<li>事项简称：" in html  # the history line of the change
    assert province.directive.text in html  # the source sentence, under 来源


def test_an_empty_title_is_refused_and_nothing_changes(province):
    task = province.signed()
    response = client_for(province.supervisor).post(
        f"/tasks/{task.pk}/edit/", {"version": task.version, "title": "  ", "deadline": task.deadline.isoformat()})
    assert response.status_code == 422
    assert Task.objects.get(pk=task.pk).title == "抓好安全生产"
    assert not AuditEvent.objects.filter(verb="update_task").exists()


def test_the_ledger_shows_the_short_title(province):
    task = province.signed()
    html = client_for(province.supervisor).get("/tasks/").content.decode()
    assert f'>{task.title}</a>' in html and province.directive.text not in html
