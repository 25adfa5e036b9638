"""Task pages: the ledger (台账) and its Excel export, the task page with its action forms,
and evidence downloads.

Each view: decorators → access helper → form → one service call through perform() →
redirect or render. With htmx the same view answers with a fragment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi import lib, security
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.checks.marks import marked_first
from luoshi.lib import NotFound, TransitionError, is_htmx, perform, signed_in
from luoshi.lib import files as filestore
from luoshi.meetings.services import may_read_meetings
from luoshi.notices.models import Notice
from luoshi.notices.services import number_of
from luoshi.tasks import forms, services
from luoshi.tasks.ledger import (
    PAGE_SIZE,
    CountedPaginator,
    ledger_counts,
    ledger_workbook,
    mark_overdue,
    task_rows,
    with_latest_report,
)
from luoshi.tasks.lifecycle import Action, Status, allowed_actions, next_status
from luoshi.tasks.models import (
    Escalation,
    Evidence,
    Instruction,
    ProgressReport,
    Task,
    Urge,
)
from luoshi.tasks.permissions import (
    TASK_RELATED,
    can,
    get_task_for_user,
    may_offer,
)


def _task_or_404(request: HttpRequest, pk: int | str) -> Task:
    try:
        return get_task_for_user(signed_in(request), pk)
    except NotFound:
        raise Http404 from None


# --- the ledger ------------------------------------------------------------------------------


@require_safe
@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    form = forms.LedgerFilterForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if not is_htmx(request):
        context["meetings"] = forms.meeting_suggestions() if may_read_meetings(signed_in(request)) else []
    status = 200
    if form.is_valid():
        query = form.query()
        tasks = query.tasks_for(signed_in(request))
        counts = ledger_counts(signed_in(request), query)
        page = CountedPaginator(tasks, PAGE_SIZE, counts.total).get_page(request.GET.get("page"))
        page.object_list = mark_overdue(task_rows(page.object_list))  # type: ignore[arg-type]  # django-stubs: a Page's object_list is here the QuerySet slice
        context.update(query=query, counts=counts, page=page)
    else:
        status = 400
    if is_htmx(request):
        response = render(request, "tasks/_ledger_table.html", context, status=status)
        # Push the address without the empty fields the form sends.
        chosen = urlencode([(k, v) for k, v in request.GET.items() if isinstance(v, str) and v and k != "page"])
        response["HX-Push-Url"] = request.path + (f"?{chosen}" if chosen else "")
    else:
        response = render(request, "tasks/ledger.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@login_required
def ledger_meetings(request: HttpRequest) -> HttpResponse:
    """The meeting field's suggestions for what has been typed (htmx swaps the datalist)."""
    user = signed_in(request)
    text = request.GET.get("meeting", "")[:320]
    meetings = forms.meeting_suggestions(text) if may_read_meetings(user) else []
    return render(request, "tasks/_meeting_options.html", {"meetings": meetings})


@require_safe
@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    form = forms.LedgerFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "tasks/ledger.html", {"form": form}, status=400)
    query = form.query()
    tasks = with_latest_report(query.tasks_for(signed_in(request)))
    content = ledger_workbook(tasks, query, user=signed_in(request), today=lib.today())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{lib.today():%Y-%m-%d}.xlsx"'
    return response


# --- the task page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskAction:
    """One thing a user can do on the task page, with its form and its service call."""

    name: str
    permission: str  # the action name permissions.can() knows
    label: Promise
    success: Promise
    form_class: type[forms.TaskForm]
    run: Callable[[User, Task, Any], object]
    danger: bool = False
    confirm: Promise | None = None  # asked before an action that cannot be undone

    @property
    def button_only(self) -> bool:
        """A form with nothing to fill in (sign for, resume) is shown as its button."""
        return self.form_class is forms.EmptyForm

    def available(self, user: User, task: Task) -> bool:
        return may_offer(user, self.permission, task)

    def form(self, *args: Any, task: Task, user: User) -> forms.TaskForm:
        """The action's form; its ids carry the action's name, since the page shows several
        forms with the same fields (reason, version, deadline …) and ids must be unique."""
        return self.form_class(*args, task=task, user=user, auto_id=f"id_{self.name}_%s")


