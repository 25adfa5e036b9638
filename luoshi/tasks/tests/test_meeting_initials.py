"""The ledger's meeting picker finds meetings by the pinyin initials of their titles too."""

from __future__ import annotations

import datetime as dt

from luoshi.meetings.services import record_meeting
from luoshi.tasks import forms
from luoshi.tasks.tests.test_views_ledger import client_for


def test_it_suggests_meetings_by_the_initials_of_their_titles(province):
    """cwhy (常务会议) finds both executive meetings; fxgz (防汛工作) finds only the other one."""
    record_meeting(province.secretary, kind="special_topic", title="防汛工作专题会议", date=dt.date(2022, 11, 1))
    client = client_for(province.supervisor)
    executive = client.get("/tasks/meetings/", {"meeting": "cwhy"}).content.decode()
    assert "2022-10-07 · 省政府第1次常务会议" in executive and "防汛" not in executive
    special = client.get("/tasks/meetings/", {"meeting": "FXGZ"}).content.decode()  # case does not matter
    assert "2022-11-01 · 防汛工作专题会议" in special and "常务会议" not in special


def test_initials_are_looked_for_only_when_no_title_contains_the_text(province):
    """An English title that contains the letters wins over initials that happen to match."""
    record_meeting(province.secretary, kind="special_topic", title="szfd work meeting", date=dt.date(2022, 11, 2))
    found = client_for(province.supervisor).get("/tasks/meetings/", {"meeting": "szfd"}).content.decode()
    assert "szfd work meeting" in found and "省政府第1次常务会议" not in found  # 省政府第… is s-z-f-d too


def test_initials_are_read_in_the_latest_meetings_only(province, monkeypatch):
    """The initials search reads a bounded number of the latest meetings, not every meeting."""
    record_meeting(province.secretary, kind="special_topic", title="防汛工作专题会议", date=dt.date(2022, 11, 1))
    monkeypatch.setattr(forms, "INITIALS_SEARCHED", 1)
    client = client_for(province.supervisor)
    assert "<option" not in client.get("/tasks/meetings/", {"meeting": "cwhy"}).content.decode()  # older one
    assert "防汛工作专题会议" in client.get("/tasks/meetings/", {"meeting": "fxgz"}).content.decode()


def test_nothing_is_suggested_for_initials_that_match_no_meeting(province):
    assert "<option" not in client_for(province.supervisor).get("/tasks/meetings/", {"meeting": "qqqq"}).content.decode()
