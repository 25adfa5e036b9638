"""The stored task counts behind the dashboards: exact after every way a task changes."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi import lib
from luoshi.meetings.services import create_priority_area
from luoshi.tasks import counts, services
from luoshi.tasks.models import Task, TaskCount
from luoshi.testing.fixtures import Province


def stored(key: str) -> int:
    return TaskCount.objects.filter(key=key).values_list("n", flat=True).first() or 0


def test_it_counts_every_service_action_exactly(province: Province) -> None:
    """Create, assign, sign, report, edit, block, suspend, resume, complete, return, cancel, decompose."""
    task = province.draft()
    assert stored(f"unit:{province.emergency.pk}:draft") == 1  # a draft has no light
    assert stored(f"area:{province.area.pk}:draft") == 1
    assert counts.drift() == {}
    task = services.assign_task(province.supervisor, task)
    task = services.sign_task(province.liaison, task)
    assert stored(f"unit:{province.emergency.pk}:draft") == 0
    assert stored(f"unit:{province.emergency.pk}:signed:green") == 1
    services.report_progress(province.liaison, task, text="under way", progress=30)
    task = services.update_task(province.supervisor, Task.objects.get(pk=task.pk), blocked=True,
                                deadline=lib.today() + dt.timedelta(days=3))
    assert stored(f"unit:{province.emergency.pk}:in_progress:red") == 1
    assert stored(f"deadline:{lib.today() + dt.timedelta(days=3)}:in_progress") == 1
    assert counts.drift() == {}
    task = services.suspend_task(province.supervisor, task, reason="funds")
    task = services.resume_task(province.supervisor, task)
    task = services.request_completion(province.liaison, task, text="done")
    task = services.return_task(province.supervisor, task, reason="not yet")
    task = services.request_completion(province.liaison, task, text="done now")
    task = services.approve_completion(province.supervisor, task, grade="good")
    assert stored(f"completed:{lib.today()}") == 1
    assert counts.drift() == {}
    parent = province.signed(province.city)
    services.decompose_task(province.city_liaison, parent, [services.SubTask(province.county, "district part")])
    province.cancelled()
    assert counts.drift() == {}


def test_a_task_counts_in_each_of_its_priority_areas(province: Province) -> None:
    """A new task and its sub-tasks count in every area of their directive, and move with
    their status in each."""
    roads = create_priority_area(None, code="ROADS", name_zh="道路", name_en="roads")
    directive = province.directive
    directive.priority_areas.add(roads)
    task = services.create_task(province.supervisor, directive, lead_unit=province.emergency, title="both areas",
                                deadline=lib.today() + dt.timedelta(days=30))
    assert stored(f"area:{roads.pk}:draft") == 1 and stored(f"area:{province.area.pk}:draft") == 1
    task = services.sign_task(province.liaison, services.assign_task(province.supervisor, task))
    assert stored(f"area:{roads.pk}:draft") == 0 and stored(f"area:{roads.pk}:signed:green") == 1
    services.decompose_task(province.supervisor, task, [services.SubTask(province.emergency, "part")])
    assert stored(f"area:{roads.pk}:assigned:green") == 1
    assert counts.drift() == {}


def test_a_write_past_the_services_is_not_counted_until_the_pass(province: Province) -> None:
    """The counts follow the services, not the ORM: a priority area added directly drifts
    until the daily pass recounts."""
    task = province.signed()
    roads = create_priority_area(None, code="ROADS", name_zh="道路", name_en="roads")
    task.priority_areas.add(roads)
    assert counts.drift() == {f"area:{roads.pk}:signed:green": (0, 1)}
    services.refresh_lights()
    assert counts.drift() == {}


def test_the_daily_pass_moves_counts_with_the_lights(province: Province) -> None:
    """A deadline passing overnight turns the light red; the counts follow the pass."""
    task = province.signed(deadline_days=1)
    assert stored(f"unit:{province.emergency.pk}:signed:green") == 1
    assert services.refresh_lights(lib.today() + dt.timedelta(days=3)) == 1
    assert Task.objects.get(pk=task.pk).light == "red"
    assert stored(f"unit:{province.emergency.pk}:signed:red") == 1
    assert stored(f"unit:{province.emergency.pk}:signed:green") == 0
    assert counts.drift() == {}


def test_the_daily_pass_mends_counts_that_went_wrong(province: Province) -> None:
    """Anything written past save() (a raw UPDATE) is counted right again by the pass."""
    province.signed()
    Task.objects.update(status="in_progress")
    assert counts.drift() != {}
    services.refresh_lights()
    assert counts.drift() == {}


def test_a_ledger_import_is_counted(province: Province) -> None:
    """Tasks inserted in bulk by the ledger import are in the counts when the import commits."""
    from luoshi.ledgers import services as ledgers
    from luoshi.ledgers.tests.helpers import GOOD_ROWS, upload

    ledger = ledgers.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    ledgers.import_ledger(province.supervisor, ledger, token=ledger.token)
    assert Task.objects.count() == 3
    assert TaskCount.objects.filter(kind="unit").count() > 0
    assert counts.drift() == {}


def test_deleting_a_task_takes_its_counts_away(province: Province) -> None:
    """A deleted draft leaves no count behind."""
    task = province.draft()
    assert TaskCount.objects.exclude(n=0).exists()
    assert services.delete_draft_tasks(province.supervisor, [task]) == 1
    assert counts.drift() == {}
    assert not TaskCount.objects.exclude(n=0).exists()


def test_rebuild_gives_the_same_counts(province: Province) -> None:
    """A full recount agrees with the counts kept step by step."""
    province.completed()
    province.in_progress(province.city)
    kept = dict(TaskCount.objects.exclude(n=0).values_list("key", "n"))
    assert counts.rebuild() == len(kept)
    assert dict(TaskCount.objects.values_list("key", "n")) == kept


def test_a_failed_write_leaves_the_counts_as_they_were(province: Province) -> None:
    """The counts move in the task's transaction: a refused change moves nothing."""
    task = province.signed()
    before = dict(TaskCount.objects.values_list("key", "n"))
    with pytest.raises(lib.InvalidInput):
        services.report_progress(province.liaison, task, text="too much", progress=140)
    assert dict(TaskCount.objects.values_list("key", "n")) == before


