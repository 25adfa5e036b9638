"""Registering a leader's instruction document (批示件) and following the reply owed to the
leader (办理情况报告); keeping the leaders' portfolios (分管领导).

The reply moves awaiting_draft → drafted (the lead unit's liaison writes it) → approved (the
office reviews; a return sends it back to awaiting_draft with the office's note) → sent (the
office sends it to the leader). Every step is audited on the document.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.extraction.model import ExtractionInputError, OCRUnavailable
from luoshi.extraction.readers import read_document_report
from luoshi.leaders import portfolio
from luoshi.leaders.models import InstructionDocument, LeaderInCharge
from luoshi.lib import ConflictError, Forbidden, InvalidInput, NotFound
from luoshi.lib import files as filestore
from luoshi.meetings.models import PriorityArea
from luoshi.notifications.services import liaisons_of, notify
from luoshi.security import check_upload, served_content_type
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task
from luoshi.units.models import Unit

Reply = InstructionDocument.Reply
# The formats the intake readers read (luoshi/extraction/readers.py) that uploads accept.
DOCUMENT_EXTENSIONS = frozenset({".txt", ".docx", ".pdf", ".ofd", ".png", ".jpg", ".jpeg"})


# --- who may do what ------------------------------------------------------------------------------


def is_office(user: User) -> bool:
    return user.is_active and user.role == User.Role.SUPERVISOR


def may_read_instructions(user: User) -> bool:
    """The office, the leaders and the liaisons read instruction documents (a liaison only
    those naming their unit or a unit below it: `visible_documents`)."""
    return user.is_active and user.role in {User.Role.SUPERVISOR, User.Role.LEADER, User.Role.LIAISON}


def visible_documents(user: User) -> QuerySet[InstructionDocument]:
    documents = InstructionDocument.objects.all()
    if not may_read_instructions(user):
        return documents.none()
    if user.role == User.Role.LIAISON:
        if user.unit is None:
            return documents.none()
        return documents.filter(Q(lead_unit__path__startswith=user.unit.path)
                                | Q(units__path__startswith=user.unit.path)).distinct()
    return documents


def get_document_for_user(user: User, pk: int | str) -> InstructionDocument:
    """The document if `user` may read it; NotFound otherwise (not theirs looks like not there)."""
    try:
        key = int(pk)
    except ValueError:
        raise NotFound("instruction") from None
    document = visible_documents(user).select_related("leader", "lead_unit", "created_by").filter(pk=key).first()
    if document is None:
        raise NotFound("instruction")
    return document


def drafts_reply(user: User, document: InstructionDocument) -> bool:
    """The lead unit's liaison (or the liaison of a unit above it) drafts the reply."""
    return (user.is_active and user.role == User.Role.LIAISON and user.unit is not None
            and document.lead_unit.is_within(user.unit))


def may_draft(user: User, document: InstructionDocument) -> bool:
    return drafts_reply(user, document) and document.reply_state == Reply.AWAITING_DRAFT


def may_review(user: User, document: InstructionDocument) -> bool:
    return is_office(user) and document.reply_state == Reply.DRAFTED


def may_send(user: User, document: InstructionDocument) -> bool:
    return is_office(user) and document.reply_state == Reply.APPROVED


# --- registering ----------------------------------------------------------------------------------


@dataclass
class InstructionInput:
    leader: User | None
    leader_name: str
    date: dt.date
    title: str
    text: str
    lead_unit: Unit
    other_units: Sequence[Unit] = ()
    priority_areas: Sequence[PriorityArea] = ()
    reply_due: dt.date | None = None
    task_deadline: dt.date | None = None
    upload: UploadedFile | None = None
    task_titles: dict[int, str] = field(default_factory=dict)  # unit id → title, when given


