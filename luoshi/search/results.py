"""Finding documents: one function for both databases, permission-filtered in SQL."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Model, Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from luoshi.accounts.models import User
from luoshi.meetings.models import Directive, Meeting
from luoshi.meetings.services import may_read_meetings
from luoshi.search.matching import matching
from luoshi.search.models import SearchDocument
from luoshi.search.text import (
    Term,
    highlight,
    query_terms,
    snippet,
    tsquery_expression,
)
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.permissions import ALL_STATUSES, read_scope

Kind = SearchDocument.Kind
_TABLE = SearchDocument._meta.db_table


def visible_documents(user: User) -> QuerySet[SearchDocument]:
    """The documents `user` may find. Meetings and directives follow may_read_meetings;
    tasks and reports follow the user's read scope (luoshi/tasks/permissions.py), through
    the unit paths stored on each document so the test stays in SQL; a task in a status the
    scope does not read (a draft, for anyone but the office) is left out by its id.
    tests/test_permissions.py checks that this agrees with visible_tasks for every persona."""
    documents = SearchDocument.objects.all()
    if not may_read_meetings(user):
        return documents.none()
    readable = Q(kind__in=[Kind.MEETING, Kind.DIRECTIVE])
    work = Q(kind__in=[Kind.TASK, Kind.REPORT])
    scope = read_scope(user)
    if not scope.nothing:
        if not scope.everything:
            work &= Q(unit_paths__contains="|" + scope.path)
        if not scope.all_statuses:
            # Few tasks are in the statuses a scope leaves out (drafts, which have no reports
            # yet): their ids, not a join.
            hidden = Task.objects.filter(status__in=sorted(ALL_STATUSES - scope.statuses)).values("pk")
            work &= ~Q(kind=Kind.TASK, object_id__in=hidden)
        readable |= work
    return documents.filter(readable)


def _ranked(documents: QuerySet[SearchDocument], terms: list[Term]) -> QuerySet[SearchDocument]:
    """Best first: BM25 on SQLite, ts_rank on PostgreSQL; the newest first among equals."""
    if connection.vendor == "postgresql":
        rank = (f"ts_rank({_TABLE}.tsv, to_tsquery('simple', %s))", [tsquery_expression(terms)])
    else:
        rank = ("-bm25(search_fts)", [])
    return documents.extra(select={"rank": rank[0]}, select_params=rank[1]).order_by("-rank", "-id")  # nosec B610 # constant SQL; the query is a parameter


@dataclass
class Hit:
    kind: str
    object: Model
    title: SafeString
    snippet: SafeString
    url: str


@dataclass
class Results:
    query: str
    kind: str
    terms: list[Term] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    page: int = 1
    hits: list[Hit] = field(default_factory=list)
    # More documents of the kind asked for match than are counted (LUOSHI_SEARCH_MAX_COUNTED):
    # the hits are the best among the newest that many matches.
    more: bool = False
    # Whether `counts` holds every kind's exact number (False when one of them passed the cap).
    all_counted: bool = True

    @property
    def total(self) -> int:
        """Hits across every kind."""
        return sum(self.counts.values())

    def tab_count(self, kind: str) -> str:
        """The number on a kind's tab ("" for all kinds): exact, "1000+" past the cap, or
        blank when that kind was not counted."""
        cap = settings.LUOSHI_SEARCH_MAX_COUNTED
        if kind == self.kind and self.more:
            return f"{cap}+"
        if self.all_counted:
            return str(self.counts.get(kind, 0) if kind else self.total)
        return str(self.counts[kind]) if kind in self.counts else ""

    @property
    def count(self) -> int:
        """Hits of the kind asked for (all kinds when none)."""
        return self.counts.get(self.kind, 0) if self.kind else self.total

    @property
    def pages(self) -> int:
        shown = settings.LUOSHI_SEARCH_MAX_COUNTED if self.more else self.count
        return max(1, -(-shown // settings.LUOSHI_SEARCH_PAGE_SIZE))


def _load(documents: list[SearchDocument]) -> dict[tuple[str, int], Model]:
    """The page's objects, one query per kind present."""
    ids: dict[str, list[int]] = {}
    for document in documents:
        ids.setdefault(document.kind, []).append(document.object_id)
    querysets: dict[str, QuerySet] = {
        Kind.MEETING: Meeting.objects.defer("readout", "attendees"),
        Kind.DIRECTIVE: Directive.objects.select_related("meeting").defer("meeting__readout", "meeting__attendees"),
        Kind.TASK: Task.objects.select_related("lead_unit"),
        Kind.REPORT: ProgressReport.objects.select_related("task", "unit"),
    }
    loaded: dict[tuple[str, int], Model] = {}
    for kind, pks in ids.items():
        for obj in querysets[kind].filter(pk__in=pks):
            loaded[(kind, obj.pk)] = obj
    return loaded