def _version(form: Any) -> int:
    return form.cleaned_data["version"]


def _decompose(user: User, task: Task, form: Any) -> object:
    parts = [services.SubTask(lead_unit=d["lead_unit"], title=d["title"], deadline=d["deadline"],
                              weight=d["weight"]) for d in form.sub_tasks()]
    return services.decompose_task(user, task, parts, expected_version=_version(form))


def _edit(user: User, task: Task, form: Any) -> object:
    changes = form.changes()
    if not changes:
        raise lib.InvalidInput(_("Nothing was changed."))
    if "cooperating_units" in changes:
        changes["cooperating_units"] = list(changes["cooperating_units"])
    return services.update_task(user, task, expected_version=_version(form), **changes)


# In the order they are offered on the page.
ACTIONS: dict[str, TaskAction] = {a.name: a for a in [
    TaskAction("assign", Action.ASSIGN, gettext_lazy("Assign"), gettext_lazy("The task was assigned to its lead unit."),
               forms.AssignForm, lambda u, t, f: services.assign_task(
                   u, t, lead_unit=f.cleaned_data["lead_unit"],
                   cooperating_units=list(f.cleaned_data["cooperating_units"]),
                   person_responsible=f.cleaned_data["person_responsible"], deadline=f.cleaned_data["deadline"],
                   cadence=f.cleaned_data["cadence"], nodes=f.cleaned_data["nodes"], expected_version=_version(f))),
    TaskAction("sign", Action.SIGN, gettext_lazy("Sign for this task"), gettext_lazy("You have signed for the task."),
               forms.EmptyForm, lambda u, t, f: services.sign_task(u, t, expected_version=_version(f)),
               confirm=gettext_lazy("Sign for this task? Your unit becomes responsible for it; signing cannot be "
                                    "undone.")),
    TaskAction("report", Action.REPORT, gettext_lazy("Report progress"), gettext_lazy("Your progress report was submitted."),
               forms.ReportForm, lambda u, t, f: services.report_progress(
                   u, t, text=f.cleaned_data["text"], progress=f.cleaned_data["progress"],
                   period=f.cleaned_data["period"], files=f.cleaned_data["files"], expected_version=_version(f),
                   actuals=f.actuals())),
    TaskAction("request_completion", Action.REQUEST_COMPLETION, gettext_lazy("Request completion"),
               gettext_lazy("Completion was requested; the supervising office will review it."),
               forms.CompletionForm, lambda u, t, f: services.request_completion(
                   u, t, text=f.cleaned_data["text"], files=f.cleaned_data["files"], expected_version=_version(f))),
    TaskAction("approve", Action.APPROVE, gettext_lazy("Approve completion"), gettext_lazy("The task is completed."),
               forms.ApproveForm, lambda u, t, f: services.approve_completion(
                   u, t, grade=f.cleaned_data["grade"], note=f.cleaned_data["note"], expected_version=_version(f)),
               confirm=gettext_lazy("Approve the completion? The task is then closed and cannot be reopened.")),
    TaskAction("return", Action.RETURN, gettext_lazy("Return for more work"),
               gettext_lazy("The task was returned to its lead unit."),
               forms.ReasonForm, lambda u, t, f: services.return_task(
                   u, t, reason=f.cleaned_data["reason"], expected_version=_version(f))),
    TaskAction("decompose", Action.DECOMPOSE, gettext_lazy("Decompose into sub-tasks"),
               gettext_lazy("The sub-tasks were created and assigned."), forms.DecomposeForm, _decompose),
    TaskAction("urge", Action.URGE, gettext_lazy("Urge"), gettext_lazy("The lead unit was urged."),
               forms.TextForm, lambda u, t, f: services.urge_task(u, t, text=f.cleaned_data["text"])),
    TaskAction("escalate", Action.ESCALATE, gettext_lazy("Escalate"), gettext_lazy("Supervision was escalated."),
               forms.EscalateForm, lambda u, t, f: services.escalate_task(
                   u, t, level=f.cleaned_data["level"], reason=f.cleaned_data["reason"])),
    TaskAction("instruct", Action.INSTRUCT, gettext_lazy("Write an instruction"), gettext_lazy("Your instruction was recorded."),
               forms.TextForm, lambda u, t, f: services.write_instruction(u, t, text=f.cleaned_data["text"])),
    TaskAction("edit", Action.UPDATE, gettext_lazy("Edit details"), gettext_lazy("The changes were saved."),
               forms.EditForm, _edit),
    TaskAction("suspend", Action.SUSPEND, gettext_lazy("Suspend"), gettext_lazy("The task is suspended."),
               forms.ReasonForm, lambda u, t, f: services.suspend_task(
                   u, t, reason=f.cleaned_data["reason"], expected_version=_version(f)), danger=True),
    TaskAction("resume", Action.RESUME, gettext_lazy("Resume"), gettext_lazy("The task was resumed."),
               forms.EmptyForm, lambda u, t, f: services.resume_task(u, t, expected_version=_version(f))),
    TaskAction("cancel", Action.CANCEL, gettext_lazy("Cancel the task"), gettext_lazy("The task was cancelled."),
               forms.ReasonForm, lambda u, t, f: services.cancel_task(
                   u, t, reason=f.cleaned_data["reason"], expected_version=_version(f)), danger=True,
               confirm=gettext_lazy("Cancel this task? A cancelled task cannot be reopened.")),
]}


