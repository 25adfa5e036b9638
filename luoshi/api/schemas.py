"""The shapes of the API's requests and responses; the OpenAPI schema is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from luoshi.tasks.ledger import SORTS
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Escalation, Task

# The values the API accepts, as Literals built from the models' choices, so the schema lists
# them. A type checker cannot read a Literal built at run time: to it they are plain values.
if TYPE_CHECKING:
    StatusName = str
    LightName = str
    CadenceName = str
    SortName = str
    SourceName = str
    EscalationLevel = int
else:
    StatusName = Literal[tuple(Status.values)]
    LightName = Literal[tuple(value for value in Task.Light.values if value)]
    CadenceName = Literal[tuple(Task.Cadence.values)]
    SortName = Literal[tuple(SORTS)]
    SourceName = Literal[tuple(Task.Source.values)]
    EscalationLevel = Literal[tuple(Escalation.Level.values)]

# --- errors ---------------------------------------------------------------------------------


class Out(BaseModel):
    """An answer built as dicts by the handlers: pydantic validates it directly. (ninja's
    Schema wraps every object it validates in an attribute getter for Django models; on a
    page of fifty tasks that wrapping cost more than the rest of the validation.)"""

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Schema):
    error: str = Field(description="A stable code: bad_request, unauthorized, not_found, conflict, "
                                   "precondition_failed, invalid_input, rate_limited, method_not_allowed.")
    message: str = Field(description="What went wrong, for people (in the request's language).")
    details: list[dict] | None = Field(None, description="Per-field problems of invalid input.")


# --- references -------------------------------------------------------------------------------


class UnitRef(Out):
    code: str
    name: str


class UnitOut(Schema):
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent: str | None = Field(description="The parent unit's code; null for the root.")
    path: str = Field(description="Codes from the root, like /LN/SY/SY-HP/.")


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    unit: UnitRef | None
    reads_everything: bool


# --- tasks --------------------------------------------------------------------------------------


class LightReasonOut(Out):
    rule: str = Field(description="The rule that set the light (docs/lights.md): blocked, overdue, behind_trajectory, "
                                  "<cadence>_report_late (e.g. monthly_report_late), behind_near_deadline, "
                                  "on_track, closed.")
    text: str = Field(description="The reason for people, in the request's language (e.g. “monthly report 3 days late”).")
    by: int | None = Field(description="By how much: days (overdue, report late) or points of progress (behind); "
                                       "null for the rules without an amount.")


class TaskSummary(Out):
    id: int
    url: str
    title: str
    status: StatusName
    light: LightName | None = Field(description="null for a task whose status has no light: a draft, "
                                                "suspended, completed or cancelled task.")
    light_reason: LightReasonOut | None = Field(description="Why the task has its light; null when it has none.")
    progress: int
    deadline: dt.date | None
    lead_unit: UnitRef
    cooperating_units: list[UnitRef]
    person_responsible: str
    parent: int | None
    directive: int | None
    version: int
    updated_at: dt.datetime


class LightCountsOut(Out):
    red: int
    amber: int
    green: int
    unlit: int = Field(description="Tasks without a light (draft, suspended, completed, cancelled); "
                                   "red + amber + green + unlit = count.")


class TaskPage(Out):
    count: int = Field(description="Tasks that pass the filters, on every page.")
    lights: LightCountsOut
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[TaskSummary]


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class ReportOut(Schema):
    id: int
    unit: UnitRef
    author: str
    period: str
    text: str
    progress: int
    asks_completion: bool
    submitted_at: dt.datetime
    outcome: str
    review_note: str
    evidence: list[EvidenceOut]


class UrgeOut(Schema):
    id: int
    by: str | None
    to_unit: UnitRef
    text: str
    created_at: dt.datetime


class EscalationOut(Schema):
    id: int
    by: str | None
    level: int
    reason: str
    created_at: dt.datetime


class InstructionOut(Schema):
    id: int
    by: str
    text: str
    created_at: dt.datetime


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    done_at: dt.datetime | None


class IndicatorPointOut(Schema):
    day: dt.date
    value: float


class IndicatorOut(Schema):
    id: int
    name: str
    measure: str = Field(description="The unit of measure.")
    baseline: float
    target: float
    lag: int | None = Field(description="How far the latest actual is behind the planned trajectory, in percent of "
                                        "the planned change from the baseline; null before there is an actual.")
    plan: list[IndicatorPointOut] = Field(description="The planned trajectory: straight lines between these points.")
    actuals: list[IndicatorPointOut]


class DirectiveRef(Schema):
    id: int
    meeting: int
    text: str


class InputRequestOut(Schema):
    id: int
    unit: str = Field(description="The code of the cooperating unit asked.")
    text: str
    due: dt.date
    asked_at: dt.datetime
    answered_by_report: int | None = Field(description="The id of the unit's first report since it was asked.")
    late: bool


class TaskDetail(TaskSummary):
    description: str
    cadence: CadenceName
    blocked: bool
    public: bool
    weight: int
    status_reason: str
    priority_areas: list[str]
    directive_detail: DirectiveRef | None
    children: list[TaskSummary]
    milestones: list[MilestoneOut]
    input_requests: list[InputRequestOut] = Field(description="What the lead unit asked its cooperating units for.")
    indicators: list[IndicatorOut]
    grade: Literal["excellent", "good", "pass", "fail", ""] = Field(
        description="The closure grade given when the completion was approved; empty before.")
    assigned_at: dt.datetime | None
    signed_at: dt.datetime | None
    completed_at: dt.datetime | None
    last_report_at: dt.datetime | None
    created_at: dt.datetime
    reports: list[ReportOut]
    urges: list[UrgeOut]
    escalations: list[EscalationOut]
    instructions: list[InstructionOut]
    actions: list[str] = Field(description="The actions the token's user may take on the task now.")


# --- actions ------------------------------------------------------------------------------------


class AssignIn(Schema):
    lead_unit: str | None = Field(None, description="A unit code; omitted: keep the draft's lead unit.")
    cooperating_units: list[str] | None = Field(None, description="Unit codes; omitted: keep them.")
    person_responsible: str | None = Field(None, max_length=100)
    deadline: dt.date | None = Field(None, description="Required unless the draft has one.")
    cadence: CadenceName | None = None
    nodes: str = Field("", max_length=50, description="A feedback-node template (e.g. 1-3-7): milestones counted "
                       "in working days from today.")


class ReportIn(Schema):
    text: str = Field(min_length=1, max_length=20000)
    progress: int = Field(ge=0, le=100)
    period: str = Field("", max_length=20, description="For example 2024-05 or 2024-Q2.")
    actuals: dict[int, float] = Field(default_factory=dict, description="Indicator id → today's actual (the lead unit).")


class CompletionIn(Schema):
    text: str = Field(min_length=1, max_length=20000, description="A summary of the work done.")


class NoteIn(Schema):
    note: str = Field("", max_length=20000)


class ApproveIn(Schema):
    grade: Literal["excellent", "good", "pass", "fail"] = Field(description="The closure grade (优秀/良好/合格/不合格).")
    note: str = Field("", max_length=20000, description="The comment; required with the grade fail.")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=20000)


class ExtensionIn(Schema):
    deadline: dt.date = Field(description="The new deadline asked for: after the current one.")
    reason: str = Field(min_length=1, max_length=2000)


class InputIn(Schema):
    unit: str = Field(description="The code of one of the task's cooperating units.")
    due: dt.date = Field(description="When the share is needed: today or later.")
    text: str = Field(min_length=1, max_length=2000, description="What the lead unit needs from it.")


class HandBackIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    suggested_unit: str | None = Field(None, description="The code of the unit that should lead it, if known.")


class ReassignIn(Schema):
    lead_unit: str = Field(description="The code of the new lead unit.")
    cooperating_units: list[str] | None = Field(None, description="Unit codes; omitted: keep them.")
    reason: str = Field(min_length=1, max_length=2000)


class DecisionIn(Schema):
    decision: Literal["approve", "refuse"]
    deadline: dt.date | None = Field(None, description="An extension: the date granted; omitted: the date asked for.")
    lead_unit: str | None = Field(None, description="A hand-back approved: the code of the new lead unit.")
    cooperating_units: list[str] | None = Field(None, description="A hand-back approved: unit codes; omitted: keep them.")
    note: str = Field("", max_length=2000, description="Required when refusing.")


class TaskRequestOut(Schema):
    id: int
    task: int
    kind: Literal["extension", "return"]
    state: Literal["pending", "approved", "shortened", "refused", "withdrawn"]
    unit: str
    requested_at: dt.datetime
    reason: str
    deadline_before: dt.date | None
    requested_deadline: dt.date | None
    suggested_unit: str | None
    granted_deadline: dt.date | None
    decision_note: str


class MilestoneIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    due: dt.date = Field(description="On or before the task's deadline.")


class MilestoneDoneIn(Schema):
    text: str = Field(min_length=1, max_length=20000, description="What was done: sent as a progress report.")


class TextIn(Schema):
    text: str = Field(min_length=1, max_length=20000)


class EscalateIn(Schema):
    level: EscalationLevel = Field(description="1 unit liaison, 2 unit head and office, 3 leader.")
    reason: str = Field(min_length=1, max_length=20000)


class EmptyIn(Schema):
    pass


# --- meetings -----------------------------------------------------------------------------------


class MeetingSummary(Schema):
    id: int
    url: str
    kind: str
    title: str
    number: int | None
    date: dt.date | None
    chair_name: str
    chair_title: str
    place: str
    status: str
    directive_count: int


class MeetingPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[MeetingSummary]


class InstructionSummary(Schema):
    id: int
    url: str
    leader: str = Field(description="The leader's name (their account's, or as registered).")
    date: dt.date
    title: str
    lead_unit: UnitRef
    reply_due: dt.date
    reply_state: str = Field(description="awaiting_draft, drafted, approved or sent.")


class InstructionPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[InstructionSummary]


class InstructionDetail(InstructionSummary):
    text: str
    units: list[UnitRef] = Field(description="The other units named, besides the lead unit.")
    priority_areas: list[str]
    reply_text: str
    sent_at: dt.datetime | None
    tasks: list[int] = Field(description="Its top-level tasks the user may see.")


class Span(Schema):
    start: int
    end: int


class AgendaItemOut(Schema):
    id: int
    order: int
    kind: str
    title: str
    presenting_unit: UnitRef | None
    outcome: str
    span: Span | None = Field(description="Characters of the readout it came from.")


class DirectiveOut(Schema):
    id: int
    order: int
    text: str
    agenda_item: int | None
    priority_areas: list[str]
    span: Span | None = Field(description="Characters of the readout it came from.")
    tasks: list[int] = Field(description="Top-level tasks from this directive that the user may see.")


class MeetingDetail(MeetingSummary):
    attendees: str
    readout: str
    created_at: dt.datetime
    agenda_items: list[AgendaItemOut]
    directives: list[DirectiveOut]
