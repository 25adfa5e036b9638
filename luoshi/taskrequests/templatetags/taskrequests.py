"""The task page's requests panel: what a unit asked, what the office decided, and the
buttons to ask or decide, for the user looking at the task."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.taskrequests import forms, services
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks.lifecycle import Action
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import may_offer

register = template.Library()
Kind = TaskRequest.Kind


@register.inclusion_tag("taskrequests/_panel.html", takes_context=True)
def task_requests(context: dict[str, Any], task: Task) -> dict[str, Any]:
    user = context["request"].user
    history = list(TaskRequest.objects.filter(task=task).select_related(
        "unit", "requested_by", "decided_by", "suggested_unit")[:20])
    waiting = next((r for r in history if r.pending), None)
    deciding = waiting is not None and services.may_decide(user, waiting)
    decision_form: forms.ExtensionDecisionForm | forms.ReturnDecisionForm | None = None
    if deciding:
        assert waiting is not None
        if waiting.kind == Kind.EXTENSION:
            decision_form = forms.ExtensionDecisionForm(initial={"deadline": waiting.requested_deadline})
        else:
            decision_form = forms.ReturnDecisionForm(initial={"lead_unit": waiting.suggested_unit_id})
    asks = [] if waiting is not None else [
        (kind, label) for kind, label in ((Kind.EXTENSION, Kind.EXTENSION.label), (Kind.RETURN, Kind.RETURN.label))
        if services.may_ask(user, task, kind)]
    inputs = services.input_requests(task)
    input_form = forms.InputForm(task=task) if may_offer(user, Action.ASK_FOR_INPUT, task) else None
    return {"task": task, "history": history, "waiting": waiting, "decision_form": decision_form,
            "inputs": inputs, "input_form": input_form,
            "may_withdraw": waiting is not None and services.may_withdraw(user, waiting), "asks": asks,
            "csrf_token": context.get("csrf_token")}