@dataclass
class ActionPanel:
    """An action as shown: its form (bound after a failed attempt) and the error, if any.
    Without a form, the panel is closed and its form is fetched when it opens (task_action
    on GET): a task page would otherwise build every form, unit lists included, unseen."""

    action: TaskAction
    task: Task
    form: Any = None
    error: str = ""
    conflict: bool = False
    open: bool = False

    @property
    def url(self) -> str:
        """Where the action's form is fetched from and posts to."""
        return reverse("task_action", args=[self.task.pk, self.action.name])


AUDIT_LABELS = {
    "create_task": gettext_lazy("created the task"),
    "assign_task": gettext_lazy("assigned the task"),
    "sign_task": gettext_lazy("signed for the task"),
    "update_task": gettext_lazy("edited the details"),
    "report_progress": gettext_lazy("reported progress"),
    "request_completion": gettext_lazy("requested completion"),
    "approve_completion": gettext_lazy("approved completion"),
    "return_task": gettext_lazy("returned the task"),
    "suspend_task": gettext_lazy("suspended the task"),
    "resume_task": gettext_lazy("resumed the task"),
    "cancel_task": gettext_lazy("cancelled the task"),
    "decompose_task": gettext_lazy("decomposed the task"),
    "create_subtask": gettext_lazy("created the task as a sub-task"),
    "roll_up_progress": gettext_lazy("rolled up progress from the sub-tasks"),
    "reassign_task": gettext_lazy("reassigned the task"),
    "plan_milestones": gettext_lazy("planned milestones"),
    "ask_for_input": gettext_lazy("asked a cooperating unit for input"),
    "complete_milestone": gettext_lazy("completed a milestone"),
    "plan_indicators": gettext_lazy("planned an outcome indicator"),
    "record_actuals": gettext_lazy("recorded indicator actuals"),
    "request_extension": gettext_lazy("asked for more time"),
    "grant_extension": gettext_lazy("granted more time"),
    "refuse_extension": gettext_lazy("refused more time"),
    "request_return": gettext_lazy("handed the task back"),
    "accept_return": gettext_lazy("accepted the hand-back"),
    "refuse_return": gettext_lazy("refused the hand-back"),
    "withdraw_request": gettext_lazy("withdrew the request"),
}
# Fields whose change is worth a line in the history (version and the like are not).
AUDIT_FIELDS = {
    "title": gettext_lazy("Short title"), "status": gettext_lazy("status"), "progress": gettext_lazy("Progress"), "deadline": gettext_lazy("deadline"),
    "lead_unit": gettext_lazy("lead unit"), "person_responsible": gettext_lazy("person responsible"),
    "light": gettext_lazy("light"), "blocked": gettext_lazy("blocked"), "public": gettext_lazy("public"),
    "cadence": gettext_lazy("reporting cadence"), "reason": gettext_lazy("reason"),
    "cooperating_units": gettext_lazy("cooperating units"), "weight": gettext_lazy("weight"),
    "grade": gettext_lazy("closure grade"),
}


