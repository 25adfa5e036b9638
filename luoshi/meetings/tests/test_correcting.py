"""Correcting and deleting a recorded meeting (update_meeting, delete_meeting)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.lib import ConflictError, Forbidden, InvalidInput
from luoshi.meetings.models import AgendaItem, Directive, Meeting
from luoshi.meetings.services import (
    AgendaItemEdit,
    AgendaItemInput,
    DirectiveInput,
    delete_meeting,
    record_meeting,
    update_meeting,
)
from luoshi.search.models import SearchDocument
from luoshi.tasks import counts as task_counts
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task

READOUT = "会议研究了防汛工作方案。会议要求，要在汛期前完成堤防加固。要稳定粮食价格。"
PLAN = "防汛工作方案"
DYKES = "要在汛期前完成堤防加固。"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def duplicate(province):  # type: ignore[no-untyped-def]
    start = READOUT.index(PLAN)
    return record_meeting(
        province.secretary, kind="executive", title="省政府第2次常务会议", date=None, readout=READOUT,
        agenda_items=[AgendaItemInput(kind="plan", title=PLAN, span=(start, start + len(PLAN)))],
        directives=[DirectiveInput(text=DYKES), DirectiveInput(text="要稳定粮食价格。")],
    )


def correct(user, meeting, **changes):  # type: ignore[no-untyped-def]
    values = {"kind": meeting.kind, "title": meeting.title, "date": meeting.date, "number": meeting.number,
              "chair_name": meeting.chair_name, "chair_title": meeting.chair_title, "place": meeting.place,
              "attendees": meeting.attendees, "expected_version": meeting.version}
    values.update(changes)
    return update_meeting(user, meeting, **values)


# --- update_meeting ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supervisor", "secretary"])
def test_it_corrects_the_meeting_and_audits_it(province, persona):
    """The office or a secretary corrects date, number, chair and title; the version moves; one event."""
    meeting = duplicate(province)
    user = getattr(province, persona)
    corrected = correct(user, meeting, date=dt.date(2022, 10, 7), number=2, chair_name="李乐成",
                        chair_title="省长", title="省政府第2次常务会议（更正）", place="省政府")
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.date, stored.number, stored.chair_name, stored.chair_title, stored.place) == (
        dt.date(2022, 10, 7), 2, "李乐成", "省长", "省政府")
    assert stored.version == corrected.version == meeting.version + 1
    event = AuditEvent.objects.get(verb="update_meeting", object_id=str(meeting.pk))
    assert event.actor == user
    assert event.before["date"] is None and event.after["date"] == "2022-10-07"
    assert event.after["title"] == "省政府第2次常务会议（更正）"


def test_it_corrects_agenda_items_and_drops_a_highlight_that_no_longer_fits(province):
    """Kind, title and outcome of an agenda item change; a new title loses its readout span."""
    meeting = duplicate(province)
    item = meeting.agenda_items.get()
    correct(province.secretary, meeting, agenda_items=[AgendaItemEdit(id=item.pk, kind="report", title=PLAN,
                                                                       outcome="adopted")])
    item.refresh_from_db()
    assert (item.kind, item.outcome, item.span_start) == ("report", "adopted", READOUT.index(PLAN))
    meeting.refresh_from_db()
    correct(province.secretary, meeting, agenda_items=[AgendaItemEdit(id=item.pk, kind="report",
                                                                       title="防汛抗旱工作方案", outcome="adopted")])
    item.refresh_from_db()
    assert item.title == "防汛抗旱工作方案" and item.span_start is None and item.span_end is None


def test_it_refuses_a_stale_version_and_changes_nothing(province):
    """Two people open the meeting; the second save is refused with a clear error, the first kept."""
    meeting = duplicate(province)
    first = Meeting.objects.get(pk=meeting.pk)
    second = Meeting.objects.get(pk=meeting.pk)
    correct(province.supervisor, first, date=dt.date(2022, 10, 7))
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError, match="changed by someone else"):
        correct(province.secretary, second, date=dt.date(2022, 10, 8), title="另一个标题")
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.date == dt.date(2022, 10, 7) and stored.title == meeting.title and stored.version == 2
    assert AuditEvent.objects.count() == events


def test_it_writes_nothing_when_nothing_changed(province):
    """Saving the form unchanged neither moves the version nor adds an event."""
    meeting = duplicate(province)
    events = AuditEvent.objects.count()
    correct(province.secretary, meeting)
    assert Meeting.objects.get(pk=meeting.pk).version == 1 and AuditEvent.objects.count() == events


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": "  "}, "needs a title"),
    ({"kind": "picnic"}, "Unknown meeting kind"),
    ({"number": 0}, "whole number"),
])
def test_it_refuses_bad_fields(province, changes, message):
    """A blank title, an unknown kind or a number below 1 is refused; nothing changes."""
    meeting = duplicate(province)
    with pytest.raises(InvalidInput, match=message):
        correct(province.secretary, meeting, **changes)
    assert Meeting.objects.get(pk=meeting.pk).version == 1


def test_it_refuses_an_agenda_item_of_another_meeting(province):
    """An agenda item id that is not this meeting's is refused."""
    meeting = duplicate(province)
    other = record_meeting(province.secretary, kind="other", title="专题会议", date=None,
                           agenda_items=[AgendaItemInput(kind="study", title="学习")])
    foreign = other.agenda_items.get()
    with pytest.raises(InvalidInput, match="not an agenda item of this meeting"):
        correct(province.secretary, meeting, agenda_items=[AgendaItemEdit(id=foreign.pk, kind="study", title="x")])
    assert AgendaItem.objects.get(pk=foreign.pk).title == "学习"


