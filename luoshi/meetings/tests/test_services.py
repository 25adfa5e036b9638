"""Recording and publishing meetings, and managing priority areas."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput
from luoshi.meetings.models import AgendaItem, Directive, Meeting, PriorityArea
from luoshi.meetings.services import (
    AgendaItemInput,
    DirectiveInput,
    Span,
    create_priority_area,
    publish_meeting,
    record_meeting,
)
from luoshi.testing.fixtures import Province, build_province, built_for_module

READOUT = (
    "The executive meeting studied the plan for flood control. "
    "It is necessary to repair the dykes before the rains. "
    "It is necessary to keep grain prices stable."
)
PLAN = "the plan for flood control"
DYKES = "It is necessary to repair the dykes before the rains."
GRAIN = "It is necessary to keep grain prices stable."

# Some forty cases: the province is built once, through the services, in a transaction
# rolled back when the module ends; every test runs in its own savepoint (the `db` fixture)
# on its own copy of the personas.
@pytest.fixture(scope="module")
def shared_province(django_db_setup: None, django_db_blocker: Any) -> Iterator[Province]:
    def make():  # type: ignore[no-untyped-def]
        province = build_province()
        return province

    yield from built_for_module(django_db_blocker, make)


@pytest.fixture
def province(shared_province: Province, db: None) -> Province:
    return copy.deepcopy(shared_province)


PERSONAS = ["supervisor", "liaison", "city_liaison", "leader", "secretary",
            "sysadmin", "secadmin", "auditadmin", "outsider"]


def span(text: str) -> Span:
    start = READOUT.index(text)
    return start, start + len(text)


def record(user: Any, **kwargs: Any) -> Meeting:
    values: dict[str, Any] = {"kind": "executive", "title": "第13次常务会议", "date": dt.date(2022, 10, 7),
                              "readout": READOUT}
    values.update(kwargs)
    return record_meeting(user, **values)


def counts() -> tuple[int, int, int, int]:
    return (Meeting.objects.count(), AgendaItem.objects.count(), Directive.objects.count(),
            AuditEvent.objects.count())


def test_it_records_a_meeting_with_its_agenda_and_directives(province: Province):
    """Agenda items and directives are stored in order, with their spans, links and priority areas."""
    meeting = record(
        province.secretary, number=13, chair_name="李乐成", chair_title="省长", place="Shenyang",
        agenda_items=[AgendaItemInput(kind="plan", title=PLAN, span=span(PLAN),
                                      presenting_unit=province.emergency, outcome="adopted")],
        directives=[DirectiveInput(text=DYKES, span=span(DYKES), agenda_index=0, priority_areas=[province.area]),
                    DirectiveInput(text=GRAIN)],
    )
    [item] = meeting.agenda_items.all()
    assert (item.order, item.kind, item.title, item.presenting_unit, item.outcome) == (
        1, "plan", PLAN, province.emergency, "adopted")
    assert READOUT[item.span_start:item.span_end] == PLAN
    dykes, grain = meeting.directives.all()
    assert (dykes.order, dykes.agenda_item, dykes.source_text()) == (1, item, DYKES)
    assert list(dykes.priority_areas.all()) == [province.area]
    assert (grain.order, grain.agenda_item, grain.source_text(), grain.span_start) == (2, None, "", None)
    assert (meeting.status, meeting.created_by, meeting.number) == (Meeting.Status.HELD, province.secretary, 13)


def test_it_audits_the_recording(province: Province):
    """One event, by the recorder, holding the meeting with its agenda and directives."""
    meeting = record(province.supervisor, agenda_items=[AgendaItemInput(kind="plan", title=PLAN)],
                     directives=[DirectiveInput(text=DYKES)])
    event = AuditEvent.objects.filter(verb="record_meeting", object_id=str(meeting.pk)).get()
    assert event.actor == province.supervisor
    assert event.after["agenda_items"] == [["plan", PLAN, ""]]
    assert event.after["directives"] == [DYKES]


@pytest.mark.parametrize("bad", [
    {"directives": [DirectiveInput(text=DYKES, span=(span(DYKES)[0] + 1, span(DYKES)[1] + 1))]},
    {"directives": [DirectiveInput(text=DYKES, span=(0, len(DYKES)))]},
    {"directives": [DirectiveInput(text=GRAIN, span=(span(GRAIN)[0], len(READOUT) + 5))]},
    {"directives": [DirectiveInput(text=DYKES, span=(span(DYKES)[1], span(DYKES)[0]))]},
    {"agenda_items": [AgendaItemInput(kind="plan", title="the plan for drought relief", span=span(PLAN))]},
], ids=["shifted", "wrong-place", "past-the-end", "reversed", "agenda-item"])
def test_it_refuses_a_span_that_does_not_match_the_readout(province: Province, bad: dict[str, Any]):
    """A span must hold exactly the text it claims; otherwise nothing at all is saved."""
    before = counts()
    with pytest.raises(InvalidInput):
        record(province.secretary, directives=[DirectiveInput(text=GRAIN, span=span(GRAIN)), *bad.get("directives", [])],
               agenda_items=bad.get("agenda_items", []))
    assert counts() == before


@pytest.mark.parametrize("bad", [
    {"kind": "cabinet"},
    {"status": "cancelled"},
    {"agenda_items": [AgendaItemInput(kind="speech", title=PLAN)]},
    {"title": "   "},
    {"agenda_items": [AgendaItemInput(kind="plan", title=" ")]},
    {"directives": [DirectiveInput(text="  ")]},
    {"directives": [DirectiveInput(text=DYKES, agenda_index=0)]},
], ids=["meeting-kind", "status", "agenda-kind", "blank-title", "blank-agenda-title", "blank-directive",
        "missing-agenda-item"])
def test_it_refuses_unknown_kinds_and_missing_text(province: Province, bad: dict[str, Any]):
    """Unknown kinds and statuses, blank titles and texts, and dangling agenda links save nothing."""
    before = counts()
    with pytest.raises(InvalidInput):
        record(province.secretary, **bad)
    assert counts() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_office_and_secretaries_record(province: Province, persona: str):
    """The supervision office and meeting secretaries record meetings; everybody else is Forbidden."""
    user = getattr(province, persona)
    if persona in {"supervisor", "secretary"}:
        assert record(user).created_by == user
        return
    before = counts()
    with pytest.raises(Forbidden):
        record(user)
    assert counts() == before


def test_it_publishes_once(province: Province):
    """Publishing moves a held meeting to published, audited; publishing again is refused."""
    meeting = publish_meeting(province.supervisor, record(province.secretary))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED
    event = AuditEvent.objects.filter(verb="publish_meeting").get()
    assert (event.actor, event.before["status"], event.after["status"]) == (province.supervisor, "held", "published")
    before = counts()
    with pytest.raises(InvalidInput):
        publish_meeting(province.secretary, meeting)
    assert counts() == before


@pytest.mark.parametrize("persona", ["liaison", "leader", "sysadmin", "outsider"])
def test_it_lets_only_the_office_and_secretaries_publish(province: Province, persona: str):
    """Anyone else gets Forbidden and the meeting stays held."""
    meeting = record(province.secretary)
    with pytest.raises(Forbidden):
        publish_meeting(getattr(province, persona), meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_system_administrator_manage_priority_areas(province: Province, persona: str):
    """Priority areas are configuration: the system administrator's."""
    user = getattr(province, persona)
    if persona == "sysadmin":
        area = create_priority_area(user, code="FLOOD", name_zh="防汛", name_en="flood control",
                                    keywords_zh=["防汛"], keywords_en=["flood"])
        assert (area.keywords_zh, area.keywords_en) == (["防汛"], ["flood"])
        assert AuditEvent.objects.filter(verb="create_priority_area", actor=user).exists()
        return
    with pytest.raises(Forbidden):
        create_priority_area(user, code="FLOOD", name_zh="防汛", name_en="flood control")
    assert not PriorityArea.objects.filter(code="FLOOD").exists()


def test_it_refuses_a_duplicate_priority_area(province: Province):
    """Two areas cannot share a code."""
    with pytest.raises(InvalidInput):
        create_priority_area(province.sysadmin, code=province.area.code, name_zh="安全", name_en="safety")
    assert PriorityArea.objects.filter(code=province.area.code).count() == 1


def test_it_refuses_an_inactive_system_administrator(province: Province):
    """A deactivated system administrator manages no priority area."""
    User.objects.filter(pk=province.sysadmin.pk).update(is_active=False)
    province.sysadmin.refresh_from_db()
    with pytest.raises(Forbidden):
        create_priority_area(province.sysadmin, code="FLOOD", name_zh="防汛", name_en="flood control")