# What the task's `reason` holds depends on the action that set it.
REASON_LABELS = {
    "approve_completion": gettext_lazy("review note"), "return_task": gettext_lazy("reason for returning"),
    "reassign_task": gettext_lazy("reason for reassigning"),
    "suspend_task": gettext_lazy("reason for suspending"), "cancel_task": gettext_lazy("reason for cancelling"),
}
REASON_BY_STATUS: dict[str, str | Promise] = {
    Status.COMPLETED: gettext_lazy("Review note"), Status.SUSPENDED: gettext_lazy("Reason for suspending"),
    Status.CANCELLED: gettext_lazy("Reason for cancelling"),
}


def _audit_changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    if not isinstance(event.before, dict):  # a creation: the fields above say it all
        return []
    before = event.before
    after = event.after if isinstance(event.after, dict) else {}
    changes = []
    for key, label in AUDIT_FIELDS.items():
        old, new = before.get(key), after.get(key)
        if old != new and (key in before or key in after):
            if key == "reason":
                label = REASON_LABELS.get(event.verb, gettext_lazy("note"))
            changes.append((str(label), _shown(key, old), _shown(key, new)))
    return changes


def _shown(key: str, value: Any) -> str:
    """An audited value as people read it: labels, not codes."""
    choices = {"status": Status, "light": Task.Light, "cadence": Task.Cadence, "grade": Task.Grade}.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "progress" and isinstance(value, int):
        return f"{value}%"
    if isinstance(value, list):
        return "、".join(str(item) for item in value) or "—"
    return "—" if value in (None, "") else str(value)


USER_NAME = ("actor__username", "actor__first_name", "actor__last_name")  # what str(actor) shows
NEWEST_FIRST = ("-created_at", "-pk")


def _reports(task: Task) -> list[ProgressReport]:
    """The task's reports, newest first, each with its evidence `files`."""
    reports = list(ProgressReport.objects.filter(task_id=task.pk).select_related("unit", "author", "reviewed_by")
                   .order_by("-submitted_at", "-pk"))
    files: dict[int, list[Evidence]] = {report.pk: [] for report in reports}
    for evidence in Evidence.objects.filter(report__task_id=task.pk).order_by("pk") if reports else []:
        files[evidence.report_id].append(evidence)
    for report in reports:
        report.files = files[report.pk]  # type: ignore[attr-defined]  # for the template; ProgressReport has no such field
    return reports


