"""Registering an instruction document and following the reply to the leader: the happy
path with its tasks, audit rows and notifications, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.leaders import services
from luoshi.leaders.models import InstructionDocument
from luoshi.leaders.tests.helpers import days, docx_upload, register
from luoshi.lib import ConflictError, Forbidden, InvalidInput
from luoshi.notifications.models import Notification
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import Province

Reply = InstructionDocument.Reply


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are matched in English."""
    with translation.override("en"):
        yield


def verbs(document: InstructionDocument) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="leaders.instructiondocument", object_id=str(document.pk))
                .order_by("id").values_list("verb", flat=True))


def test_it_registers_an_instruction_as_one_draft_task_per_unit_named(province: Province) -> None:
    """Lead unit first, then the other units named; each a draft from the instruction."""
    document = register(province, upload=docx_upload())
    tasks = list(Task.objects.filter(instruction_document=document).order_by("id"))
    assert [t.lead_unit for t in tasks] == [province.emergency, province.health]
    assert {t.source for t in tasks} == {Task.Source.INSTRUCTION}
    assert {t.status for t in tasks} == {Status.DRAFT}
    assert all(t.directive is None and t.deadline == days(30) for t in tasks)
    assert all(list(t.priority_areas.all()) == [province.area] for t in tasks)
    assert document.original_name == "报告.docx" and document.file.name.endswith(".docx")
    assert "冬季供暖" in document.document_text  # read by the intake readers
    assert verbs(document) == ["register_instruction"]
    assert document.reply_state == Reply.AWAITING_DRAFT


def test_registered_tasks_can_be_assigned_like_any_other(province: Province) -> None:
    from luoshi.tasks import services as task_services

    document = register(province)
    task = Task.objects.filter(instruction_document=document).first()
    assert task is not None
    assigned = task_services.assign_task(province.supervisor, task)
    assert assigned.status == Status.ASSIGNED and assigned.source == Task.Source.INSTRUCTION


