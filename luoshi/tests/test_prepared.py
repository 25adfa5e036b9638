"""KeyLookup and Fixed (luoshi/prepared.py) give what their querysets give, from SQL compiled once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model, Sum
from django.test.utils import CaptureQueriesContext

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.prepared import Fixed, KeyLookup
from luoshi.tasks import services
from luoshi.tasks.models import Task, TaskCount, Urge
from luoshi.units.models import Unit

USERS = KeyLookup(lambda pk: User.objects.select_related("unit").filter(pk=pk), sample=-1)
URGES = KeyLookup(lambda pk: Urge.objects.filter(task_id=pk).select_related("by", "to_unit").order_by("id"), sample=-1)
EVENTS = KeyLookup(lambda pk: AuditEvent.objects.filter(object_type="tasks.task", object_id=pk).select_related("actor")
                   .only("verb", "actor__username").order_by("-id")[:3], sample="-1")
UNITS = KeyLookup(lambda ids: Unit.objects.filter(pk__in=ids).order_by("path"), sample=-1, many=True)
BY_LIGHT = Fixed(TaskCount, lambda kind, light: TaskCount.objects.filter(kind=kind, light=light).order_by()
                 .values_list("status").annotate(total=Sum("n")).order_by("status"))
UNITS_SINCE = Fixed(Unit, lambda ids: Unit.objects.filter(pk__in=ids).order_by("pk"))


def state(instance: Model | None) -> dict[str, Any]:
    """An instance's field values and the related objects select_related cached, compared as values."""
    assert instance is not None
    fields = {key: value for key, value in vars(instance).items() if key != "_state"}
    related = {name: state(value) if value is not None else None
               for name, value in instance._state.fields_cache.items()}
    return {"type": type(instance), "db": instance._state.db, "adding": instance._state.adding,
            "fields": fields, "related": related, "deferred": instance.get_deferred_fields()}


def test_it_reads_a_user_with_their_unit_as_the_orm_does(province):
    """Every field (booleans, times, JSON of the unit) converts as the ORM converts it, on either database."""
    for user in (province.supervisor, province.leader, province.outsider):
        assert state(USERS.get(user.pk)) == state(User.objects.select_related("unit").get(pk=user.pk))
    assert USERS.get(province.leader.pk).unit is None  # type: ignore[union-attr]


def test_it_says_none_for_a_missing_or_impossible_key(province):
    """No row: None, and an id no 64-bit column can hold is not sent to the database."""
    assert USERS.get(10**9) is None
    with CaptureQueriesContext(connection) as queries:
        assert USERS.get(2**63) is None and USERS.all(-(2**63) - 1) == []
    assert len(queries) == 0


def test_it_lists_rows_with_related_objects_that_may_be_missing(province):
    """Urges by a person and by the daily check (no `by`) come back as the ORM gives them, in its order."""
    task = province.signed()
    services.urge_task(province.supervisor, task, text="faster")
    services.urge_task(province.supervisor, task, text="faster still")
    Urge.objects.create(task=task, to_unit=task.lead_unit, text="the daily check", by=None, created_at=lib.now())
    expected = list(Urge.objects.filter(task_id=task.pk).select_related("by", "to_unit").order_by("id"))
    assert [state(urge) for urge in URGES.all(task.pk)] == [state(urge) for urge in expected]
    assert URGES.all(task.pk)[-1].by is None


def test_it_keeps_constants_limits_and_deferred_fields(province):
    """A string key beside a constant, only(), a slice: the same rows, with the same fields deferred."""
    task = province.signed()
    expected = list(AuditEvent.objects.filter(object_type="tasks.task", object_id=str(task.pk)).select_related("actor")
                    .only("verb", "actor__username").order_by("-id")[:3])
    found = EVENTS.all(str(task.pk))
    assert len(found) == 3 and [state(event) for event in found] == [state(event) for event in expected]
    assert found[0].get_deferred_fields() and found[0].actor.username == expected[0].actor.username  # type: ignore[union-attr]


def test_it_runs_one_query_and_builds_none(province):
    """After the first call, a lookup is one statement and no new compilation."""
    USERS.get(province.supervisor.pk)
    with CaptureQueriesContext(connection) as queries:
        USERS.get(province.leader.pk)
    assert len(queries) == 1 and str(province.leader.pk) in queries[0]["sql"]


