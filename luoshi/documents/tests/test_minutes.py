"""The minutes name the chair as each language writes it: 张建国（市长）, Zhang Jianguo, Mayor."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from luoshi.meetings.services import AgendaItemInput, record_meeting


def minutes_lines(user, meeting, language: str) -> list[str]:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(reverse("meeting_minutes_docx", args=[meeting.pk]))
    assert response.status_code == 200
    return [p.text for p in Document(io.BytesIO(response.content)).paragraphs]


@pytest.mark.parametrize(("language", "chair", "outcome"), [
    ("zh-hans", "主持：张建国（市长）", "（1）审议《安全生产方案》（审议通过）"),
    ("en", "Chair: 张建国, Mayor", "(1) 审议《安全生产方案》 (adopted)"),
])
def test_the_chair_and_outcomes_are_written_in_the_documents_language(province, language, chair, outcome):
    """No ASCII comma or parenthesis between Chinese words."""
    meeting = record_meeting(
        province.secretary, kind="executive", title="市政府第3次常务会议", date=dt.date(2022, 10, 7),
        chair_name="张建国", chair_title="Mayor" if language == "en" else "市长",
        agenda_items=[AgendaItemInput(kind="plan", title="审议《安全生产方案》", outcome="adopted")],
    )
    lines = minutes_lines(province.supervisor, meeting, language)
    assert chair in lines
    assert any(line.startswith(outcome) for line in lines), lines