@pytest.mark.parametrize("persona", ["liaison", "leader", "sysadmin", "secadmin", "auditadmin", "outsider"])
def test_only_the_office_and_secretaries_correct_meetings(province, persona):
    """Everyone else is refused."""
    meeting = duplicate(province)
    with pytest.raises(Forbidden):
        correct(getattr(province, persona), meeting, title="改")
    assert Meeting.objects.get(pk=meeting.pk).title == meeting.title


def test_it_keeps_the_search_index_in_step(province):
    """The meeting's search document carries the corrected title."""
    meeting = duplicate(province)
    correct(province.secretary, meeting, title="省政府第九次常务会议")
    assert SearchDocument.objects.get(kind="meeting", object_id=meeting.pk).title == "省政府第九次常务会议"


# --- delete_meeting -----------------------------------------------------------------------------


def drafts_of(province, meeting):  # type: ignore[no-untyped-def]
    return [task_services.create_task(province.supervisor, directive, lead_unit=province.emergency)
            for directive in meeting.directives.all()]


def test_it_deletes_a_duplicate_with_all_its_drafts_at_once(province):
    """The office deletes a duplicate meeting: agenda, directives, drafts and their search
    documents go, each deletion is audited, and the dashboard counts stay exact."""
    meeting = duplicate(province)
    drafts = drafts_of(province, meeting)
    task_services.cancel_task(province.supervisor, drafts[1], reason="duplicate")
    assert delete_meeting(province.supervisor, meeting, expected_version=meeting.version) == 2
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not Directive.objects.filter(meeting_id=meeting.pk).exists()
    assert not AgendaItem.objects.filter(meeting_id=meeting.pk).exists()
    assert not Task.objects.filter(pk__in=[t.pk for t in drafts]).exists()
    assert not SearchDocument.objects.filter(kind="meeting", object_id=meeting.pk).exists()
    assert not SearchDocument.objects.filter(kind="task", object_id__in=[t.pk for t in drafts]).exists()
    event = AuditEvent.objects.get(verb="delete_meeting", object_id=str(meeting.pk))
    assert event.actor == province.supervisor and event.before["tasks"] == [t.pk for t in drafts]
    assert AuditEvent.objects.filter(verb="delete_task").count() == 2
    assert not task_counts.drift()
    assert Meeting.objects.filter(pk=province.meeting.pk).exists()


@pytest.mark.parametrize("state", ["assigned", "signed", "completed", "cancelled", "suspended"])
def test_it_refuses_while_a_task_was_assigned(province, state):
    """A meeting with a task that was ever assigned stays, whatever that task's state now."""
    task = getattr(province, state)()
    meeting = province.meeting
    with pytest.raises(InvalidInput, match="cannot be deleted"):
        delete_meeting(province.supervisor, meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists() and Task.objects.filter(pk=task.pk).exists()
    assert not AuditEvent.objects.filter(verb="delete_meeting").exists()


def test_a_secretary_deletes_only_a_meeting_without_tasks(province):
    """A secretary may delete a meeting with no task; one with drafts is the office's to delete."""
    meeting = duplicate(province)
    drafts_of(province, meeting)
    with pytest.raises(Forbidden):
        delete_meeting(province.secretary, meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    bare = duplicate(province)
    assert delete_meeting(province.secretary, bare) == 0
    assert not Meeting.objects.filter(pk=bare.pk).exists()


def test_it_refuses_a_delete_based_on_an_old_version(province):
    """Deleting what someone else has just corrected is refused."""
    meeting = duplicate(province)
    correct(province.secretary, Meeting.objects.get(pk=meeting.pk), place="省政府")
    with pytest.raises(ConflictError):
        delete_meeting(province.supervisor, meeting, expected_version=1)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.parametrize("persona", ["liaison", "leader", "sysadmin", "secadmin", "auditadmin", "outsider"])
def test_only_the_office_and_secretaries_delete_meetings(province, persona):
    """Everyone else is refused, and nothing is deleted."""
    meeting = duplicate(province)
    with pytest.raises(Forbidden):
        delete_meeting(getattr(province, persona), meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_draft_deletion_refuses_an_assigned_task(province):
    """delete_draft_tasks never deletes work that was handed to a unit."""
    task = province.assigned()
    with pytest.raises(InvalidInput, match="cancel it instead"):
        task_services.delete_draft_tasks(province.supervisor, [task])
    assert Task.objects.filter(pk=task.pk).exists()


def test_it_refuses_a_meeting_that_a_ledger_import_recorded(province):
    """An imported ledger's meeting carries assigned work and its import: it stays, nothing is lost."""
    from luoshi.ledgers import services as ledger_services
    from luoshi.ledgers.tests.helpers import GOOD_ROWS, upload

    ledger = ledger_services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    ledger = ledger_services.import_ledger(province.supervisor, ledger, token=ledger.token)
    with pytest.raises(InvalidInput, match="cannot be deleted"):
        delete_meeting(province.supervisor, ledger.meeting)
    assert Meeting.objects.filter(pk=ledger.meeting.pk).exists()
    assert Task.objects.filter(directive__meeting=ledger.meeting).count() == 3