def test_it_refuses_a_queryset_whose_key_is_not_one_parameter(province):
    """A sample equal to a constant, or no parameter at all, cannot be bound."""
    twice = KeyLookup(lambda pk: User.objects.filter(pk=pk, unit_id=-1), sample=-1)
    with pytest.raises(ValueError, match="exactly one parameter"):
        twice.get(province.supervisor.pk)
    none = KeyLookup(lambda pk: User.objects.filter(is_active=True), sample=-1)
    with pytest.raises(ValueError, match="exactly one parameter"):
        none.get(province.supervisor.pk)


def test_it_looks_up_a_list_of_ids_of_any_length(province):
    """many=True: the same rows as pk__in for lists of several lengths, duplicates and ids no row has."""
    ids = [unit.pk for unit in (province.city, province.county, province.emergency, province.root)]
    for key in (ids, ids[:1], ids[1:3], [ids[0], ids[0], 10**9], [2**70, ids[2]]):
        expected = list(Unit.objects.filter(pk__in=[pk for pk in key if pk < 2**63]).order_by("path"))
        assert [state(unit) for unit in UNITS.all(tuple(key))] == [state(unit) for unit in expected]
    with CaptureQueriesContext(connection) as queries:
        assert UNITS.all(()) == [] and UNITS.all([2**64]) == []
    assert len(queries) == 0


def test_fixed_gives_the_values_list_rows_for_each_set_of_values(province):
    """Each set of values has its own SQL; the rows are values_list's tuples."""
    province.signed()
    province.completed()
    for light in ("green", "red"):
        expected = list(TaskCount.objects.filter(kind=TaskCount.Kind.UNIT, light=light).order_by()
                        .values_list("status").annotate(total=Sum("n")).order_by("status"))
        assert BY_LIGHT.rows(TaskCount.Kind.UNIT, light) == expected
    assert BY_LIGHT.rows(TaskCount.Kind.UNIT, "green") != []


def test_fixed_gives_model_instances_and_nothing_for_an_empty_list(province):
    """pk__in=() compiles to no SQL at all: no row and no query."""
    ids = (province.city.pk, province.county.pk)
    assert [state(unit) for unit in UNITS_SINCE.rows(ids)] == [state(unit) for unit in Unit.objects.filter(pk__in=ids)
                                                                .order_by("pk")]
    with CaptureQueriesContext(connection) as queries:
        assert UNITS_SINCE.rows(()) == []
    assert len(queries) == 0


def test_fixed_sees_the_rows_of_the_moment(province):
    """Only the SQL is kept, never the rows: a new task shows at once."""
    before = dict(BY_LIGHT.rows(TaskCount.Kind.UNIT, "green"))
    province.signed(deadline_days=60)
    after = dict(BY_LIGHT.rows(TaskCount.Kind.UNIT, "green"))
    assert after.get("signed", 0) == before.get("signed", 0) + 1


def test_it_refuses_what_it_would_not_give_as_the_queryset_does(province):
    """values() and values_list(flat=True) are other shapes; prefetch_related() and annotations
    on instances would be dropped: all refused rather than answered differently."""
    for build, message in [(lambda: Task.objects.values("id"), "can be prepared"),
                           (lambda: Task.objects.values_list("id", flat=True), "can be prepared"),
                           (lambda: Task.objects.prefetch_related("cooperating_units"), "prefetch_related"),
                           (lambda: Task.objects.annotate(n=Sum("progress")), "annotations")]:
        with pytest.raises(ValueError, match=message):
            Fixed(Task, build).rows()


def test_a_day_is_compiled_with_its_own_date(province):
    """Dates among the values are bound as the ORM binds them (text on SQLite)."""
    since = Fixed(TaskCount, lambda day: TaskCount.objects.filter(kind=TaskCount.Kind.DEADLINE, day__gte=day)
                  .values_list("day", "n").order_by("day"))
    province.signed(deadline_days=10)
    today = lib.today()
    assert since.rows(today) == list(TaskCount.objects.filter(kind=TaskCount.Kind.DEADLINE, day__gte=today)
                                     .values_list("day", "n").order_by("day"))
    assert since.rows(today + dt.timedelta(days=30)) == []