def _timeline(task: Task, reports: list[ProgressReport]) -> list[dict[str, Any]]:
    """Reports, urges, escalations, instructions, numbered notices and this task's audit events,
    newest first."""
    entries: list[dict[str, Any]] = []
    for report in reports:
        entries.append({"kind": "report", "at": report.submitted_at, "obj": report})
    for urge in Urge.objects.filter(task_id=task.pk).select_related("by", "to_unit").order_by(*NEWEST_FIRST):
        entries.append({"kind": "urge", "at": urge.created_at, "obj": urge})
    for escalation in Escalation.objects.filter(task_id=task.pk).select_related("by").order_by(*NEWEST_FIRST):
        entries.append({"kind": "escalation", "at": escalation.created_at, "obj": escalation})
    for instruction in Instruction.objects.filter(task_id=task.pk).select_related("by").order_by(*NEWEST_FIRST):
        entries.append({"kind": "instruction", "at": instruction.created_at, "obj": instruction})
    for notice in Notice.objects.filter(task_id=task.pk).select_related("issued_by").defer("content").order_by(
            "-issued_at", "-pk"):
        entries.append({"kind": "notice", "at": notice.issued_at, "obj": notice, "label": number_of(notice)})
    events = (AuditEvent.objects.filter(object_type="tasks.task", object_id=str(task.pk)).select_related("actor")
              .only("created_at", "actor_label", "verb", "before", "after", *USER_NAME).order_by("-id")[:200])
    for event in events:
        entries.append({"kind": "event", "at": event.created_at, "obj": event,
                        "label": AUDIT_LABELS.get(event.verb, event.verb), "changes": _audit_changes(event)})
    # Stable: equal times keep the order above (a report before the audit row it caused).
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries


def _panels(request: HttpRequest, task: Task, shown: ActionPanel | None = None) -> list[ActionPanel]:
    """The actions offered, closed and without their forms, but for `shown` (open, with its
    form) and the button-only ones."""
    user = signed_in(request)
    panels = []
    for action in ACTIONS.values():
        if shown is not None and shown.action.name == action.name:
            panels.append(shown)
        elif action.available(user, task):
            form = action.form(task=task, user=user) if action.button_only else None
            panels.append(ActionPanel(action, task, form))
    return panels


def _pending_reviews(request: HttpRequest, task: Task, reports: list[ProgressReport]) -> list[ProgressReport]:
    if not can(signed_in(request), Action.APPROVE, task):
        return []
    # The checks' marks (文不对题, a copy of the last report, progress claimed without evidence)
    # bring the reports that need a closer look to the top, each with its reasons.
    return marked_first([report for report in reports
                         if report.outcome == ProgressReport.Outcome.PENDING and not report.asks_completion],
                        tasks={task.pk: task})


def _detail_context(request: HttpRequest, task: Task, shown: ActionPanel | None = None,
                    review_error: tuple[int, str, str] | None = None, *, reload: bool = True) -> dict[str, Any]:
    """What the task page shows. The task is read again, since an action may just have
    changed it, unless the caller has just read it (reload=False)."""
    if reload:
        task = Task.objects.select_related(*TASK_RELATED).get(pk=task.pk)
    today = lib.today()
    prefetch_related_objects([task], "cooperating_units", "priority_areas")
    reports = _reports(task)
    children = mark_overdue(list(Task.objects.filter(parent_id=task.pk).select_related("lead_unit")
                                 .order_by(F("deadline").asc(nulls_last=True), "pk")), today)
    child_weight = sum(child.weight for child in children if child.status != Status.CANCELLED)
    return {
        "task": task,
        "days_overdue": mark_overdue([task], today)[0].days_overdue,
        "reason_label": REASON_BY_STATUS.get(task.status, gettext_lazy("Note")),
        "directive": task.directive,
        "instruction_document": task.instruction_document,
        "meeting_link": task.directive is not None and may_read_meetings(signed_in(request)),
        "children": children,
        "child_weight": child_weight,
        "timeline": _timeline(task, reports),
        "panels": _panels(request, task, shown),
        "pending_reviews": _pending_reviews(request, task, reports),
        "review_error": review_error,
        "today": today,
    }


@require_safe
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    if is_htmx(request):
        response = render(request, "tasks/_task_body.html",
                          _detail_context(request, task, reload=False) | {"is_fragment": True})
    else:
        response = render(request, "tasks/task_detail.html", _detail_context(request, task, reload=False))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _success(request: HttpRequest, task: Task, message: str) -> HttpResponse:
    messages.success(request, message)
    if not is_htmx(request):
        return redirect(task)
    response = render(request, "tasks/_task_body.html", _detail_context(request, task) | {"is_fragment": True})
    response["HX-Retarget"] = "#task-body"
    response["HX-Reswap"] = "outerHTML"
    return response


