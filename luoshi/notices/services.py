"""Issuing numbered notices on a task: the assignment sheet (交办单), the supervision notice
(督办通知单, blue, yellow or red by escalation level) and the urging notice (催办通知书).

Numbering: one sequence per (kind, year), kept in a NoticeCounter row. `issue_notice` takes
that row with SELECT … FOR UPDATE inside its own transaction, adds one, builds the document and
stores the notice. A concurrent issuer of the same kind waits for the lock, so two notices
never share a number; a failure rolls the number back with the notice, so none is skipped.
The supervision notices of all three colours share one sequence (the kind's).

The supervision office issues; the office, leaders and the liaisons of the units concerned
(the lead and cooperating units, and those above them) may download.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import RGBColor

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.documents.services import long_date, office_name
from luoshi.documents.word import OfficialDocument
from luoshi.lib import Forbidden, InvalidInput, NotFound, TransitionError
from luoshi.notifications.services import liaisons_of, notify
from luoshi.tasks import lights
from luoshi.tasks.lifecycle import WORKING
from luoshi.tasks.models import Escalation, Task
from luoshi.tasks.permissions import can_read, is_supervisor

from .models import Notice, NoticeCounter

Kind = Notice.Kind
Level = Notice.Level
MAX_TEXT = 4000

# 辽督交〔2026〕1号, 辽督办〔2026〕7号, 辽督催〔2026〕3号: the office's prefix and one character per kind.
ZH_KIND_MARK = {Kind.ASSIGNMENT: "交", Kind.SUPERVISION: "办", Kind.URGING: "催"}
EN_KIND_MARK = {Kind.ASSIGNMENT: "Assignment", Kind.SUPERVISION: "Supervision", Kind.URGING: "Urging"}
# The colour of each level, for the document (hex for Word) and its label.
LEVEL_COLOURS = {Level.BLUE: "0070C0", Level.YELLOW: "E6A700", Level.RED: "E60012"}
TITLES = {
    Kind.ASSIGNMENT: gettext_lazy("Assignment Sheet for a Supervised Task"),
    Kind.SUPERVISION: gettext_lazy("Supervision Notice"),
    Kind.URGING: gettext_lazy("Urging Notice"),
}
COLOUR_TITLES = {
    Level.BLUE: gettext_lazy("Blue supervision"),
    Level.YELLOW: gettext_lazy("Yellow supervision"),
    Level.RED: gettext_lazy("Red supervision"),
}


def _chinese() -> bool:
    return not (get_language() or "").startswith("en")


def notice_number(kind: str, year: int, serial: int) -> str:
    """辽督办〔2026〕7号, or "LN Supervision [2026] No. 7" in English."""
    if _chinese():
        return f"{settings.LUOSHI_NOTICE_PREFIX_ZH}{ZH_KIND_MARK[Kind(kind)]}〔{year}〕{serial}号"
    return f"{settings.LUOSHI_NOTICE_PREFIX_EN} {EN_KIND_MARK[Kind(kind)]} [{year}] No. {serial}"


def number_of(notice: Notice) -> str:
    return notice_number(notice.kind, notice.year, notice.serial)


def may_issue(user: User) -> bool:
    return is_supervisor(user)


def may_download(user: User, notice: Notice) -> bool:
    """The office, leaders, and the liaisons of the units concerned (those who read the task)."""
    if not user.is_active or user.role not in {User.Role.SUPERVISOR, User.Role.LEADER, User.Role.LIAISON}:
        return False
    return can_read(user, notice.task)


def get_notice_for_user(user: User, pk: int | str) -> Notice:
    """The notice, if `user` may download it; NotFound otherwise (not yours looks like not there)."""
    try:
        notice = Notice.objects.select_related("task__lead_unit").get(pk=int(pk))
    except (Notice.DoesNotExist, ValueError):
        raise NotFound("notice") from None
    if not may_download(user, notice):
        raise NotFound("notice")
    return notice


def default_level(task: Task) -> int:
    """The colour a supervision notice takes by default: the task's highest escalation level
    (blue when it was never escalated)."""
    levels = list(Escalation.objects.filter(task_id=task.pk).values_list("level", flat=True))
    return max(levels, default=Level.BLUE)


def _locked_counter(kind: str, year: int) -> NoticeCounter:
    """The (kind, year) counter row, locked until the calling transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a notice counter is locked only inside the transaction that issues the notice")
    # The first notice of a year creates the row; a concurrent first one waits on the insert
    # (PostgreSQL ON CONFLICT DO NOTHING) and then finds it.
    NoticeCounter.objects.bulk_create([NoticeCounter(kind=kind, year=year, last=0)], ignore_conflicts=True)
    return NoticeCounter.objects.select_for_update().get(kind=kind, year=year)


