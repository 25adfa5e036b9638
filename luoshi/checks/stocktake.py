"""The stocktake's "repeatedly demanded" section (反复强调): open tasks that later meetings
demanded again, the most repeated first, with every date the demand was made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from luoshi.accounts.models import User
from luoshi.checks.models import RepeatedMention
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import visible_tasks

LIMIT = 10


@dataclass
class RepeatedTask:
    task: Task
    dates: list[dt.date]  # the first demand's meeting date, then each repetition's

    @property
    def times(self) -> int:
        return len(self.dates)


def repeatedly_demanded(user: User, limit: int = LIMIT) -> list[RepeatedTask]:
    mentions = RepeatedMention.objects.select_related("directive__meeting").order_by("directive__meeting__date", "id")
    tasks = (visible_tasks(user).filter(repeat_count__gt=0)
             .exclude(status__in=[Status.CANCELLED, Status.COMPLETED, Status.DRAFT])
             .select_related("lead_unit", "directive__meeting")
             .prefetch_related(Prefetch("repeated_mentions", queryset=mentions))
             .order_by("-repeat_count", "deadline", "id")[:limit])
    out = []
    for task in tasks:
        first = task.directive.meeting.date if task.directive and task.directive.meeting.date else None
        dates = ([first] if first else []) + [m.directive.meeting.date for m in task.repeated_mentions.all()
                                             if m.directive.meeting.date]
        out.append(RepeatedTask(task, dates))
    return out
