"""The task page's milestones card: the steps with their due dates and state, and the forms
to plan one or mark one done for those who may."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi import lib
from luoshi.tasks.lifecycle import Action
from luoshi.tasks.milestone_views import MilestoneDoneForm, MilestoneForm
from luoshi.tasks.models import Milestone, Task
from luoshi.tasks.permissions import may_offer

register = template.Library()


@register.inclusion_tag("tasks/_milestones.html", takes_context=True)
def task_milestones(context: dict[str, Any], task: Task) -> dict[str, Any]:
    user = context["request"].user
    milestones = list(Milestone.objects.filter(task=task).order_by("due", "pk"))
    may_add = may_offer(user, Action.ADD_MILESTONE, task)
    may_complete = may_offer(user, Action.COMPLETE_MILESTONE, task)
    return {"task": task, "milestones": milestones, "today": lib.today(), "csrf_token": context.get("csrf_token"),
            "add_form": MilestoneForm(label_suffix="") if may_add else None,
            "done_form": MilestoneDoneForm(label_suffix="") if may_complete else None}