def next_serial(counter: NoticeCounter) -> int:
    """Take the next number of a locked counter's sequence."""
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def issue_notice(user: User, task: Task, *, kind: str, text: str, level: int | None = None,
                 reply_by: dt.date | None = None, form_key: str = "") -> Notice:
    """Issue a numbered notice on a working task, with the office's requirements in `text`.
    A supervision notice takes a colour (`level` 1 blue, 2 yellow, 3 red); the others take none.
    Posting the same form twice (`form_key`) returns the first notice and gives no new number."""
    if not may_issue(user):
        raise Forbidden(_("Only the supervision office issues notices."))
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown kind of notice: %(kind)s") % {"kind": kind})
    if kind == Kind.SUPERVISION:
        if level not in Level.values:
            raise InvalidInput(_("A supervision notice is blue, yellow or red (level 1, 2 or 3)."))
    elif level is not None:
        raise InvalidInput(_("Only a supervision notice has a colour."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write what the notice requires of the unit."))
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("The requirements are too long (at most %(n)s characters).") % {"n": MAX_TEXT})
    if lib.control_character_in(text):
        raise InvalidInput(_("The requirements contain a control character."))
    today = lib.today()
    if reply_by is not None and reply_by < today:
        raise InvalidInput(_("The reply date is in the past."))
    task = Task.objects.select_for_update(of=("self",)).select_related("lead_unit", "directive__meeting").get(pk=task.pk)
    if task.status not in WORKING:
        raise TransitionError(_("Notices are issued on tasks being worked on, not on a task that is %(status)s.")
                              % {"status": task.get_status_display()})
    year = today.year
    counter = _locked_counter(kind, year)
    if form_key:
        # Checked under the counter's lock: a second post of the same form waits for the first.
        earlier = Notice.objects.filter(form_key=form_key).first()
        if earlier is not None:
            return earlier
    serial = next_serial(counter)
    notice = Notice(task=task, kind=kind, level=level if kind == Kind.SUPERVISION else None, year=year,
                    serial=serial, text=text, reply_by=reply_by, issued_by=user, issued_at=lib.now(),
                    form_key=form_key or None)
    notice.content = build_document(notice)
    notice.save()
    record_event(user, "issue_notice", notice, after={
        "task": task.pk, "kind": kind, "level": notice.level, "number": number_of(notice),
        "text": text, "reply_by": reply_by.isoformat() if reply_by else None})
    units = [task.lead_unit, *task.cooperating_units.all()]
    notify("assignment" if kind == Kind.ASSIGNMENT else "urge", task,
           _("%(title)s %(number)s: %(text)s") % {"title": TITLES[Kind(kind)], "number": number_of(notice),
                                                  "text": text},
           to=liaisons_of(units))
    return notice


def filename_of(notice: Notice) -> str:
    colour = f"-{Level(notice.level).name.lower()}" if notice.level else ""
    return f"notice-{notice.kind}{colour}-{notice.year}-{notice.serial}.docx"


# --- the document -----------------------------------------------------------------------------


def _facts_table(doc: OfficialDocument, task: Task) -> None:
    directive = task.directive
    source = "—"
    if directive is not None:
        source = f"{directive.meeting.title}：{directive.text}" if _chinese() else \
            f"{directive.meeting.title}: {directive.text}"
    cooperating = "、".join(u.name for u in task.cooperating_units.all()) or "—"
    rows = [
        [_("Task"), task.title],
        [_("Source"), source],
        [_("Lead unit"), task.lead_unit.name],
        [_("Cooperating units"), cooperating],
        [_("Person responsible"), task.person_responsible or "—"],
        [_("Deadline"), long_date(task.deadline) if task.deadline else "—"],
        [_("Reporting"), task.get_cadence_display() if task.cadence else "—"],
        [_("Progress"), f"{task.progress}%"],
    ]
    doc.table([_("Item"), _("Details")], rows, widths_mm=[36, 120])


def _standing(task: Task, today: dt.date) -> str:
    """Where the task stands, in one sentence: its light with the reason, and days overdue."""
    reason = task.light_reason
    parts = [_("The task is %(status)s, at %(progress)s%%.") % {
        "status": task.get_status_display(), "progress": task.progress}]
    if reason is not None:
        parts.append(_("Light: %(light)s.") % {"light": lights.labelled(reason)})
    if task.deadline and task.deadline < today:
        days = (today - task.deadline).days
        parts.append(ngettext("It is %(days)s day past its deadline.", "It is %(days)s days past its deadline.",
                              days) % {"days": days})
    return _space().join(parts)


def _space() -> str:
    """Between sentences: a space in English, nothing after a Chinese full stop."""
    return "" if _chinese() else " "


def build_document(notice: Notice) -> bytes:
    """The notice as a Word document in the GB/T 9704 layout (luoshi/documents/word.py)."""
    task = notice.task
    today = notice.issued_at.date() if notice.issued_at else lib.today()
    kind = Kind(notice.kind)
    doc = OfficialDocument()
    level = Level(notice.level) if notice.level else None
    colour = LEVEL_COLOURS[level] if level else None
    doc.masthead(office_name(), number_of(notice), color=colour)
    title = doc.title(str(TITLES[kind]))
    if level and colour:
        # The colour is said in words as well, for a black-and-white copy.
        label = doc.para(_("(%(colour)s)") % {"colour": COLOUR_TITLES[level]}, indent=False,
                         align=WD_ALIGN_PARAGRAPH.CENTER)
        for run in (*title.runs, *label.runs):
            run.font.color.rgb = RGBColor.from_string(colour)
    doc.recipients(_("%(unit)s:") % {"unit": task.lead_unit.name})
    if kind == Kind.ASSIGNMENT:
        doc.para(_("The following task is assigned to your unit for handling. Sign for it, work out how it will "
                   "be done and report progress as required."))
        _facts_table(doc, task)
    elif kind == Kind.SUPERVISION and level:
        doc.para(_("The supervision office places the following task under supervision at the %(colour)s level.")
                 % {"colour": level.label} + _space() + _standing(task, today))
        _facts_table(doc, task)
    else:
        doc.para(_("The following task has not been handled as required and is hereby urged.") + _space()
                 + _standing(task, today))
        _facts_table(doc, task)
    doc.heading(_("1. Requirements"))
    doc.para(notice.text)
    if notice.reply_by:
        doc.para(_("Report in writing how it was handled by %(date)s.") % {"date": long_date(notice.reply_by)})
    doc.closing(office_name(), long_date(today))
    return doc.save()