def snapshot(document: InstructionDocument) -> dict[str, object]:
    return {
        "leader": document.leader_id, "leader_name": document.leader_name, "date": document.date,
        "title": document.title, "text": document.text, "file": document.original_name,
        "lead_unit": document.lead_unit.code, "reply_due": document.reply_due, "reply": document.reply_state,
        "reply_text": document.reply_text, "review_note": document.review_note, "version": document.version,
    }


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def read_source(upload: UploadedFile) -> tuple[str, str]:
    """Check an uploaded source document and read its text with the intake readers; returns
    (the file's name, its text). A scan read by no OCR keeps an empty text."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in DOCUMENT_EXTENSIONS:
        raise InvalidInput(_("%(name)s: attach the document as .txt, .docx, .pdf or .ofd (or a scan as .png "
                             "or .jpg).") % {"name": name})
    limit = settings.LUOSHI_MAX_UPLOAD_MB * 1024 * 1024
    if not upload.size:
        raise InvalidInput(_("%(name)s is empty.") % {"name": name})
    if upload.size > limit:
        raise InvalidInput(_("%(name)s is larger than the limit of %(mb)s MB.")
                           % {"name": name, "mb": settings.LUOSHI_MAX_UPLOAD_MB})
    check_upload(upload, name, DOCUMENT_EXTENSIONS)
    upload.seek(0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "document" + extension)
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            text = read_document_report(path).text
        except OCRUnavailable:
            text = ""
        except ExtractionInputError:
            raise InvalidInput(_("%(name)s could not be read: it is damaged or not the kind of file its name "
                                 "says.") % {"name": name}) from None
    upload.seek(0)
    return name, lib.without_control_characters(text).strip()


@filestore.atomic
def register_instruction(user: User, data: InstructionInput) -> InstructionDocument:
    """Register a leader's instruction document and make a draft task for each unit it
    names (the lead unit first), as a meeting directive gives one; the leaders in charge of
    its areas and units hear about it (every leader when none is mapped)."""
    if not is_office(user):
        raise Forbidden(_("Only the supervision office registers a leader's instruction."))
    leader_name = (data.leader_name or "").strip()
    if data.leader is None and not leader_name:
        raise InvalidInput(_("Name the leader who wrote the instruction."))
    if data.leader is not None and (data.leader.role != User.Role.LEADER or not data.leader.is_active):
        raise InvalidInput(_("%(user)s is not a leader.") % {"user": data.leader})
    title = _text(data.title, _("Name the document or letter the instruction is written on."))
    text = _text(data.text, _("Please write the instruction."))
    today = lib.today()
    if data.date > today:
        raise InvalidInput(_("The instruction's date %(date)s is in the future.") % {"date": date_format(data.date)})
    reply_due = data.reply_due
    if reply_due is None:
        raise InvalidInput(_("Give the date the reply to the leader is due."))
    if reply_due < today:
        raise InvalidInput(_("The reply's due date %(date)s is in the past.") % {"date": date_format(reply_due)})
    others = [u for u in dict.fromkeys(data.other_units) if u.pk != data.lead_unit.pk]
    duplicate = InstructionDocument.objects.filter(date=data.date, text=text, leader=data.leader,
                                                   leader_name=leader_name if data.leader is None else "").first()
    if duplicate is not None:
        raise ConflictError(_("This instruction was already registered on %(date)s: “%(title)s”.")
                            % {"date": date_format(duplicate.created_at.date()), "title": duplicate.title[:60]})
    name, document_text, stored = "", "", ""
    if data.upload is not None:
        name, document_text = read_source(data.upload)
    document = InstructionDocument.objects.create(
        leader=data.leader, leader_name=leader_name if data.leader is None else "", date=data.date,
        title=title[:300], text=text, original_name=name[:255], document_text=document_text,
        lead_unit=data.lead_unit, reply_due=reply_due, created_by=user, created_at=lib.now(),
    )
    if data.upload is not None:
        extension = os.path.splitext(name)[1].lower()
        stored = filestore.save_upload(InstructionDocument._meta.get_field("file"), data.upload,
                                       secrets.token_hex(16) + extension)
        document.file = stored
        document.save(update_fields=["file"])
    document.units.set(others)
    document.priority_areas.set(data.priority_areas)
    record_event(user, "register_instruction", document, after={
        **snapshot(document), "units": [u.code for u in others],
        "priority_areas": [a.code for a in data.priority_areas]})
    tasks = [task_services.create_instruction_task(user, document, lead_unit=unit,
                                                   title=data.task_titles.get(unit.pk, ""),
                                                   deadline=data.task_deadline)
             for unit in [data.lead_unit, *others]]
    leaders = portfolio.leaders_for([a.pk for a in data.priority_areas], [data.lead_unit, *others])
    notify("instruction", tasks[0], _("Instruction registered (%(leader)s, %(date)s): %(text)s")
           % {"leader": document.leader_label, "date": date_format(document.date), "text": text[:200]}, to=leaders)
    return document


def document_tasks(document: InstructionDocument) -> QuerySet[Task]:
    return document.tasks.filter(parent__isnull=True).select_related("lead_unit").order_by("id")


def served_type(document: InstructionDocument) -> str:
    return served_content_type(document.original_name)


# --- the reply to the leader ------------------------------------------------------------------------


def _lock(document: InstructionDocument, expected_version: int | None) -> InstructionDocument:
    fresh = InstructionDocument.objects.select_for_update(of=("self",)).select_related("lead_unit").get(pk=document.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(_("This instruction's reply was changed by someone else since you opened it. "
                              "Reload the page and try again."))
    return fresh


def _wrong_state(document: InstructionDocument) -> InvalidInput:
    return InvalidInput(_("The reply is %(state)s: this step is not possible now.")
                        % {"state": document.get_reply_state_display()})


def _save(user: User, document: InstructionDocument, verb: str, before: dict[str, object]) -> InstructionDocument:
    document.version += 1
    document.save()
    record_event(user, verb, document, before=before, after=snapshot(document))
    return document


def _announce(document: InstructionDocument, text: str, to: Sequence[User]) -> None:
    first = document_tasks(document).first()
    if first is not None:
        notify("reply", first, text, to=to)


def _office() -> list[User]:
    return list(User.objects.filter(is_active=True, role=User.Role.SUPERVISOR).order_by("pk"))


@transaction.atomic
def draft_reply(user: User, document: InstructionDocument, *, text: str,
                expected_version: int | None = None) -> InstructionDocument:
    """The lead unit drafts its report to the leader (办理情况报告) for the office's review."""
    document = _lock(document, expected_version)
    if not drafts_reply(user, document):
        raise Forbidden(_("Only the lead unit's liaison drafts the reply to the leader."))
    if document.reply_state != Reply.AWAITING_DRAFT:
        raise _wrong_state(document)
    before = snapshot(document)
    document.reply_text = _text(text, _("Please write the reply."))
    document.reply_state, document.drafted_by, document.drafted_at = Reply.DRAFTED, user, lib.now()
    _save(user, document, "draft_instruction_reply", before)
    _announce(document, _("%(unit)s drafted the reply on “%(title)s” for review.")
              % {"unit": document.lead_unit, "title": document.title[:60]}, _office())
    return document


