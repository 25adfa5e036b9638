"""The JSON API (v1): thin handlers over the same services and permissions as the web pages.

Each handler: the token's user → the access helper (permissions.get_task_for_user, which
says 404 for "not yours" as for "not there") → one service call → the resource as JSON.
Errors of the services become JSON errors in one place (the handlers at the end). The
OpenAPI schema at /api/openapi.json is generated from the signatures and luoshi/api/schemas.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pydantic
import pydantic_core
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Path, Query, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from luoshi.accounts.models import User
from luoshi.api import schemas as s
from luoshi.api import services as tokens
from luoshi.api.ratelimit import RateLimited, check_rate
from luoshi.leaders import services as leader_services
from luoshi.leaders.models import InstructionDocument
from luoshi.lib import ConflictError, Forbidden, InvalidInput, NotFound, TransitionError
from luoshi.lib.files import StoreUnavailable
from luoshi.meetings.models import AgendaItem, Directive, Meeting, PriorityArea
from luoshi.meetings.services import may_read_meetings
from luoshi.taskrequests import services as unit_requests
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks import lights, services
from luoshi.tasks.ledger import LedgerQuery, TaskRow, UnitName, ledger_counts, task_rows
from luoshi.tasks.models import (
    Escalation,
    Indicator,
    IndicatorPoint,
    Instruction,
    Milestone,
    ProgressReport,
    Task,
    Urge,
)
from luoshi.tasks.permissions import get_task_for_user, may_offer, visible_tasks
from luoshi.units.models import Unit

MAX_ID = 2**63 - 1  # the largest id a database integer holds; more would be a server error
MAX_PAGE = 100_000
ERRORS = frozenset({400, 401, 404, 409, 412, 422, 429})
LIST_ERRORS = frozenset({401, 404, 422, 429})


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` → the token's user, counted against the rate."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = tokens.authenticate(token.strip())
        if found is None:
            return None
        check_rate(f"user:{found.user_id}")  # per person, however many tokens they make
        request.api_token = found  # type: ignore[attr-defined]  # django-stubs: HttpRequest declares no api_token; the token is kept on the request for the views
        return found.user


DESCRIPTION = """The JSON API of Luoshi (落实). Every call needs a personal token, created on
the page /api/tokens/ and sent as `Authorization: Bearer <token>`. The API applies the same
permissions and services as the web pages: a task you may not see is 404, as if it did not
exist. Errors are JSON: `{"error": code, "message": text}`.

A task's `ETag` is its version. Send it back as `If-Match` on an action to refuse the
action (412) if somebody changed the task in the meantime; without `If-Match` the action
applies to the task as it is. See docs/api.md."""

class JSON(JSONRenderer):
    """Answers written by pydantic-core, which already validates each of them against its
    schema: faster than the json module with Django's encoder (bench/FIGURES.md). Text is plain UTF-8 (not escaped), times keep their microseconds;
    anything pydantic does not know (lazy translations) goes through Django's encoder."""

    fallback = NinjaJSONEncoder().default

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return pydantic_core.to_json(data, fallback=self.fallback)


api = NinjaAPI(
    title="Luoshi API", version="1", description=DESCRIPTION, urls_namespace="api",
    openapi_url="/openapi.json", docs_url="/docs", docs=Swagger(settings={"validatorUrl": None}),
    auth=BearerToken(), renderer=JSON(),
)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]  # django-ninja sets it; HttpRequest's stub has no such attribute


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return _absolute(request, f"{request.path}?{query.urlencode()}")


