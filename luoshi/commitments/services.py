"""Agreements and plans as ledgers of two-sided commitments.

An agenda item of kind agreement or plan (the framework agreements a meeting heard, a plan it
adopted) holds commitments: each names the province side (a unit) and the counterparty side,
has milestones, and moves forward one stage at a time, signed → started → delivered. The
supervision office records and advances them; whoever reads meetings reads them. Every
change is audited in its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.lib import ConflictError, Forbidden, InvalidInput, NotFound, TransitionError
from luoshi.meetings.models import AgendaItem
from luoshi.meetings.services import may_read_meetings
from luoshi.tasks.permissions import is_supervisor
from luoshi.units.models import Unit

from .models import Commitment, CommitmentMilestone

Stage = Commitment.Stage
LEDGER_KINDS = frozenset({AgendaItem.Kind.AGREEMENT, AgendaItem.Kind.PLAN})
NEXT_STAGE = {Stage.SIGNED: Stage.STARTED, Stage.STARTED: Stage.DELIVERED}
STAGE_DATE = {Stage.STARTED: "started_on", Stage.DELIVERED: "delivered_on"}


def may_read(user: User) -> bool:
    return may_read_meetings(user)


def may_manage(user: User) -> bool:
    return is_supervisor(user)


def has_ledger(item: AgendaItem) -> bool:
    return item.kind in LEDGER_KINDS


def get_item_for_user(user: User, pk: int | str) -> AgendaItem:
    """The agreement or plan, if `user` may read it; NotFound otherwise (also for an agenda
    item of another kind: it has no ledger)."""
    if not may_read(user):
        raise NotFound("agenda item")
    try:
        item = AgendaItem.objects.select_related("meeting", "presenting_unit").get(pk=int(pk))
    except (AgendaItem.DoesNotExist, ValueError):
        raise NotFound("agenda item") from None
    if not has_ledger(item):
        raise NotFound("agenda item")
    return item


def _require_manager(user: User) -> None:
    if not may_manage(user):
        raise Forbidden(_("Only the supervision office records commitments."))


def _text(value: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("The %(what)s is required.") % {"what": what})
    if len(value) > limit:
        raise InvalidInput(_("The %(what)s is too long (at most %(n)s characters).") % {"what": what, "n": limit})
    if lib.control_character_in(value):
        raise InvalidInput(_("The %(what)s contains a control character.") % {"what": what})
    return value


def snapshot(commitment: Commitment) -> dict[str, object]:
    return {"agenda_item": commitment.agenda_item_id, "title": commitment.title,
            "province_unit": commitment.province_unit.code, "counterparty": commitment.counterparty,
            "stage": commitment.stage, "signed_on": commitment.signed_on.isoformat(),
            "started_on": commitment.started_on.isoformat() if commitment.started_on else None,
            "delivered_on": commitment.delivered_on.isoformat() if commitment.delivered_on else None}


def _check_milestone(title: str, due: dt.date | None) -> tuple[str, dt.date]:
    title = _text(title, _("milestone"), 300)
    if due is None:
        raise InvalidInput(_("A milestone needs a due date."))
    return title, due


@transaction.atomic
def add_commitment(user: User, item: AgendaItem, *, title: str, province_unit: Unit, counterparty: str,
                   signed_on: dt.date, milestones: Sequence[tuple[str, dt.date | None]] = ()) -> Commitment:
    """Record one commitment under an agreement or plan, signed on `signed_on`."""
    _require_manager(user)
    if not has_ledger(item):
        raise InvalidInput(_("Only an agreement or a plan holds commitments."))
    if signed_on > lib.today():
        raise InvalidInput(_("The signing date is in the future."))
    steps = [_check_milestone(t, d) for t, d in milestones]
    commitment = Commitment.objects.create(
        agenda_item=item, title=_text(title, _("commitment"), 300), province_unit=province_unit,
        counterparty=_text(counterparty, _("counterparty side"), 200), signed_on=signed_on,
        created_by=user, created_at=lib.now())
    CommitmentMilestone.objects.bulk_create(
        [CommitmentMilestone(commitment=commitment, title=t, due=d) for t, d in steps])
    record_event(user, "add_commitment", commitment,
                 after={**snapshot(commitment), "milestones": [[t, d.isoformat()] for t, d in steps]})
    return commitment


@transaction.atomic
def advance_commitment(user: User, commitment: Commitment, *, expected_stage: str, on: dt.date) -> Commitment:
    """Move a commitment one stage on (signed → started → delivered) on the day `on`.
    `expected_stage` is the stage the user saw: if someone moved it meanwhile, nothing changes."""
    _require_manager(user)
    commitment = Commitment.objects.select_for_update().select_related("province_unit").get(pk=commitment.pk)
    if commitment.stage != expected_stage:
        raise ConflictError(_("This commitment was moved to %(stage)s by someone else; look again before moving it.")
                            % {"stage": commitment.get_stage_display()})
    following = NEXT_STAGE.get(Stage(commitment.stage))
    if following is None:
        raise TransitionError(_("This commitment is delivered: there is no further stage."))
    if on > lib.today():
        raise InvalidInput(_("The date is in the future."))
    if on < commitment.signed_on or (commitment.started_on and on < commitment.started_on):
        raise InvalidInput(_("The date is before the commitment's previous stage."))
    before = snapshot(commitment)
    commitment.stage = following
    setattr(commitment, STAGE_DATE[following], on)
    commitment.save(update_fields=["stage", STAGE_DATE[following]])
    record_event(user, "advance_commitment", commitment, before=before, after=snapshot(commitment))
    return commitment


@transaction.atomic
def add_commitment_milestone(user: User, commitment: Commitment, *, title: str, due: dt.date | None) -> CommitmentMilestone:
    _require_manager(user)
    title, checked_due = _check_milestone(title, due)
    milestone = CommitmentMilestone.objects.create(commitment=commitment, title=title, due=checked_due)
    record_event(user, "add_commitment_milestone", milestone,
                 after={"commitment": commitment.pk, "title": title, "due": checked_due.isoformat()})
    return milestone


@transaction.atomic
def complete_commitment_milestone(user: User, milestone: CommitmentMilestone, *, on: dt.date) -> CommitmentMilestone:
    _require_manager(user)
    milestone = CommitmentMilestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise TransitionError(_("This milestone is already done."))
    if on > lib.today():
        raise InvalidInput(_("The date is in the future."))
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    record_event(user, "complete_commitment_milestone", milestone,
                 after={"commitment": milestone.commitment_id, "title": milestone.title, "done_on": on.isoformat()})
    return milestone


@dataclass(frozen=True)
class Funnel:
    """How many commitments reached each stage: every one is signed, the started include
    the delivered."""

    signed: int = 0
    started: int = 0
    delivered: int = 0


def funnels(items: Iterable[AgendaItem]) -> dict[int, Funnel]:
    """The funnel of each agreement or plan among `items`, in one query."""
    keys = [item.pk for item in items if has_ledger(item)]
    found: dict[int, dict[str, int]] = {pk: {} for pk in keys}
    if keys:
        rows = (Commitment.objects.filter(agenda_item_id__in=keys).order_by()
                .values_list("agenda_item_id", "stage").annotate(n=Count("id")))
        for pk, stage, n in rows:
            found[pk][stage] = n
    return {pk: Funnel(signed=sum(c.values()), started=c.get(Stage.STARTED, 0) + c.get(Stage.DELIVERED, 0),
                       delivered=c.get(Stage.DELIVERED, 0)) for pk, c in found.items()}


def get_commitment(user: User, pk: int | str) -> Commitment:
    _require_manager(user)
    try:
        return Commitment.objects.select_related("agenda_item").get(pk=int(pk))
    except (Commitment.DoesNotExist, ValueError):
        raise NotFound("commitment") from None


def get_milestone(user: User, pk: int | str) -> CommitmentMilestone:
    _require_manager(user)
    try:
        return CommitmentMilestone.objects.select_related("commitment__agenda_item").get(pk=int(pk))
    except (CommitmentMilestone.DoesNotExist, ValueError):
        raise NotFound("milestone") from None