def test_it_refuses_anyone_but_the_office(province: Province) -> None:
    for user in (province.leader, province.liaison, province.secretary, province.sysadmin):
        with pytest.raises(Forbidden):
            services.register_instruction(user, services.InstructionInput(
                leader=province.leader, leader_name="", date=days(0), title="t", text="x",
                lead_unit=province.emergency, reply_due=days(5)))
    assert not InstructionDocument.objects.exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"leader": None, "leader_name": ""}, "Name the leader"),
    ({"text": "  "}, "write the instruction"),
    ({"title": ""}, "Name the document"),
    ({"date": days(1)}, "in the future"),
    ({"reply_due": days(-1)}, "in the past"),
    ({"reply_due": None}, "reply to the leader is due"),
    ({"task_deadline": days(-3)}, "in the past"),
])
def test_it_refuses_bad_input_and_keeps_nothing(province: Province, changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        register(province, **changes)
    assert not InstructionDocument.objects.exists() and not Task.objects.filter(source="instruction").exists()


def test_a_leader_must_be_a_leader(province: Province) -> None:
    with pytest.raises(InvalidInput, match="not a leader"):
        register(province, leader=province.liaison)


def test_a_leader_without_an_account_is_named(province: Province) -> None:
    document = register(province, leader=None, leader_name="张副省长")
    assert document.leader_label == "张副省长"


def test_a_second_registration_of_the_same_instruction_is_refused(province: Province) -> None:
    register(province)
    with pytest.raises(ConflictError, match="already registered"):
        register(province)
    assert InstructionDocument.objects.count() == 1


@pytest.mark.parametrize(("name", "content", "message"), [
    ("evil.exe", b"MZ....", "attach the document"),
    ("fake.pdf", b"this is not a pdf", "not really a PDF"),
    ("empty.txt", b"", "is empty"),
    ("broken.docx", b"PK\x03\x04 not a zip at all", "not really a DOCX"),
])
def test_a_bad_source_document_is_refused_and_nothing_is_kept(province: Province, name: str, content: bytes,
                                                              message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        register(province, upload=SimpleUploadedFile(name, content))
    assert not InstructionDocument.objects.exists()


def test_the_leaders_in_charge_hear_of_it_or_every_leader_when_none_is(province: Province) -> None:
    from luoshi.accounts.services import create_user

    other = create_user(None, username="leader2", password="a-long-test-password-42", role="leader",
                        check_password=False)
    document = register(province)
    assert set(Notification.objects.filter(kind="instruction", text__contains=document.text[:10])
               .values_list("recipient__username", flat=True)) == {"leader", "leader2"}
    Notification.objects.all().delete()
    services.put_in_charge(province.supervisor, leader=other, unit=province.health, valid_from=days(-5))
    second = register(province, text="另一条批示：卫健委牵头。", lead_unit=province.health, other_units=[])
    assert list(Notification.objects.filter(kind="instruction", text__contains=second.text[:6])
                .values_list("recipient__username", flat=True)) == ["leader2"]


# --- the reply -----------------------------------------------------------------------------------


def test_the_reply_is_drafted_reviewed_and_sent(province: Province) -> None:
    document = register(province)
    drafted = services.draft_reply(province.liaison, document, text="已部署供暖保障，群众温暖过冬。")
    assert drafted.reply_state == Reply.DRAFTED and drafted.drafted_by == province.liaison
    assert Notification.objects.filter(kind="reply", recipient=province.supervisor).exists()
    approved = services.review_reply(province.supervisor, drafted, approve=True)
    assert approved.reply_state == Reply.APPROVED
    sent = services.send_reply(province.supervisor, approved)
    assert sent.reply_state == Reply.SENT and sent.sent_at is not None
    assert Notification.objects.filter(kind="reply", recipient=province.leader).exists()
    assert verbs(document) == ["register_instruction", "draft_instruction_reply", "approve_instruction_reply",
                               "send_instruction_reply"]


def test_a_returned_draft_goes_back_to_the_lead_unit_with_the_note(province: Province) -> None:
    document = register(province)
    services.draft_reply(province.liaison, document, text="初稿")
    returned = services.review_reply(province.supervisor, document, approve=False, note="请补充数据")
    assert returned.reply_state == Reply.AWAITING_DRAFT and returned.review_note == "请补充数据"
    assert Notification.objects.filter(kind="reply", recipient=province.liaison, text__contains="请补充数据").exists()
    again = services.draft_reply(province.liaison, returned, text="第二稿，附数据")
    assert again.reply_state == Reply.DRAFTED
    assert verbs(document)[-2:] == ["return_instruction_reply", "draft_instruction_reply"]


def test_a_return_needs_a_note(province: Province) -> None:
    document = services.draft_reply(province.liaison, register(province), text="初稿")
    with pytest.raises(InvalidInput, match="why"):
        services.review_reply(province.supervisor, document, approve=False, note=" ")
    assert InstructionDocument.objects.get(pk=document.pk).reply_state == Reply.DRAFTED


def test_only_the_lead_units_liaison_drafts(province: Province) -> None:
    document = register(province)
    for user in (province.other_liaison, province.supervisor, province.leader, province.city_liaison):
        with pytest.raises(Forbidden):
            services.draft_reply(user, document, text="x")
    with pytest.raises(InvalidInput, match="write the reply"):
        services.draft_reply(province.liaison, document, text="  ")


def test_only_the_office_reviews_and_sends(province: Province) -> None:
    document = services.draft_reply(province.liaison, register(province), text="初稿")
    for user in (province.liaison, province.leader):
        with pytest.raises(Forbidden):
            services.review_reply(user, document, approve=True)
    approved = services.review_reply(province.supervisor, document, approve=True)
    for user in (province.liaison, province.leader):
        with pytest.raises(Forbidden):
            services.send_reply(user, approved)


def test_steps_out_of_order_are_refused_with_the_state(province: Province) -> None:
    document = register(province)
    with pytest.raises(InvalidInput, match="awaiting the lead unit's draft"):
        services.review_reply(province.supervisor, document, approve=True)
    with pytest.raises(InvalidInput, match="not possible now"):
        services.send_reply(province.supervisor, document)
    services.draft_reply(province.liaison, document, text="初稿")
    with pytest.raises(InvalidInput, match="not possible now"):
        services.draft_reply(province.liaison, document, text="again")
    services.review_reply(province.supervisor, document, approve=True)
    services.send_reply(province.supervisor, document)
    with pytest.raises(InvalidInput, match="report sent"):
        services.send_reply(province.supervisor, document)


def test_a_stale_version_is_refused(province: Province) -> None:
    document = register(province)
    services.draft_reply(province.liaison, document, text="初稿", expected_version=document.version)
    with pytest.raises(ConflictError):
        services.review_reply(province.supervisor, document, approve=True, expected_version=document.version)


def test_a_liaison_sees_only_the_documents_naming_their_unit(province: Province) -> None:
    document = register(province, other_units=[])
    assert list(services.visible_documents(province.liaison)) == [document]
    assert list(services.visible_documents(province.other_liaison)) == []
    assert list(services.visible_documents(province.leader)) == [document]
    assert list(services.visible_documents(province.secretary)) == []
    assert list(services.visible_documents(province.sysadmin)) == []


def test_overdue_replies(province: Province) -> None:
    document = register(province)
    assert list(services.replies_overdue(days(11))) == [document]
    assert list(services.replies_overdue(days(10))) == []
