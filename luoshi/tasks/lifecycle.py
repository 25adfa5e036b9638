"""The task life cycle of DESIGN.md, in one place.

    draft → assigned → signed → in_progress → completion_requested → completed
    completion_requested → in_progress            (returned)
    any open state → suspended → the state it left (resumed)
    any open state or suspended → cancelled       (with a reason)

Some actions act on a task without moving it (decompose, urge, escalate, instruct, edit); the
table names the states they are allowed in too.

Every service that changes a task's status asks `next_status`; nothing else decides.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luoshi.lib import TransitionError


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    ASSIGNED = "assigned", _("assigned")
    SIGNED = "signed", _("signed for")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETION_REQUESTED = "completion_requested", _("completion requested")
    COMPLETED = "completed", _("completed")
    SUSPENDED = "suspended", _("suspended")
    CANCELLED = "cancelled", _("cancelled")


class Action(models.TextChoices):
    ASSIGN = "assign", _("assign")
    SIGN = "sign", _("sign for")
    REPORT = "report", _("report progress on")
    REQUEST_COMPLETION = "request_completion", _("request completion of")
    APPROVE = "approve", _("approve completion of")
    RETURN = "return", _("return")
    SUSPEND = "suspend", _("suspend")
    RESUME = "resume", _("resume")
    CANCEL = "cancel", _("cancel")
    DECOMPOSE = "decompose", _("decompose")
    URGE = "urge", _("urge")
    ESCALATE = "escalate", _("escalate")
    # A lead unit's requests to the office (luoshi/taskrequests), and the office's answer to
    # "this is not ours": a new lead unit, which signs for the task again.
    REQUEST_EXTENSION = "request_extension", _("ask for more time on")
    REQUEST_RETURN = "request_return", _("hand back")
    REASSIGN = "reassign", _("reassign")
    # Milestones (反馈节点): planned by the office or the lead unit, done by the lead unit with a report.
    ASK_FOR_INPUT = "ask_for_input", _("ask a cooperating unit for input on")
    ADD_MILESTONE = "add_milestone", _("add a milestone to")
    COMPLETE_MILESTONE = "complete_milestone", _("complete a milestone of")
    # Outcome indicators: planned by the office; actuals recorded by the office or the lead unit.
    PLAN_INDICATORS = "plan_indicators", _("plan indicators of")
    RECORD_ACTUALS = "record_actuals", _("record indicator actuals of")
    INSTRUCT = "instruct", _("write an instruction on")
    UPDATE = "update", _("edit")


# The status sets: every other module uses these and defines none of its own.
# WORKING: handed to a unit and not yet finished. These tasks carry a light, can be overdue,
#   are supervised (reminders, urges, escalation: not while completion is requested, when the
#   office holds the ball) and counted as "in hand".
WORKING = frozenset({Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS, Status.COMPLETION_REQUESTED})
# OPEN: may still be suspended or cancelled (a draft, or working).
OPEN = frozenset({Status.DRAFT, *WORKING})
# FINISHED: nothing more happens to the task.
FINISHED = frozenset({Status.COMPLETED, Status.CANCELLED})
# LIT: the statuses that have a light. Drafts, suspended (the clock is stopped), completed and
# cancelled tasks have none, and none of them is ever overdue.
LIT = WORKING
# UNIT_VISIBLE: what units may see; a draft is the supervision office's until it is assigned.
UNIT_VISIBLE = frozenset(set(Status.values) - {Status.DRAFT})
# SCORED: what unit scores look at (a suspended or cancelled task is nobody's fault).
SCORED = frozenset({*WORKING, Status.COMPLETED})
# PUBLIC: what the public portal may show of a task marked public.
PUBLIC = frozenset({*WORKING, Status.SUSPENDED, Status.COMPLETED})
# IN_UNIT_HANDS: working and not waiting for the office's review of a completion request.
IN_UNIT_HANDS = frozenset({Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS})
SUSPENDED_STATE = object()  # marker: "the state the task was in before it was suspended"


def _in(states: frozenset[str]) -> list[str]:
    """`states` in the order Status declares them: the table below, and what is built from it,
    read the same in every process (a set's order changes with the hash seed)."""
    return [s for s in Status.values if s in states]


# action → {from status: to status}. A to-status of None means "stays where it is".
TRANSITIONS: dict[str, dict[str, str | None | object]] = {
    Action.ASSIGN: {Status.DRAFT: Status.ASSIGNED},
    Action.SIGN: {Status.ASSIGNED: Status.SIGNED},
    Action.REPORT: {Status.SIGNED: Status.IN_PROGRESS, Status.IN_PROGRESS: None},
    Action.REQUEST_COMPLETION: {Status.SIGNED: Status.COMPLETION_REQUESTED,
                                Status.IN_PROGRESS: Status.COMPLETION_REQUESTED},
    Action.APPROVE: {Status.COMPLETION_REQUESTED: Status.COMPLETED},
    Action.RETURN: {Status.COMPLETION_REQUESTED: Status.IN_PROGRESS},
    Action.SUSPEND: {s: Status.SUSPENDED for s in _in(OPEN)},
    Action.RESUME: {Status.SUSPENDED: SUSPENDED_STATE},
    Action.CANCEL: {**{s: Status.CANCELLED for s in _in(OPEN)}, Status.SUSPENDED: Status.CANCELLED},
    # Actions that act on a task without moving it.
    Action.DECOMPOSE: {s: None for s in (Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS)},
    Action.URGE: {s: None for s in _in(WORKING)},
    Action.ESCALATE: {s: None for s in _in(WORKING)},
    # A unit asks while the task is in its hands; the office reassigns a task a unit holds.
    Action.REQUEST_EXTENSION: {s: None for s in _in(IN_UNIT_HANDS)},
    Action.REQUEST_RETURN: {s: None for s in _in(IN_UNIT_HANDS)},
    Action.REASSIGN: {s: Status.ASSIGNED for s in _in(IN_UNIT_HANDS)},
    # The lead unit asks a cooperating unit for its share; the answer is a report, so the task
    # must be in a state that takes reports.
    Action.ASK_FOR_INPUT: {Status.SIGNED: None, Status.IN_PROGRESS: None},
    Action.ADD_MILESTONE: {s: None for s in _in(frozenset({Status.DRAFT, *IN_UNIT_HANDS}))},
    # Completing one is reported, so it moves the task as a report does.
    Action.COMPLETE_MILESTONE: {Status.SIGNED: Status.IN_PROGRESS, Status.IN_PROGRESS: None},
    Action.PLAN_INDICATORS: {s: None for s in _in(frozenset({Status.DRAFT, *IN_UNIT_HANDS}))},
    Action.RECORD_ACTUALS: {s: None for s in _in(WORKING)},
    # A leader instructs on any task a unit can see; the office edits a task until it is finished.
    Action.INSTRUCT: {s: None for s in _in(UNIT_VISIBLE)},
    Action.UPDATE: {s: None for s in Status.values if s not in FINISHED},
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if status in moves]


def next_status(status: str, action: str, status_before_suspension: str = "") -> str:
    """The status after `action`, or TransitionError naming the state and the action."""
    moves = TRANSITIONS.get(action, {})
    if status not in moves:
        raise TransitionError(
            gettext("Cannot %(action)s a task that is %(status)s.")
            % {"action": Action(action).label if action in Action.values else action,
               "status": Status(status).label}
        )
    target = moves[status]
    if target is None:
        return status
    if target is SUSPENDED_STATE:
        return status_before_suspension or Status.ASSIGNED
    return str(target)