def _url(kind: str, obj: Model) -> str:
    if kind == Kind.MEETING:
        return reverse("meeting_detail", args=[obj.pk])
    if kind == Kind.DIRECTIVE and isinstance(obj, Directive):
        return reverse("meeting_detail", args=[obj.meeting_id]) + f"#directive-{obj.order}"
    if kind == Kind.TASK:
        return reverse("task_detail", args=[obj.pk])
    if isinstance(obj, ProgressReport):
        return reverse("task_detail", args=[obj.task_id])
    raise ValueError(f"a search result of kind {kind!r} has no page: {obj!r}")


# The first window of ids searched: a word in one document of 100 fills the cap in it.
WINDOW_PER_MATCH = 100
MIN_WINDOW = 10_000


# How long the window that held enough matches is remembered for the same user and words.
WINDOW_HINT_SECONDS = 600


def _newest_matches(found: QuerySet[SearchDocument], cap: int, hint: str = "") -> tuple[list[tuple[int, str]], bool]:
    """(id, kind) of the newest `cap` matches, and whether there are more. A common word
    matches a large share of a province's documents, and reading every match to count and
    rank it grows with the table; so the newest ids are searched first, in windows that grow
    fourfold until `cap` matches are found or the window holds every document.

    The window that held enough is remembered under `hint` (the user and the words), so that
    the next page of the same search, or the same search again, starts there instead of
    reading the windows that came up short. A hint only sets where to start: the answer is
    the same from any window."""
    top = SearchDocument.objects.using(found.db).aggregate(top=Max("id"))["top"] or 0
    first = window = max(cap * WINDOW_PER_MATCH, MIN_WINDOW)
    if hint:
        window = max(window, cache.get(hint, 0))
    while True:
        bounded = top - window > 0
        scope = found.filter(id__gt=top - window) if bounded else found
        rows = sorted(scope.order_by().values_list("id", "kind"), reverse=True)
        if len(rows) > cap or not bounded:
            if hint and window > first:
                cache.set(hint, window, WINDOW_HINT_SECONDS)
            return rows[:cap], len(rows) > cap
        window *= 4


def _hint(user: User, terms: list[Term], kind: str, excluded: bool = False) -> str:
    words = hashlib.sha256(repr(terms).encode()).hexdigest()[:32]
    return f"search-window:{user.pk}:{'-' if excluded else ''}{kind}:{words}"


def search(user: User, query: str, *, kind: str = "", page: int = 1) -> Results:
    """The documents `user` may read that contain every term of `query`, best first, a
    page at a time, with per-kind counts. When more than LUOSHI_SEARCH_MAX_COUNTED match,
    the counts are not known ("more") and the hits are the best among the newest matches."""
    results = Results(query=query, kind=kind if kind in Kind.values else "", terms=query_terms(query or ""))
    if not results.terms:
        return results
    found = matching(visible_documents(user), results.terms)
    if results.kind:
        found = found.filter(kind=results.kind)
    cap = settings.LUOSHI_SEARCH_MAX_COUNTED
    matches, results.more = _newest_matches(found, cap, _hint(user, results.terms, results.kind))
    if results.more:
        results.all_counted = False
    else:
        for _id, match_kind in matches:
            results.counts[match_kind] = results.counts.get(match_kind, 0) + 1
        if results.kind:  # the other tabs' numbers, counted the same way
            others, more = _newest_matches(
                matching(visible_documents(user), results.terms).exclude(kind=results.kind), cap,
                _hint(user, results.terms, results.kind, excluded=True))
            if more:
                results.all_counted = False
            else:
                for _id, match_kind in others:
                    results.counts[match_kind] = results.counts.get(match_kind, 0) + 1
    results.page = min(max(1, page), results.pages)
    if not matches:
        return results
    size = settings.LUOSHI_SEARCH_PAGE_SIZE
    start = (results.page - 1) * size
    ids = [match_id for match_id, _kind in matches]
    # On PostgreSQL the matches are ranked as rows read by primary key; asked with the words
    # again, the planner walks every match of them (29,000 at 10⁶ tasks) to keep these 1,000.
    # SQLite's bm25() needs the MATCH in the query.
    candidates = (visible_documents(user) if connection.vendor == "postgresql" else found).filter(id__in=ids)
    documents = list(_ranked(candidates, results.terms).only("kind", "object_id", "title", "body")[start:start + size])
    objects = _load(documents)
    for document in documents:
        obj = objects.get((document.kind, document.object_id))
        if obj is None:  # deleted in a transaction that committed after the count: skip it
            continue
        results.hits.append(Hit(
            kind=document.kind, object=obj, title=highlight(document.title, results.terms),
            snippet=snippet(document.body, results.terms) if document.body else SafeString(""),
            url=_url(document.kind, obj),
        ))
    return results
