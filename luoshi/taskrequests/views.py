"""Pages of requests: ask (a lead unit), decide or withdraw (on the task page), and the list
of requests waiting for the office. Plain forms and redirects; every rule is the services'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.accounts.models import User
from luoshi.lib import NotFound, form_errors_to_messages, perform, signed_in
from luoshi.taskrequests import forms, services
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks.lifecycle import Action
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import can, get_task_for_user, manages

Kind = TaskRequest.Kind
ASK_FORMS: dict[str, type[forms.Form]] = {Kind.EXTENSION: forms.ExtensionForm, Kind.RETURN: forms.ReturnForm}



def _task(request: HttpRequest, pk: int) -> Task:
    try:
        return get_task_for_user(signed_in(request), pk)
    except NotFound:
        raise Http404 from None


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ask(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The lead unit's form to ask for more time or to hand the task back."""
    if kind not in ASK_FORMS:
        raise Http404
    user, task = signed_in(request), _task(request, pk)
    if not services.may_ask_about(user, task, kind):
        raise Http404  # only the lead unit asks; to anyone else the page does not exist
    form = ASK_FORMS[kind](request.POST if request.method == "POST" else None)
    waiting = services.pending_for(task)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if kind == Kind.EXTENSION:
            call = lambda: services.request_extension(user, task, deadline=data["deadline"], reason=data["reason"])  # noqa: E731
        else:
            call = lambda: services.request_return(user, task, reason=data["reason"],  # noqa: E731
                                                   suggested_unit=data["suggested_unit"])
        _result, error = perform(request, call)
        if not error:
            messages.success(request, _("Your request was sent to the office."))
            return redirect(task)
    status = 400 if request.method == "POST" else 200
    return render(request, "taskrequests/ask.html", {
        "task": task, "form": form, "kind": kind, "kind_label": Kind(kind).label, "waiting": waiting,
        "why_not": services.why_not(task, kind),
        "last_day": services.latest_ask_date(task) if kind == Kind.EXTENSION else None,
    }, status=status)


def _request_for(request: HttpRequest, pk: int) -> TaskRequest:
    """The request, if its task is one the user may read."""
    task_request = get_object_or_404(TaskRequest.objects.select_related("task"), pk=pk)
    _task(request, task_request.task_id)
    return task_request


@require_POST
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user, task_request = signed_in(request), _request_for(request, pk)
    if not (services.may_decide(user, task_request) or manages(user, task_request.task)):
        raise Http404
    form_class = forms.ExtensionDecisionForm if task_request.kind == Kind.EXTENSION else forms.ReturnDecisionForm
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(task_request.task)
    data = form.cleaned_data
    yes = data["decision"] in ("approve", "accept")
    if task_request.kind == Kind.EXTENSION:
        _result, error = perform(request, lambda: services.decide_extension(
            user, task_request, approve=yes, deadline=data["deadline"], note=data["note"]))
    else:
        _result, error = perform(request, lambda: services.decide_return(
            user, task_request, accept=yes, lead_unit=data["lead_unit"],
            cooperating_units=data["cooperating_units"] or None, note=data["note"]))
    if not error:
        messages.success(request, _("Your decision was recorded and sent to the unit."))
    return redirect(task_request.task)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user, task_request = signed_in(request), _request_for(request, pk)
    _result, error = perform(request, lambda: services.withdraw(user, task_request))
    if not error:
        messages.success(request, _("Your request was withdrawn."))
    return redirect(task_request.task)


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Requests waiting for the user's decision, and (for a liaison) those their unit made."""
    user = signed_in(request)
    waiting = list(services.waiting_for(user)[:200])
    asked = list(services.asked_by_unit(user)[:100])
    if not waiting and not asked and not (user.is_active and user.role in (User.Role.SUPERVISOR, User.Role.LIAISON)):
        raise Http404
    return render(request, "taskrequests/queue.html", {"waiting": waiting, "asked": asked})


@require_POST
@login_required
def ask_input(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead unit asks a cooperating unit for its share."""
    user, task = signed_in(request), _task(request, pk)
    if not can(user, Action.ASK_FOR_INPUT, task):
        raise Http404
    form = forms.InputForm(request.POST, task=task)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(task)
    data = form.cleaned_data
    _result, error = perform(request, lambda: services.ask_for_input(user, task, unit=data["unit"], due=data["due"],
                                                                     text=data["text"]))
    if not error:
        messages.success(request, _("Your request was sent to %(unit)s.") % {"unit": data["unit"]})
    return redirect(task)
