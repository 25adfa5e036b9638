"""The task page's notices panel: the numbered notices issued on the task, each with its
download link, and for the supervision office the form to issue one."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.notices import services
from luoshi.notices.forms import IssueNoticeForm
from luoshi.notices.models import Notice
from luoshi.tasks.lifecycle import WORKING
from luoshi.tasks.models import Task

register = template.Library()


@register.inclusion_tag("notices/_panel.html", takes_context=True)
def task_notices(context: dict[str, Any], task: Task) -> dict[str, Any]:
    user = context["request"].user
    notices = list(Notice.objects.filter(task_id=task.pk).defer("content").order_by("-issued_at", "-id")[:50])
    for notice in notices:
        notice.number = services.number_of(notice)  # type: ignore[attr-defined]  # for the template; Notice has no such field
    form = None
    if services.may_issue(user) and task.status in WORKING:
        form = IssueNoticeForm(level=services.default_level(task))
    return {"task": task, "notices": notices, "form": form, "csrf_token": context.get("csrf_token")}

