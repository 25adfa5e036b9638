"""A second readout repeats a demand of the seed meeting: the review shows the earlier task,
the office attaches the directive to it, and the leader's stocktake lists it."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.checks.models import RepeatedMention
from luoshi.meetings.models import Directive, Meeting
from luoshi.tasks.models import Task
from luoshi.units.models import Unit
from luoshi.web.demo import DEMO_PASSWORD, load_demo

URL = reverse("meeting_from_readout")
SECOND = ("2022年11月16日\n\n11月15日，省长李乐成主持召开省政府常务会议。会议要求，要压实责任抓好安全生产，"
          "坚决防范重特大事故发生，确保人民群众生命财产安全。要大力弘扬优良作风。")


def client_for(username: str, language: str = "en") -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    client.cookies["django_language"] = language
    return client


def review_data(response) -> dict:  # type: ignore[no-untyped-def]
    from luoshi.meetings.tests.test_views_readout import review_data as data

    return data(response)


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_demo()
    return Task.objects.get(directive__text__contains="压实责任抓好安全生产", parent__isnull=True)


def _safety_row(response) -> int:  # type: ignore[no-untyped-def]
    forms = response.context["directives"].forms
    return next(i for i, row in enumerate(forms) if "安全生产" in (row["text"].value() or ""))


def test_it_shows_the_earlier_task_beside_a_repeated_directive(demo):  # type: ignore[no-untyped-def]
    """"Stated before on 2022-10-07 (task N, …)" beside the repeated demand, with the attach choice."""
    response = client_for("supervisor").post(URL, {"step": "extract", "text": SECOND})
    assert response.status_code == 200
    row = response.context["directives"].forms[_safety_row(response)]
    assert row.earlier[0].task == demo and row.earlier[0].same
    html = response.content.decode()
    assert "Stated before on 2022-10-07" in html
    assert f"(task {demo.pk}, " in html
    assert f'value="{demo.pk}"' in html  # the attach radio


def test_the_secretary_sees_the_earlier_demand_but_cannot_attach(demo):  # type: ignore[no-untyped-def]
    response = client_for("secretary").post(URL, {"step": "extract", "text": SECOND})
    html = response.content.decode()
    assert "Stated before on 2022-10-07" in html
    assert "Attach to task" not in html


def test_it_attaches_the_directive_to_the_existing_task(demo):  # type: ignore[no-untyped-def]
    """No new task; a repeated mention, the task's repeat count up by one, an audit row."""
    client = client_for("supervisor")
    review = client.post(URL, {"step": "extract", "text": SECOND})
    data = review_data(review)
    i = _safety_row(review)
    data[f"directives-{i}-lead_unit"] = ""
    data[f"directives-{i}-attach_to"] = str(demo.pk)
    tasks_before = Task.objects.count()
    response = client.post(URL, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(date=dt.date(2022, 11, 15))
    directive = meeting.directives.get(text__contains="安全生产")
    mention = RepeatedMention.objects.get(directive=directive)
    assert mention.task == demo and mention.similarity and mention.similarity >= 0.62
    assert not directive.tasks.exists()
    assert Task.objects.get(pk=demo.pk).repeat_count == 1
    assert Task.objects.count() == tasks_before + meeting.directives.filter(tasks__isnull=False).count()
    event = AuditEvent.objects.get(verb="attach_directive")
    assert event.after["directive"] == directive.pk and event.after["repeat_count"] == 1
    # The meeting page says so, and the leader's stocktake lists the task as repeatedly demanded.
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert f"task {demo.pk}</a> does: attached to it" in page
    home = client_for("leader").get(reverse("home")).content.decode()
    section = home[home.index('id="repeated"'):]
    assert f'data-task="{demo.pk}"' in section[:section.index("</section>")]
    assert "2022-10-07" in section and "2022-11-15" in section


def test_it_refuses_both_a_new_task_and_an_attachment(demo):  # type: ignore[no-untyped-def]
    client = client_for("supervisor")
    review = client.post(URL, {"step": "extract", "text": SECOND})
    data = review_data(review)
    i = _safety_row(review)
    data[f"directives-{i}-lead_unit"] = str(Unit.objects.get(code="EMERG").pk)
    data[f"directives-{i}-attach_to"] = str(demo.pk)
    before = Meeting.objects.count()
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    assert Meeting.objects.count() == before


def test_it_refuses_an_attachment_to_a_task_that_does_not_exist(demo):  # type: ignore[no-untyped-def]
    client = client_for("supervisor")
    review = client.post(URL, {"step": "extract", "text": SECOND})
    data = review_data(review)
    i = _safety_row(review)
    data[f"directives-{i}-lead_unit"] = ""
    data[f"directives-{i}-attach_to"] = "999999"
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Task 999999 does not exist or is cancelled." in response.content.decode()
    assert not RepeatedMention.objects.exists()


def test_it_asks_for_the_missing_pieces_and_records_why_a_directive_stays_a_principle(demo):  # type: ignore[no-untyped-def]
    """弘扬优良作风 names no unit, no time limit, nothing checkable: the review says so, and
    left without a task, the directive keeps the reason."""
    client = client_for("supervisor")
    review = client.post(URL, {"step": "extract", "text": SECOND})
    html = review.content.decode()
    assert "No lead unit: choose one to make it a task" in html
    assert "No time limit: enter a deadline" in html
    data = review_data(review)
    for i in range(len(review.context["directives"].forms)):
        data[f"directives-{i}-lead_unit"] = ""
    assert client.post(URL, data).status_code == 302
    style = Directive.objects.get(text__contains="优良作风")
    assert style.principle_reason == "Stays a principle: no lead unit, no time limit, no checkable result."
    page = client.get(reverse("meeting_detail", args=[style.meeting_id])).content.decode()
    assert "Supervisable: 0 of 2 directives (0%)" in page


def test_the_word_stocktake_has_the_repeatedly_demanded_section(demo):  # type: ignore[no-untyped-def]
    """The leader's .docx lists the task under "Repeatedly demanded", with both dates."""
    import io

    from django.utils import translation
    from docx import Document

    from luoshi.accounts.models import User
    from luoshi.checks.services import attach_directive
    from luoshi.documents.services import build_stocktake
    from luoshi.meetings.services import DirectiveInput, record_meeting

    later = record_meeting(User.objects.get(username="secretary"), kind="executive", title="第2次常务会议",
                           date=dt.date(2022, 11, 15),
                           directives=[DirectiveInput(text="要压实责任抓好安全生产，坚决防范重特大事故发生。")])
    attach_directive(User.objects.get(username="supervisor"), later.directives.get(), demo, similarity=0.9)
    with translation.override("en"):
        _name, data = build_stocktake(User.objects.get(username="leader"))
    document = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Repeatedly demanded" in body
    table = next(t for t in document.tables if t.rows[0].cells[-1].text == "Demanded on")
    row = [c.text for c in table.rows[1].cells]
    assert row[1] == demo.title and row[-1] == "2022-10-07, 2022-11-15"