@transaction.atomic
def review_reply(user: User, document: InstructionDocument, *, approve: bool, note: str = "",
                 expected_version: int | None = None) -> InstructionDocument:
    """The office approves the draft, or returns it to the lead unit with a note."""
    document = _lock(document, expected_version)
    if not is_office(user):
        raise Forbidden(_("Only the supervision office reviews the reply to the leader."))
    if document.reply_state != Reply.DRAFTED:
        raise _wrong_state(document)
    before = snapshot(document)
    note = (note or "").strip()
    if not approve:
        note = _text(note, _("Say why the draft is returned."))
    document.review_note, document.reviewed_by, document.reviewed_at = note, user, lib.now()
    document.reply_state = Reply.APPROVED if approve else Reply.AWAITING_DRAFT
    _save(user, document, "approve_instruction_reply" if approve else "return_instruction_reply", before)
    if not approve:
        _announce(document, _("The office returned the draft reply on “%(title)s”: %(note)s")
                  % {"title": document.title[:60], "note": note}, liaisons_of([document.lead_unit]))
    return document


@transaction.atomic
def send_reply(user: User, document: InstructionDocument, *, expected_version: int | None = None) -> InstructionDocument:
    """The office sends the approved reply to the leader: it is marked sent and reaches the
    leader's inbox when they have an account."""
    document = _lock(document, expected_version)
    if not is_office(user):
        raise Forbidden(_("Only the supervision office sends the reply to the leader."))
    if document.reply_state != Reply.APPROVED:
        raise _wrong_state(document)
    before = snapshot(document)
    document.reply_state, document.sent_by, document.sent_at = Reply.SENT, user, lib.now()
    _save(user, document, "send_instruction_reply", before)
    to = [document.leader] if document.leader is not None and document.leader.is_active else []
    if to:
        _announce(document, _("Report on your instruction “%(title)s”: %(text)s")
                  % {"title": document.title[:60], "text": document.reply_text[:300]}, to)
    return document