def test_the_ledger_counts_from_the_stored_rows_equal_a_live_count(province: Province) -> None:
    """For every filter the stored counts can answer, and for those they cannot, the ledger's
    numbers are the live count, for a reader of everything and for a liaison."""
    import itertools

    from django.db.models import Count

    from luoshi.tasks.counts import Counts
    from luoshi.tasks.ledger import LedgerQuery, ledger_counts
    from luoshi.tasks.permissions import visible_tasks

    def count_by_light(tasks):
        return Counts.of(tasks.order_by().values_list("status", "light").annotate(n=Count("id")))

    province.draft()
    province.signed(province.city)
    province.in_progress(province.county, deadline_days=2)
    province.completed(province.health)
    province.cancelled()
    late = province.signed(province.city)
    Task.objects.filter(pk=late.pk).update(light="red")  # as the daily pass would
    # Cooperation across the tree: a liaison sees these without leading them.
    province.signed(province.health, cooperating_units=[province.county, province.city])
    province.in_progress(province.emergency, cooperating_units=[province.health])
    province.assigned(province.city, cooperating_units=[province.county, province.emergency])
    counts.rebuild()
    units = [None, province.root, province.city, province.county, province.health]
    areas = [None, province.area]
    liaisons = (province.city_liaison, province.county_liaison, province.liaison, province.other_liaison)
    for unit, area, status, light in itertools.product(units, areas, ["", "signed", "completed"],
                                                       ["", "red", "green"]):
        query = LedgerQuery(unit=unit, area=area, status=status, light=light)
        for user in (province.supervisor, province.leader, province.secretary, *liaisons):
            live = count_by_light(query.filter(visible_tasks(user)))
            assert ledger_counts(user, query) == live, (user, unit, area, status, light)
    soon = LedgerQuery(deadline_to=lib.today() + dt.timedelta(days=5))
    assert ledger_counts(province.supervisor, soon) == count_by_light(soon.filter(Task.objects.all()))
    assert ledger_counts(province.supervisor, LedgerQuery()).total == Task.objects.count() == 9
    assert ledger_counts(province.leader, LedgerQuery()).total == 8  # every task but the draft
    assert ledger_counts(province.county_liaison, LedgerQuery(unit=province.health)).total == 1
