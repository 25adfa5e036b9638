"""Which earlier directives a new one repeats: candidates from the full-text index (the
directives whose text best matches any of its content words), the decision by the measured
similarity of luoshi/checks/similarity.py. Reads only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from luoshi.checks import similarity
from luoshi.meetings.models import Directive
from luoshi.search.matching import best_matching_ids
from luoshi.search.models import SearchDocument
from luoshi.search.text import Term, query_terms
from luoshi.tasks import lights
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task

CANDIDATES = 20  # directives read per new directive
SHOWN = 3  # earlier demands shown beside it


@dataclass
class EarlierDemand:
    directive: Directive
    similarity: float
    task: Task | None  # its task (or the task it was attached to), if not cancelled

    @property
    def light_text(self) -> str:
        """"黄灯：月报逾期3天" / "amber: monthly report 3 days late"; its status when unlit."""
        if self.task is None:
            return ""
        reason = self.task.light_reason
        return lights.labelled(reason) if reason else str(self.task.get_status_display())

    @property
    def same(self) -> bool:
        """Above the decision threshold: "stated before"; below it, only related."""
        return self.similarity >= similarity.THRESHOLD


def _terms(text: str) -> list[Term]:
    words, _bigrams = similarity.features(text)
    # The longest content words say most about the demand; query_terms keeps twelve.
    return query_terms(" ".join(sorted(words, key=len, reverse=True)))


def earlier_demands(texts: Sequence[str], *, before: dt.date | None = None) -> list[list[EarlierDemand]]:
    """For each text, the earlier directives at least RELATED to it, best first (at most
    SHOWN). "Earlier": of meetings dated before `before` (any, when it is None)."""
    wanted = [best_matching_ids(SearchDocument.Kind.DIRECTIVE, _terms(text), CANDIDATES) for text in texts]
    ids = {pk for found in wanted for pk in found}
    if not ids:
        return [[] for _ in texts]
    tasks = Task.objects.exclude(status=Status.CANCELLED).filter(parent__isnull=True).select_related("lead_unit")
    directives = Directive.objects.filter(pk__in=ids).select_related("meeting", "repeat_of__task__lead_unit") \
        .prefetch_related(Prefetch("tasks", queryset=tasks, to_attr="live_tasks"))
    if before is not None:
        directives = directives.filter(Q(meeting__date__lt=before) | Q(meeting__date__isnull=True))
    by_id = {d.pk: d for d in directives}
    out = []
    for text, found in zip(texts, wanted, strict=True):
        mine = similarity.features(text)
        demands = []
        for pk in found:
            directive = by_id.get(pk)
            if directive is None:
                continue
            score = similarity.similarity(mine, directive.text)
            if score < similarity.RELATED:
                continue
            demands.append(EarlierDemand(directive, round(score, 2), _task_of(directive)))
        demands.sort(key=lambda d: (-d.similarity, -(d.directive.meeting.date or dt.date.min).toordinal()))
        out.append(demands[:SHOWN])
    return out


def _task_of(directive: Directive) -> Task | None:
    live = getattr(directive, "live_tasks", [])
    if live:
        return live[0]
    mention = getattr(directive, "repeat_of", None)
    if mention is not None and mention.task.status != Status.CANCELLED:
        return mention.task
    return None
