"""Queries that pages run on every request, compiled by the ORM once per process.

Building a query costs Django about half a millisecond of Python (cloning it, resolving the
lookups, compiling the SQL): more than the database takes to answer a read by key. Django has
no cache of compiled queries (SQLAlchemy has one), so the hot reads have one here:

- KeyLookup: a queryset whose only changing value is a key (the session's, the user's id, a
  task's id). The SQL is compiled once per database; each call binds the key into it.
- Fixed: a queryset that changes with a few values that rarely change (a dashboard's day).
  It is compiled once per database and set of values; the last few sets are kept.

Each call runs the SQL and turns the rows into what the queryset itself would give (model
instances with their select_related objects, or the tuples of values_list) with the
compiler's own converters and related populators. tests/test_prepared.py holds them equal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

M = TypeVar("M")  # a model, or the rows of values_list()


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str
    params: tuple[Any, ...]
    converters: list[tuple[int, tuple[list[Any], Any]]]  # column → the compiler's converters
    model: type[Model] | None  # None: values_list rows
    init_list: list[str]
    start: int
    end: int
    related: list[Any]

    @classmethod
    def of(cls, queryset: QuerySet[Any], alias: str) -> _Compiled:
        kind = queryset._iterable_class
        if kind not in (ModelIterable, ValuesListIterable):
            raise ValueError("only querysets of model instances or of values_list() tuples can be prepared")
        if queryset._prefetch_related_lookups:
            raise ValueError("prefetch_related() runs more queries: it cannot be prepared")
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. pk__in=[]: no row, and no SQL to run
            return cls(alias, "", (), [], None, [], 0, 0, [])
        columns = [column[0] for column in compiler.select[:compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("composite fields cannot be prepared")
        converters = list(compiler.get_converters(columns).items())
        info = compiler.klass_info
        if kind is ValuesListIterable or info is None:  # the converted columns are the rows
            return cls(alias, sql, tuple(params), converters, None, [], 0, 0, [])
        if compiler.annotation_col_map:
            raise ValueError("annotations on model instances cannot be prepared (use values_list())")
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        return cls(alias, sql, tuple(params), converters, info["model"],
                   [column[0].target.attname for column in compiler.select[start:end]], start, end,
                   get_related_populators(info, compiler.select, alias))

    def run(self, params: tuple[Any, ...] | list[Any]) -> list[Any]:
        if not self.sql:
            return []
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:  # as SQLCompiler.apply_converters, with this thread's connection
            rows = [self._convert(list(row), connection) for row in rows]
        if self.model is None:
            return [tuple(row) for row in rows]
        found = []
        for row in rows:
            instance = self.model.from_db(self.alias, self.init_list, row[self.start:self.end])
            for populator in self.related:
                populator.populate(row, instance)
            found.append(instance)
        return found

    def _convert(self, row: list[Any], connection: Any) -> list[Any]:
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row


def _storable(value: Any) -> bool:
    """False for a whole number no 64-bit column holds: as for the ORM, no row has it (and the
    database would refuse it as a parameter)."""
    return type(value) is not int or -(2**63) <= value < 2**63


class KeyLookup(Generic[M]):
    """`build(key)` is a queryset whose SQL has `key` as its one changing value (any others
    are constants); `all(key)` and `get(key)` give what `list(build(key))` and
    `build(key).first()` would, from SQL compiled once. `sample` stands for the key while
    compiling: it must not equal any of the constants.

    With many=True the key is a sequence of whole numbers, for `__in=key`; the SQL is
    compiled once per length (the last `lengths` kept), with `sample`, `sample - 1`, … standing
    for the numbers.

        USER = KeyLookup(lambda pk: User.objects.select_related("unit").filter(pk=pk), sample=-1)
        USER.get(12)  # the user 12 with their unit, or None
    """

    def __init__(self, build: Callable[[Any], QuerySet[M]], sample: Any, *, many: bool = False,
                 lengths: int = 64) -> None:
        self.build = build
        self.sample = sample
        self.many = many
        self.model = build((sample,) if many else sample).model
        self._compiled = functools.lru_cache(maxsize=lengths)(self._compile)

    def all(self, key: Any) -> list[M]:
        alias = router.db_for_read(self.model)
        if self.many:
            keys = tuple(one for one in key if _storable(one))  # the others match no row
            compiled, places = self._compiled(alias, len(keys))
        elif _storable(key):
            keys = (key,)
            compiled, places = self._compiled(alias, 1)
        else:
            return []
        params = list(compiled.params)
        for place, one in zip(places, keys, strict=True):
            params[place] = one
        return compiled.run(params)

    def get(self, key: Any) -> M | None:
        found = self.all(key)
        return found[0] if found else None

    def _compile(self, alias: str, length: int) -> tuple[_Compiled, list[int]]:
        samples = tuple(self.sample - i for i in range(length)) if self.many else (self.sample,)
        compiled = _Compiled.of(self.build(samples if self.many else self.sample), alias)
        if not compiled.sql:  # no row can match (`__in` an empty sequence)
            return compiled, []
        places = [[i for i, param in enumerate(compiled.params) if param == sample] for sample in samples]
        if any(len(found) != 1 for found in places):
            raise ValueError(f"the key must be exactly one parameter of the query: {compiled.params!r}")
        return compiled, [found[0] for found in places]


class Fixed(Generic[M]):
    """`build(*values)` is a queryset of `model`; `rows(*values)` gives what
    `list(build(*values))` would, from SQL compiled once per database and set of (hashable)
    values, of which the last `keep` are kept.

        WEEKS = Fixed(TaskCount, lambda since: TaskCount.objects.filter(day__gte=since).values_list("day", "n"))
        WEEKS.rows(monday)  # [(day, n), …]
    """

    def __init__(self, model: type[Model], build: Callable[..., QuerySet[M]], keep: int = 8) -> None:
        self.model = model
        self.build = build
        self._compiled = functools.lru_cache(maxsize=keep)(self._compile)

    def rows(self, *values: Hashable) -> list[Any]:
        compiled = self._compiled(router.db_for_read(self.model), values)
        return compiled.run(compiled.params)

    def _compile(self, alias: str, values: tuple[Hashable, ...]) -> _Compiled:
        return _Compiled.of(self.build(*values), alias)