def replies_overdue(today: dt.date | None = None) -> QuerySet[InstructionDocument]:
    """Replies not sent by their due date."""
    return InstructionDocument.objects.filter(reply_due__lt=today or lib.today()).exclude(reply_state=Reply.SENT)


# --- portfolios ----------------------------------------------------------------------------------------


def may_map_leaders(user: User) -> bool:
    return is_office(user)


def _portfolio_snapshot(row: LeaderInCharge) -> dict[str, object]:
    return {"leader": row.leader_id, "area": row.area.code if row.area else None,
            "unit": row.unit.code if row.unit else None, "valid_from": row.valid_from, "valid_to": row.valid_to}


@transaction.atomic
def put_in_charge(user: User, *, leader: User, area: PriorityArea | None = None, unit: Unit | None = None,
                  valid_from: dt.date, valid_to: dt.date | None = None) -> LeaderInCharge:
    """Map a priority area or a unit to the leader in charge of it, from one date to another."""
    if not may_map_leaders(user):
        raise Forbidden(_("Only the supervision office keeps the leaders' portfolios."))
    if leader.role != User.Role.LEADER or not leader.is_active:
        raise InvalidInput(_("%(user)s is not a leader.") % {"user": leader})
    if (area is None) == (unit is None):
        raise InvalidInput(_("Choose either a priority area or a unit."))
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("The portfolio ends before it begins."))
    overlapping = LeaderInCharge.objects.filter(leader=leader, area=area, unit=unit).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_to)
    if overlapping.exists():
        raise ConflictError(_("%(leader)s is already in charge of %(what)s in these dates.")
                            % {"leader": leader, "what": area or unit})
    row = LeaderInCharge.objects.create(leader=leader, area=area, unit=unit, valid_from=valid_from, valid_to=valid_to)
    record_event(user, "put_leader_in_charge", row, after=_portfolio_snapshot(row))
    return row


@transaction.atomic
def end_charge(user: User, row: LeaderInCharge, *, valid_to: dt.date) -> LeaderInCharge:
    """End a portfolio row on `valid_to` (the portfolio changed hands)."""
    if not may_map_leaders(user):
        raise Forbidden(_("Only the supervision office keeps the leaders' portfolios."))
    row = LeaderInCharge.objects.select_for_update(of=("self",)).select_related("area", "unit").get(pk=row.pk)
    if valid_to < row.valid_from:
        raise InvalidInput(_("The portfolio ends before it begins."))
    if row.valid_to is not None and row.valid_to <= valid_to:
        raise InvalidInput(_("This portfolio already ends on %(date)s.") % {"date": date_format(row.valid_to)})
    before = _portfolio_snapshot(row)
    row.valid_to = valid_to
    row.save(update_fields=["valid_to"])
    record_event(user, "end_leader_in_charge", row, before=before, after=_portfolio_snapshot(row))
    return row