def _drop_queued_messages(request: HttpRequest) -> None:
    """perform() queued the error for the next page; the fragment shows it beside the form."""
    for _message in messages.get_messages(request):
        pass


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: the action's form, as a fragment for the panel that opens (htmx) or as the task
    page with that panel open. POST: take the action."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    user = signed_in(request)
    task = _task_or_404(request, pk)
    if not can(user, spec.permission, task):
        raise Http404
    if request.method == "POST":
        return _act(request, spec, task)
    panel = ActionPanel(spec, task, spec.form(task=task, user=user), open=True)
    if spec.permission not in allowed_actions(task.status):
        # The task has moved on since its page was shown: say so above the form, as a post would.
        try:
            next_status(task.status, spec.permission)
        except TransitionError as refusal:
            panel.error = str(refusal)
    if is_htmx(request):
        response = render(request, "tasks/_action_form.html", {"panel": panel, "task": task})
    else:
        response = render(request, "tasks/task_detail.html", _detail_context(request, task, panel, reload=False))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _act(request: HttpRequest, spec: TaskAction, task: Task) -> HttpResponse:
    user = signed_in(request)
    form = spec.form(request.POST, request.FILES, task=task, user=user)
    error = ""
    if spec.permission not in allowed_actions(task.status):
        # The life cycle's own message ("Cannot sign for a task that is signed for."),
        # e.g. for a form posted twice, rather than a version conflict.
        _result, error = perform(request, lambda: next_status(task.status, spec.permission))
    elif form.is_valid():
        result, error = perform(request, lambda: spec.run(user, task, form))
        if not error:
            return _success(request, task, str(spec.success))
    fresh = Task.objects.get(pk=task.pk)
    posted_version = form.data.get("version")
    conflict = "version" in form.fields and str(fresh.version) != str(posted_version)
    failed = ActionPanel(spec, fresh, form, error=error, conflict=conflict, open=True)
    if is_htmx(request):
        _drop_queued_messages(request)
        html = render_to_string("tasks/_action.html", {"panel": failed, "task": fresh}, request=request)
        return HttpResponse(html, status=422)
    return render(request, "tasks/task_detail.html", _detail_context(request, fresh, failed), status=422)


@require_POST
@login_required
def review_report(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    try:
        report = task.reports.get(pk=report_pk)
    except ProgressReport.DoesNotExist:
        raise Http404 from None
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        _result, error = perform(request, lambda: services.review_report(
            signed_in(request), report, accept=accept, note=form.cleaned_data["note"]))
        if not error:
            return _success(request, task, _("The report was accepted.") if accept else
                            _("The report was returned to the unit."))
    else:
        error = _("Choose whether to accept or return the report.")
        messages.error(request, error)
    context = _detail_context(request, task, review_error=(report.pk, error, request.POST.get("note", "")))
    if is_htmx(request):
        _drop_queued_messages(request)
        response = render(request, "tasks/_task_body.html", context, status=422)
        response["HX-Retarget"] = "#task-body"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "tasks/task_detail.html", context, status=422)


# --- evidence --------------------------------------------------------------------------------------


@require_safe
@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stream the file from the store through Django after the permission check: the store
    is never public and the browser never talks to it (docs/deployment.md)."""
    try:
        evidence = Evidence.objects.select_related("report").get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404 from None
    task = _task_or_404(request, evidence.report.task_id)
    try:
        handle = filestore.open_stored(evidence.file)
    except FileNotFoundError:
        raise Http404 from None
    except filestore.StoreUnavailable as error:
        messages.error(request, str(error))
        return redirect("task_detail", pk=task.pk)
    return security.harden_download(FileResponse(
        handle, as_attachment=True, filename=evidence.original_name,
        content_type=security.served_content_type(evidence.original_name)))