def _page_links(request: HttpRequest, page: int, page_size: int, count: int) -> dict[str, str | None]:
    return {
        "next": _page_link(request, page + 1) if page * page_size < count else None,
        "previous": _page_link(request, min(page - 1, max(1, -(-count // page_size)))) if page > 1 else None,
    }


def _unit(unit: Unit | UnitName) -> dict[str, str]:
    return {"code": unit.code, "name": unit.name}


def _by(user: User | None) -> str | None:
    return None if user is None else str(user)


# --- me and units -----------------------------------------------------------------------------


@api.get("/v1/me", response={200: s.MeOut, LIST_ERRORS: s.ErrorOut}, tags=["account"], operation_id="me")
def me(request: HttpRequest) -> dict[str, Any]:
    """The user the token belongs to."""
    user = _user(request)
    return {"username": user.username, "name": str(user), "role": user.role, "role_label": user.get_role_display(),
            "unit": _unit(user.unit) if user.unit else None, "reads_everything": user.reads_everything}


@api.get("/v1/units", response={200: list[s.UnitOut], LIST_ERRORS: s.ErrorOut}, tags=["units"],
         operation_id="units_list")
def list_units(request: HttpRequest) -> list[dict[str, Any]]:
    """Every unit of the tree (province → departments and cities → counties), by path."""
    rows = Unit.objects.order_by("path").values("code", "name_zh", "name_en", "kind", "parent__code", "path")
    return [{**{k: v for k, v in row.items() if k != "parent__code"}, "parent": row["parent__code"]} for row in rows]


# --- tasks ----------------------------------------------------------------------------------------


def _task_urls(request: HttpRequest) -> Callable[[int], str]:
    """The absolute API address of any task, for lists: one reverse() and one host check."""
    origin = _absolute(request, "/").removesuffix("/")
    return lambda pk: origin + reverse("api:task", args=[pk])


def _task_summary(request: HttpRequest, task: TaskRow, url: Callable[[int], str] | None = None) -> dict[str, Any]:
    return {
        "id": task.pk, "url": (url or _task_urls(request))(task.pk),
        "title": task.title, "status": task.status, "light": task.light or None,
        "light_reason": _light_reason(task), "progress": task.progress,
        "deadline": task.deadline, "lead_unit": _unit(task.lead_unit),
        "cooperating_units": [_unit(u) for u in task.cooperating_units],
        "person_responsible": task.person_responsible, "parent": task.parent_id,
        "directive": task.directive_id, "version": task.version, "updated_at": task.updated_at,
    }


def _light_reason(task: TaskRow) -> dict[str, Any] | None:
    reason = task.light_reason
    return None if reason is None else {"rule": reason.rule, "text": lights.describe(reason), "by": reason.amount}


def _lookup(model: Any, message: str, **where: Any) -> Any:
    found = model.objects.filter(**where).first()
    if found is None:
        raise InvalidInput(message)
    return found


@api.get("/v1/tasks", response={200: s.TaskPage, LIST_ERRORS: s.ErrorOut}, tags=["tasks"], operation_id="tasks_list")
def list_tasks(
    request: HttpRequest,
    unit: str | None = Query(None, max_length=40, description="Lead unit code; its sub-units are included."),
    status: s.StatusName | None = None,
    light: s.LightName | None = None,
    area: str | None = Query(None, max_length=40, description="Priority area code."),
    meeting: int | None = Query(None, ge=1, le=MAX_ID, description="Meeting id."),
    source: s.SourceName | None = None,
    deadline_from: dt.date | None = None,
    deadline_to: dt.date | None = None,
    q: str = Query("", max_length=200, description="Words in the title or description."),
    sort: s.SortName = "deadline",
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """The tasks the user may see that pass the ledger's filters, a page at a time."""
    user = _user(request)
    if deadline_from and deadline_to and deadline_from > deadline_to:
        raise InvalidInput(_("“Due from” is after “Due by”: no task can match."))
    query = LedgerQuery(
        unit=_lookup(Unit, _("There is no unit with the code %(value)s.") % {"value": unit}, code=unit) if unit else None,
        status=status or "", light=light or "",
        area=_lookup(PriorityArea, _("There is no priority area with the code %(value)s.") % {"value": area},
                     code=area) if area else None,
        meeting=_lookup(Meeting, _("There is no meeting number %(value)s.") % {"value": meeting},
                        pk=meeting) if meeting else None,
        source=source or "",
        deadline_from=deadline_from, deadline_to=deadline_to, q=_clean(q).strip(), sort=sort,
    )
    counts = ledger_counts(user, query)
    start = (page - 1) * page_size
    rows = task_rows(query.tasks_for(user)[start:start + page_size]) if start < counts.total else []
    url = _task_urls(request)
    return {
        "count": counts.total, "lights": {**counts.lights, "unlit": counts.unlit},
        "page": page, "page_size": page_size, **_page_links(request, page, page_size, counts.total),
        "results": [_task_summary(request, task, url) for task in rows],
    }


def _clean(text: str) -> str:
    if "\x00" in text:
        raise InvalidInput(_("The text contains a NUL character."))
    return text


def _indicator(indicator: Indicator) -> dict[str, Any]:
    points = list(indicator.points.all())  # prefetched, in day order
    return {"id": indicator.pk, "name": indicator.name, "measure": indicator.measure,
            "baseline": float(indicator.baseline), "target": float(indicator.target), "lag": indicator.lag,
            "plan": [{"day": p.day, "value": float(p.value)} for p in points if p.kind == IndicatorPoint.Kind.PLAN],
            "actuals": [{"day": p.day, "value": float(p.value)} for p in points if p.kind == IndicatorPoint.Kind.ACTUAL]}


def _task_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = _user(request)
    children = Task.objects.select_related("lead_unit").prefetch_related("cooperating_units").order_by("deadline", "id")
    reports = ProgressReport.objects.select_related("unit", "author").prefetch_related("evidence")
    task = Task.objects.select_related("lead_unit", "directive").prefetch_related(
        "cooperating_units", "priority_areas", "milestones", "indicators__points", Prefetch("children", queryset=children),
        Prefetch("reports", queryset=reports),
        Prefetch("urges", queryset=Urge.objects.select_related("by", "to_unit")),
        Prefetch("escalations", queryset=Escalation.objects.select_related("by")),
        Prefetch("instructions", queryset=Instruction.objects.select_related("by")),
    ).get(pk=pk)
    directive = task.directive
    return {
        **_task_summary(request, TaskRow.of(task)),
        "description": task.description, "cadence": task.cadence, "blocked": task.blocked, "public": task.public,
        "weight": task.weight, "status_reason": task.status_reason,
        "priority_areas": [area.code for area in task.priority_areas.all()],
        "directive_detail": {"id": directive.pk, "meeting": directive.meeting_id, "text": directive.text}
        if directive else None,
        "children": [_task_summary(request, TaskRow.of(child)) for child in task.children.all()],
        "milestones": [{"id": m.pk, "title": m.title, "due": m.due, "done_at": m.done_at} for m in task.milestones.all()],
        "input_requests": [{"id": i.request.pk, "unit": i.request.to_unit.code, "text": i.request.text,
                            "due": i.request.due, "asked_at": i.request.asked_at,
                            "answered_by_report": i.answer.pk if i.answer else None, "late": i.late}
                           for i in unit_requests.input_requests(task)],
        "indicators": [_indicator(i) for i in task.indicators.all()], "grade": task.grade,
        "assigned_at": task.assigned_at, "signed_at": task.signed_at, "completed_at": task.completed_at,
        "last_report_at": task.last_report_at, "created_at": task.created_at,
        "reports": [{
            "id": r.pk, "unit": _unit(r.unit), "author": str(r.author), "period": r.period, "text": r.text,
            "progress": r.progress, "asks_completion": r.asks_completion, "submitted_at": r.submitted_at,
            "outcome": r.outcome, "review_note": r.review_note,
            "evidence": [{"id": e.pk, "name": e.original_name, "size": e.size, "content_type": e.content_type}
                         for e in r.evidence.all()],
        } for r in task.reports.all()],
        "urges": [{"id": u.pk, "by": _by(u.by), "to_unit": _unit(u.to_unit), "text": u.text,
                   "created_at": u.created_at} for u in task.urges.all()],
        "escalations": [{"id": e.pk, "by": _by(e.by), "level": e.level, "reason": e.reason,
                         "created_at": e.created_at} for e in task.escalations.all()],
        "instructions": [{"id": i.pk, "by": str(i.by), "text": i.text, "created_at": i.created_at}
                         for i in task.instructions.all()],
        "actions": [name for name in TASK_ACTIONS if may_offer(user, name, task)],
    }


def _etag(version: int) -> str:
    return f'"{version}"'


def _with_etag(request: HttpRequest, response: HttpResponse, pk: int) -> dict[str, Any]:
    detail = _task_detail(request, pk)
    response["ETag"] = _etag(detail["version"])
    return detail


TASK_ID = Path(..., ge=1, le=MAX_ID, description="The task's id.")
ETAG_HEADER = {"ETag": {"description": "The task's version, quoted; send it back as If-Match.",
                        "schema": {"type": "string"}}}


@api.get("/v1/tasks/{id}", response={200: s.TaskDetail, LIST_ERRORS: s.ErrorOut}, tags=["tasks"],
         operation_id="task", url_name="task", openapi_extra={"responses": {200: {"headers": ETAG_HEADER}}})
def task_detail(request: HttpRequest, response: HttpResponse, id: int = TASK_ID) -> dict[str, Any]:  # noqa: A002
    """One task with its sub-tasks, reports, urges, escalations and instructions, and the
    actions the user may take on it now. 404 when the user may not see it."""
    task = get_task_for_user(_user(request), id)
    return _with_etag(request, response, task.pk)


# --- actions on a task ---------------------------------------------------------------------------

TASK_ACTIONS = ("assign", "sign", "report", "request_completion", "approve", "return", "urge", "escalate",
                "instruct", "suspend", "resume", "cancel", "request_extension", "request_return", "reassign",
                "add_milestone", "complete_milestone", "ask_for_input")
IF_MATCH = Header(None, alias="If-Match", description='The task\'s ETag (its version, like "3"): the action is '
                  "refused with 412 if the task has changed since. Optional: without it the action applies "
                  "to the task as it is now.")


def _versions(if_match: str | None) -> list[int] | None:
    """The versions an If-Match header names; None when it sets no condition (absent or *)."""
    if if_match is None or if_match.strip() == "*":
        return None
    versions = []
    for tag in if_match.split(","):
        tag = tag.strip()
        inner = tag[1:-1] if len(tag) >= 2 and tag[0] == tag[-1] == '"' else tag
        if inner.isascii() and inner.isdigit() and len(inner) < 19:
            versions.append(int(inner))
    return versions


def _act(request: HttpRequest, response: HttpResponse, pk: int, action: str, if_match: str | None,
         call: Callable[[User, Task, int | None], object]) -> dict[str, Any]:
    """Find the task (404 unless the user may take `action` on it), check If-Match against
    its version, run the one service, and answer with the task as it now is."""
    user = _user(request)
    task = get_task_for_user(user, pk, action)
    versions = _versions(if_match)
    if versions is not None and task.version not in versions:
        raise ConflictError(_("The task has changed since you read it: it is now version %(now)s, and If-Match "
                              "named %(yours)s. Read it again and retry.")
                            % {"now": task.version, "yours": if_match})
    # The service checks the version again under its row lock, so a change that lands
    # between this read and the write is refused too.
    call(user, task, task.version if versions is not None else None)
    return _with_etag(request, response, task.pk)


def _units_by_code(codes: list[str]) -> list[Unit]:
    found = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(found))
    if missing:
        raise InvalidInput(_("There is no unit with the code %(value)s.") % {"value": ", ".join(missing)})
    return [found[code] for code in dict.fromkeys(codes)]


def _action_route(name: str, summary: str, **extra: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return api.post(f"/v1/tasks/{{id}}/{name}", response={200: s.TaskDetail, ERRORS: s.ErrorOut}, tags=["task actions"],
                    operation_id=f"task_{name}", summary=summary,
                    openapi_extra={"responses": {200: {"headers": ETAG_HEADER}}, **extra.pop("openapi_extra", {})},
                    **extra)


@_action_route("assign", "Assign a draft task to its lead unit (交办)")
def assign(request: HttpRequest, response: HttpResponse, payload: s.AssignIn, id: int = TASK_ID,  # noqa: A002
           if_match: str | None = IF_MATCH) -> dict[str, Any]:
    lead = _units_by_code([payload.lead_unit])[0] if payload.lead_unit else None
    cooperating = _units_by_code(payload.cooperating_units) if payload.cooperating_units is not None else None
    return _act(request, response, id, "assign", if_match, lambda user, task, version: services.assign_task(
        user, task, lead_unit=lead, cooperating_units=cooperating, person_responsible=payload.person_responsible,
        deadline=payload.deadline, cadence=payload.cadence, nodes=payload.nodes, expected_version=version))


@_action_route("sign", "Sign for a task as its lead unit (签收)")
def sign(request: HttpRequest, response: HttpResponse, id: int = TASK_ID,  # noqa: A002
         if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "sign", if_match,
                lambda user, task, version: services.sign_task(user, task, expected_version=version))


def _body_with_files(request: HttpRequest, schema: type[pydantic.BaseModel]) -> tuple[Any, list[Any]]:
    """A JSON body, or a multipart form with the same fields and evidence in `files`."""
    if request.content_type == "multipart/form-data":
        try:
            data: Any = {name: request.POST[name] for name in schema.model_fields if name in request.POST}
            files = request.FILES.getlist("files")
        except MultiPartParserError:
            raise HttpError(400, "multipart") from None
    else:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise HttpError(400, "json") from None
        files = []
    try:
        return schema.model_validate(data), files
    except pydantic.ValidationError as error:
        raise ValidationError([dict(e) for e in error.errors(include_url=False, include_context=False)]) from None


def _body_with_files_schema(schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    json_schema = schema.model_json_schema()
    form_schema = {**json_schema, "properties": {
        **json_schema["properties"],
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": "Evidence files (see LUOSHI_MAX_UPLOAD_MB and the accepted types)."},
    }}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": json_schema},
        "multipart/form-data": {"schema": form_schema},
    }}}


@_action_route("report", "Report progress (进展反馈), with evidence files if sent as multipart",
               openapi_extra=_body_with_files_schema(s.ReportIn))
def report(request: HttpRequest, response: HttpResponse, id: int = TASK_ID,  # noqa: A002
           if_match: str | None = IF_MATCH) -> dict[str, Any]:
    payload, files = _body_with_files(request, s.ReportIn)
    return _act(request, response, id, "report", if_match, lambda user, task, version: services.report_progress(
        user, task, text=_clean(payload.text), progress=payload.progress, period=_clean(payload.period),
        files=files, expected_version=version, actuals=payload.actuals))


@_action_route("request_completion", "Ask the office to close the task (申请办结)",
               openapi_extra=_body_with_files_schema(s.CompletionIn))
def request_completion(request: HttpRequest, response: HttpResponse, id: int = TASK_ID,  # noqa: A002
                       if_match: str | None = IF_MATCH) -> dict[str, Any]:
    payload, files = _body_with_files(request, s.CompletionIn)
    return _act(request, response, id, "request_completion", if_match,
                lambda user, task, version: services.request_completion(
                    user, task, text=_clean(payload.text), files=files, expected_version=version))


@_action_route("approve", "Approve completion (办结)")
def approve(request: HttpRequest, response: HttpResponse, payload: s.ApproveIn, id: int = TASK_ID,  # noqa: A002
            if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "approve", if_match, lambda user, task, version: services.approve_completion(
        user, task, grade=payload.grade, note=_clean(payload.note), expected_version=version))


@_action_route("return", "Return a completion request for more work (退回)")
def return_(request: HttpRequest, response: HttpResponse, payload: s.ReasonIn, id: int = TASK_ID,  # noqa: A002
            if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "return", if_match, lambda user, task, version: services.return_task(
        user, task, reason=_clean(payload.reason), expected_version=version))


@_action_route("request_extension", "Ask the office for a later deadline (申请延期)")
def request_extension(request: HttpRequest, response: HttpResponse, payload: s.ExtensionIn, id: int = TASK_ID,  # noqa: A002
                      if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "request_extension", if_match, lambda user, task, version:
                unit_requests.request_extension(user, task, deadline=payload.deadline, reason=_clean(payload.reason)))


@_action_route("request_return", "Hand a task back to the office: not this unit's (退回)")
def request_return(request: HttpRequest, response: HttpResponse, payload: s.HandBackIn, id: int = TASK_ID,  # noqa: A002
                   if_match: str | None = IF_MATCH) -> dict[str, Any]:
    suggested = _units_by_code([payload.suggested_unit])[0] if payload.suggested_unit else None
    return _act(request, response, id, "request_return", if_match, lambda user, task, version:
                unit_requests.request_return(user, task, reason=_clean(payload.reason), suggested_unit=suggested))


@_action_route("reassign", "Give the task to another lead unit, which signs for it again (改派)")
def reassign(request: HttpRequest, response: HttpResponse, payload: s.ReassignIn, id: int = TASK_ID,  # noqa: A002
             if_match: str | None = IF_MATCH) -> dict[str, Any]:
    lead = _units_by_code([payload.lead_unit])[0]
    cooperating = _units_by_code(payload.cooperating_units) if payload.cooperating_units is not None else None
    return _act(request, response, id, "reassign", if_match, lambda user, task, version: services.reassign_task(
        user, task, lead_unit=lead, cooperating_units=cooperating, reason=_clean(payload.reason),
        expected_version=version))


@_action_route("ask_for_input", "Ask a cooperating unit for its share, by a date (the lead unit; 协办反馈)")
def ask_for_input(request: HttpRequest, response: HttpResponse, payload: s.InputIn, id: int = TASK_ID,  # noqa: A002
                  if_match: str | None = IF_MATCH) -> dict[str, Any]:
    unit = _units_by_code([payload.unit])[0]
    return _act(request, response, id, "ask_for_input", if_match, lambda user, task, version:
                unit_requests.ask_for_input(user, task, unit=unit, due=payload.due, text=_clean(payload.text)))


@_action_route("milestones", "Add a milestone (反馈节点) to the task")
def add_milestone(request: HttpRequest, response: HttpResponse, payload: s.MilestoneIn, id: int = TASK_ID,  # noqa: A002
                  if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "add_milestone", if_match, lambda user, task, version: services.add_milestone(
        user, task, title=_clean(payload.title), due=payload.due))


@api.post("/v1/milestones/{id}/complete", response={200: s.TaskDetail, ERRORS: s.ErrorOut}, tags=["task actions"],
          operation_id="milestone_complete", summary="Mark a milestone done, with a progress report (the lead unit)",
          openapi_extra={"responses": {200: {"headers": ETAG_HEADER}}})
def complete_milestone(request: HttpRequest, response: HttpResponse, payload: s.MilestoneDoneIn,
                       id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:  # noqa: A002
    milestone = Milestone.objects.filter(pk=id).first()
    if milestone is None:
        raise NotFound("milestone")
    return _act(request, response, milestone.task_id, "complete_milestone", None, lambda user, task, version:
                services.complete_milestone(user, milestone, text=_clean(payload.text)))


def _task_request(item: TaskRequest) -> dict[str, Any]:
    return {"id": item.pk, "task": item.task_id, "kind": item.kind, "state": item.state, "unit": item.unit.code,
            "requested_at": item.requested_at, "reason": item.reason, "deadline_before": item.deadline_before,
            "requested_deadline": item.requested_deadline,
            "suggested_unit": item.suggested_unit.code if item.suggested_unit else None,
            "granted_deadline": item.granted_deadline, "decision_note": item.decision_note}


@api.get("/v1/requests", response={200: list[s.TaskRequestOut], LIST_ERRORS: s.ErrorOut}, tags=["task actions"],
         operation_id="requests_waiting", summary="Requests from units waiting for the token's user to decide")
def requests_waiting(request: HttpRequest) -> list[dict[str, Any]]:
    return [_task_request(item) for item in unit_requests.waiting_for(_user(request))[:500]]


@api.post("/v1/requests/{id}/decide", response={200: s.TaskRequestOut, ERRORS: s.ErrorOut}, tags=["task actions"],
          operation_id="request_decide", summary="Approve or refuse a unit's extension request or hand-back")
def request_decide(request: HttpRequest, payload: s.DecisionIn, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:  # noqa: A002
    user = _user(request)
    item = TaskRequest.objects.select_related("task").filter(pk=id).first()
    if item is None:
        raise NotFound("request")
    get_task_for_user(user, item.task_id, "reassign")  # 404 unless the user supervises the task
    approve = payload.decision == "approve"
    if item.kind == TaskRequest.Kind.EXTENSION:
        item = unit_requests.decide_extension(user, item, approve=approve, deadline=payload.deadline,
                                              note=_clean(payload.note))
    else:
        lead = _units_by_code([payload.lead_unit])[0] if payload.lead_unit else None
        cooperating = _units_by_code(payload.cooperating_units) if payload.cooperating_units is not None else None
        item = unit_requests.decide_return(user, item, accept=approve, lead_unit=lead, cooperating_units=cooperating,
                                           note=_clean(payload.note))
    return _task_request(TaskRequest.objects.select_related("unit", "suggested_unit").get(pk=item.pk))


@_action_route("urge", "Urge the lead unit (催办)")
def urge(request: HttpRequest, response: HttpResponse, payload: s.TextIn, id: int = TASK_ID,  # noqa: A002
         if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "urge", if_match,
                lambda user, task, version: services.urge_task(user, task, text=_clean(payload.text)))


@_action_route("escalate", "Escalate supervision a level (提级督办)")
def escalate(request: HttpRequest, response: HttpResponse, payload: s.EscalateIn, id: int = TASK_ID,  # noqa: A002
             if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "escalate", if_match, lambda user, task, version: services.escalate_task(
        user, task, level=payload.level, reason=_clean(payload.reason)))


@_action_route("instruct", "Write a leader's instruction (批示)")
def instruct(request: HttpRequest, response: HttpResponse, payload: s.TextIn, id: int = TASK_ID,  # noqa: A002
             if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "instruct", if_match,
                lambda user, task, version: services.write_instruction(user, task, text=_clean(payload.text)))


@_action_route("suspend", "Suspend a task, with a reason")
def suspend(request: HttpRequest, response: HttpResponse, payload: s.ReasonIn, id: int = TASK_ID,  # noqa: A002
            if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "suspend", if_match, lambda user, task, version: services.suspend_task(
        user, task, reason=_clean(payload.reason), expected_version=version))


@_action_route("resume", "Resume a suspended task")
def resume(request: HttpRequest, response: HttpResponse, id: int = TASK_ID,  # noqa: A002
           if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "resume", if_match,
                lambda user, task, version: services.resume_task(user, task, expected_version=version))


@_action_route("cancel", "Cancel a task, with a reason")
def cancel(request: HttpRequest, response: HttpResponse, payload: s.ReasonIn, id: int = TASK_ID,  # noqa: A002
           if_match: str | None = IF_MATCH) -> dict[str, Any]:
    return _act(request, response, id, "cancel", if_match, lambda user, task, version: services.cancel_task(
        user, task, reason=_clean(payload.reason), expected_version=version))


# --- meetings -----------------------------------------------------------------------------------


def _require_meeting_reader(user: User) -> None:
    if not may_read_meetings(user):
        raise NotFound("meeting")


def _meeting_summary(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk, "url": _absolute(request, reverse("api:meeting", kwargs={"id": meeting.pk})),
        "kind": meeting.kind, "title": meeting.title, "number": meeting.number, "date": meeting.date,
        "chair_name": meeting.chair_name, "chair_title": meeting.chair_title, "place": meeting.place,
        "status": meeting.status, "directive_count": meeting.directive_count,  # type: ignore[attr-defined]  # django-stubs: an annotate() count is not on the Meeting type
    }


@api.get("/v1/meetings", response={200: s.MeetingPage, LIST_ERRORS: s.ErrorOut}, tags=["meetings"],
         operation_id="meetings_list")
def list_meetings(
    request: HttpRequest,
    kind: str | None = Query(None, max_length=20),
    status: str | None = Query(None, max_length=20),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = Query("", max_length=200, description="Words in the title, the chair's name or the readout."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """Meetings, newest first. 404 for the administrators, who read no business data."""
    _require_meeting_reader(_user(request))
    meetings = Meeting.objects.all()
    if q.strip():
        text = _clean(q).strip()
        meetings = meetings.filter(Q(title__icontains=text) | Q(chair_name__icontains=text) | Q(readout__icontains=text))
    if kind:
        meetings = meetings.filter(kind=kind)
    if status:
        meetings = meetings.filter(status=status)
    if date_from:
        meetings = meetings.filter(date__gte=date_from)
    if date_to:
        meetings = meetings.filter(date__lte=date_to)
    count = meetings.count()
    start = (page - 1) * page_size
    rows = (meetings.defer("readout", "attendees").annotate(directive_count=Count("directives"))
            .order_by("-date", "-id")[start:start + page_size]) if start < count else []
    return {"count": count, "page": page, "page_size": page_size, **_page_links(request, page, page_size, count),
            "results": [_meeting_summary(request, meeting) for meeting in rows]}


def _span(obj: Any) -> dict[str, int] | None:
    if obj.span_start is None or obj.span_end is None:
        return None
    return {"start": obj.span_start, "end": obj.span_end}


@api.get("/v1/meetings/{id}", response={200: s.MeetingDetail, LIST_ERRORS: s.ErrorOut}, tags=["meetings"],
         operation_id="meeting", url_name="meeting")
def meeting_detail(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:  # noqa: A002
    """A meeting with its readout, agenda items and directives (with the characters of the
    readout each came from) and the top-level tasks from each directive the user may see."""
    user = _user(request)
    _require_meeting_reader(user)
    tasks = visible_tasks(user).filter(parent__isnull=True).only("id", "directive_id").order_by("id")
    try:
        meeting = Meeting.objects.annotate(directive_count=Count("directives")).prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("presenting_unit").order_by("order")),
            Prefetch("directives", queryset=Directive.objects.order_by("order").prefetch_related(
                "priority_areas", Prefetch("tasks", queryset=tasks))),
        ).get(pk=id)
    except Meeting.DoesNotExist:
        raise NotFound("meeting") from None
    return {
        **_meeting_summary(request, meeting), "attendees": meeting.attendees, "readout": meeting.readout,
        "created_at": meeting.created_at,
        "agenda_items": [{
            "id": item.pk, "order": item.order, "kind": item.kind, "title": item.title, "outcome": item.outcome,
            "presenting_unit": _unit(item.presenting_unit) if item.presenting_unit else None, "span": _span(item),
        } for item in meeting.agenda_items.all()],
        "directives": [{
            "id": d.pk, "order": d.order, "text": d.text, "agenda_item": d.agenda_item_id,
            "priority_areas": [area.code for area in d.priority_areas.all()], "span": _span(d),
            "tasks": [task.pk for task in d.tasks.all()],
        } for d in meeting.directives.all()],
    }


# --- leaders' instructions (批示件) ------------------------------------------------------------------


def _instruction_summary(request: HttpRequest, document: InstructionDocument) -> dict[str, Any]:
    return {
        "id": document.pk, "url": _absolute(request, reverse("api:instruction", kwargs={"id": document.pk})),
        "leader": document.leader_label, "date": document.date, "title": document.title,
        "lead_unit": _unit(document.lead_unit), "reply_due": document.reply_due, "reply_state": document.reply_state,
    }


@api.get("/v1/instructions", response={200: s.InstructionPage, LIST_ERRORS: s.ErrorOut}, tags=["instructions"],
         operation_id="instructions_list")
def list_instructions(
    request: HttpRequest,
    reply_state: str | None = Query(None, max_length=20, description="awaiting_draft, drafted, approved or sent."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """The leaders' instruction documents the user may read, newest first: every one for the
    office and the leaders, those naming their unit for a liaison, none for anybody else."""
    documents = leader_services.visible_documents(_user(request))
    if reply_state:
        documents = documents.filter(reply_state=reply_state)
    count = documents.count()
    start = (page - 1) * page_size
    rows = (documents.select_related("leader", "lead_unit").order_by("-date", "-id")[start:start + page_size]
            if start < count else [])
    return {"count": count, "page": page, "page_size": page_size, **_page_links(request, page, page_size, count),
            "results": [_instruction_summary(request, document) for document in rows]}


@api.get("/v1/instructions/{id}", response={200: s.InstructionDetail, LIST_ERRORS: s.ErrorOut},
         tags=["instructions"], operation_id="instruction", url_name="instruction")
def instruction_detail(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:  # noqa: A002
    """An instruction document with its reply and the top-level tasks from it the user may see."""
    user = _user(request)
    document = leader_services.get_document_for_user(user, id)
    tasks = visible_tasks(user).filter(instruction_document=document, parent__isnull=True).order_by("id")
    return {
        **_instruction_summary(request, document), "text": document.text,
        "units": [_unit(unit) for unit in document.units.order_by("path")],
        "priority_areas": [area.code for area in document.priority_areas.order_by("code")],
        "reply_text": document.reply_text, "sent_at": document.sent_at,
        "tasks": list(tasks.values_list("pk", flat=True)),
    }


# --- errors -----------------------------------------------------------------------------------------


def error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"error": code, "message": message, **extra}, status=status)


@api.exception_handler(NotFound)
@api.exception_handler(Forbidden)
@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # "Not yours" reads exactly like "not there".
    return error(request, 404, "not_found", _("Not found, or not yours to see."))


@api.exception_handler(TransitionError)
def _transition(request: HttpRequest, exc: TransitionError) -> HttpResponse:
    return error(request, 422, "invalid_transition", str(exc))


@api.exception_handler(InvalidInput)
def _invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return error(request, 422, "invalid_input", str(exc))


@api.exception_handler(StoreUnavailable)
def _store_unavailable(request: HttpRequest, exc: StoreUnavailable) -> HttpResponse:
    # The file store did not answer or refused: nothing was saved; the same call may work later.
    response = error(request, 503, "store_unavailable", str(exc))
    response["Retry-After"] = "60"
    return response


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    # With If-Match the client stated a version, and the task is no longer at it.
    if "If-Match" in request.headers:
        return error(request, 412, "precondition_failed", str(exc))
    return error(request, 409, "conflict", str(exc))


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [{"location": [str(part) for part in e.get("loc", ())], "message": str(e.get("msg", ""))}
               for e in exc.errors]
    first = details[0] if details else {"location": [], "message": ""}
    where = ".".join(part for part in first["location"] if part not in {"body", "payload", "query", "path", "header"})
    return error(request, 422, "invalid_input",
                 _("The request is not valid: %(where)s: %(problem)s") % {"where": where or "?", "problem": first["message"]},
                 details=details)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(request, 401, "unauthorized",
                     _("Send a valid API token as “Authorization: Bearer <token>”; this one is missing, "
                       "unknown or revoked."))
    response["WWW-Authenticate"] = 'Bearer realm="luoshi"'
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error(request, 429, "rate_limited",
                     _("Too many requests with this token; try again in %(seconds)s seconds.")
                     % {"seconds": exc.retry_after})
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return error(request, 400, "bad_request",
                     _("The request body cannot be read: send JSON (or multipart/form-data where files are accepted)."))
    return error(request, exc.status_code, "error", str(exc))
