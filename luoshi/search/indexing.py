"""Keeping the search index in step with the data.

The services that create or change a searchable object call `index(obj)` (or
`index_many(objs)`) inside their own transaction, so the index never disagrees with the
data: a rollback undoes both. Deletes are followed through post_delete signals (they come
from cascades and the admin, not from a service). `reindex()` rebuilds everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.db.models.signals import post_delete

from luoshi.meetings.models import Directive, Meeting
from luoshi.search.models import SearchDocument
from luoshi.search.text import index_tokens, segment
from luoshi.tasks.models import ProgressReport, Task
from luoshi.units.models import Unit

Kind = SearchDocument.Kind
BATCH = 500
_FIELDS = ["unit_paths", "title", "body", "segmented"]


@dataclass
class _Parts:
    kind: str
    title: str
    body: str
    indexed: tuple[str, ...]  # the texts the document is found by
    unit_paths: str = ""


def paths_field(units: Iterable[Unit]) -> str:
    """"|/P/EMERG/|/P/SY/|": a liaison of unit U reads the object when it contains "|" + U.path."""
    paths = sorted({unit.path for unit in units})
    return "|" + "|".join(paths) + "|" if paths else ""


def _unit_names(units: Iterable[Unit]) -> tuple[str, ...]:
    return tuple(name for unit in units for name in (unit.name_zh, unit.name_en))


def _task_units(task: Task) -> list[Unit]:
    return [task.lead_unit, *task.cooperating_units.all()]


UnitsOf = Callable[[Task], list[Unit]]
AgendaOf = Callable[[Meeting], list[str]]


def _agenda_titles(meeting: Meeting) -> list[str]:
    return [item.title for item in meeting.agenda_items.all()]


def _parts(obj: Model, units_of: UnitsOf = _task_units, agenda_of: AgendaOf = _agenda_titles) -> _Parts:
    if isinstance(obj, Meeting):
        agenda = agenda_of(obj)
        return _Parts(Kind.MEETING, obj.title, obj.readout or "；".join(agenda),
                      (obj.title, obj.chair_name, obj.chair_title, obj.place, obj.attendees, obj.readout, *agenda))
    if isinstance(obj, Directive):
        # Shown under its meeting's title; found by its own text only.
        return _Parts(Kind.DIRECTIVE, obj.meeting.title, obj.text, (obj.text,))
    if isinstance(obj, Task):
        units = units_of(obj)
        return _Parts(Kind.TASK, obj.title, obj.description,
                      (obj.title, obj.description, obj.person_responsible, *_unit_names(units)), paths_field(units))
    if isinstance(obj, ProgressReport):
        return _Parts(Kind.REPORT, obj.task.title, obj.text, (obj.text, obj.period, *_unit_names([obj.unit])),
                      paths_field(units_of(obj.task)))
    raise TypeError(f"{type(obj).__name__} is not searchable")


def _document(obj: Model, units_of: UnitsOf = _task_units) -> SearchDocument:
    parts = _parts(obj, units_of)
    return SearchDocument(kind=parts.kind, object_id=obj.pk, unit_paths=parts.unit_paths, title=parts.title[:500],
                          body=parts.body, segmented=segment(*parts.indexed))


@lru_cache(maxsize=4096)
def _segmented_text(text: str) -> str:
    return " ".join(index_tokens(text))


def _segment_remembered(*texts: str) -> str:
    """segment(*texts), each text's part remembered: generated data repeats its readouts,
    directive texts and titles thousands of times."""
    return " ".join(part for part in (_segmented_text(text) for text in texts if text) if part)


def _upsert(documents: list[SearchDocument]) -> None:
    # One statement per batch: INSERT … ON CONFLICT (kind, object_id) DO UPDATE (SQLite's
    # update trigger and PostgreSQL's generated column follow it).
    for start in range(0, len(documents), BATCH):
        SearchDocument.objects.bulk_create(
            documents[start:start + BATCH], update_conflicts=True,
            unique_fields=["kind", "object_id"], update_fields=_FIELDS,
        )


def index(obj: Model) -> None:
    """Write (or rewrite) the search document of one meeting, directive, task or report."""
    _upsert([_document(obj)])


def index_many(objects: Iterable[Model], *, units_of: UnitsOf = _task_units) -> None:
    """Index many objects. Prefetch their units and their tasks' units, or this makes a
    few queries per object; bulk writers that hold every task's units already (a ledger
    import) pass `units_of(task)` instead and the index makes no query but its inserts."""
    _upsert([_document(obj, units_of) for obj in objects])


ROW_FIELDS = ["kind", "object_id", "unit_paths", "title", "body", "segmented"]


def document_rows(objects: Iterable[Model], *, units_of: UnitsOf = _task_units,
                  agenda_of: AgendaOf = _agenda_titles) -> Iterator[tuple[str, int, str, str, str, str]]:
    """The documents of new objects as plain rows (ROW_FIELDS), the same as `index` would
    write, for a bulk writer that inserts them itself (the generator, with COPY). Given
    `units_of` and `agenda_of` (a meeting's agenda titles) answered from memory, building
    them makes no query."""
    for obj in objects:
        parts = _parts(obj, units_of, agenda_of)
        yield (parts.kind, obj.pk, parts.unit_paths, parts.title[:500], parts.body,
               _segment_remembered(*parts.indexed))


def index_new(objects: Iterable[Model], *, units_of: UnitsOf = _task_units) -> int:
    """Index objects that have no document yet (a bulk writer's new rows, such as a ledger
    import's) in one pass: the documents built as `document_rows` builds them (each text's
    segmentation remembered) and inserted with one COPY on PostgreSQL, in batches elsewhere.
    Returns how many documents were written."""
    rows = list(document_rows(objects, units_of=units_of))
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(SearchDocument._meta.db_table)
    names = ", ".join(quote(SearchDocument._meta.get_field(name).column) for name in ROW_FIELDS)  # type: ignore[union-attr, arg-type]  # django-stubs: get_field() may give a relation, a column None; ROW_FIELDS are concrete columns
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(ROW_FIELDS))
            for start in range(0, len(rows), BATCH):
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # nosec B608 # the model's table and columns, quoted
                                   rows[start:start + BATCH])
    return len(rows)


def index_task_family(task: Task) -> None:
    """A task and its progress reports: the reports' readers follow the task's units."""
    reports = ProgressReport.objects.filter(task=task).select_related("unit")
    for report in reports:
        report.task = task
    _upsert([_document(task), *(_document(report) for report in reports)])


# --- rebuilding -------------------------------------------------------------------------------


def _querysets() -> dict[type[Model], QuerySet[Any]]:
    """Each kind's objects with what their documents need, in a few queries per batch."""
    units = Prefetch("cooperating_units", queryset=Unit.objects.only("path", "name_zh", "name_en"))
    return {
        Meeting: Meeting.objects.prefetch_related("agenda_items"),
        Directive: Directive.objects.select_related("meeting").only("text", "meeting__title"),
        Task: Task.objects.select_related("lead_unit").prefetch_related(units),
        ProgressReport: ProgressReport.objects.select_related("unit", "task__lead_unit").prefetch_related(
            Prefetch("task__cooperating_units", queryset=Unit.objects.only("path"))),
    }


def _all_objects() -> Iterator[Model]:
    for queryset in _querysets().values():
        yield from queryset.order_by("pk").iterator(chunk_size=BATCH)


@transaction.atomic
def reindex() -> dict[str, int]:
    """Rebuild every document from the data; running it twice changes nothing. Returns the
    number of documents per kind."""
    SearchDocument.objects.all().delete()
    batch: list[SearchDocument] = []
    counts = {kind: 0 for kind in Kind.values}
    for obj in _all_objects():
        document = _document(obj)
        counts[document.kind] += 1
        batch.append(document)
        if len(batch) >= BATCH:
            _upsert(batch)
            batch = []
    _upsert(batch)
    return counts


# --- deletes ------------------------------------------------------------------------------------


def _unindex(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    SearchDocument.objects.filter(kind=_KINDS[sender], object_id=instance.pk).delete()


_KINDS: dict[type[Model], str] = {Meeting: Kind.MEETING, Directive: Kind.DIRECTIVE, Task: Kind.TASK,
                                  ProgressReport: Kind.REPORT}


def connect_signals() -> None:
    for model in _KINDS:
        post_delete.connect(_unindex, sender=model, dispatch_uid=f"search-unindex-{model.__name__}")
