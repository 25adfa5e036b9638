"""Who is in charge of what on a given day (分管领导). Reads only models, so that the
notifications and the requests can ask it without importing any service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.leaders.models import LeaderInCharge
from luoshi.tasks.models import Task
from luoshi.units.models import Unit, subtree_ids


def current(day: dt.date | None = None) -> QuerySet[LeaderInCharge]:
    """The portfolio rows in force on `day` (today by default)."""
    day = day or lib.today()
    return LeaderInCharge.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


def _ancestor_paths(unit: Unit) -> list[str]:
    """"/LN/SY/SY-HP/" → ["/LN/", "/LN/SY/", "/LN/SY/SY-HP/"]: the unit and those above it."""
    parts = [p for p in unit.path.split("/") if p]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


def leaders_in_charge(area_ids: Iterable[int], units: Iterable[Unit], day: dt.date | None = None) -> list[User]:
    """The active leaders in charge, on `day`, of any of the areas or of any of the units (a
    leader in charge of a unit is in charge of the units below it). Empty when none is mapped."""
    areas = list(area_ids)
    paths = sorted({path for unit in units for path in _ancestor_paths(unit)})
    if not areas and not paths:
        return []
    rows = current(day).filter(Q(area__in=areas) | Q(unit__path__in=paths))
    return list(User.objects.filter(is_active=True, role=User.Role.LEADER, pk__in=rows.values("leader_id"))
                .order_by("pk"))


def all_leaders() -> list[User]:
    return list(User.objects.filter(is_active=True, role=User.Role.LEADER).order_by("pk"))


def leaders_for(area_ids: Iterable[int], units: Iterable[Unit], day: dt.date | None = None) -> list[User]:
    """The leaders in charge, or every leader when nobody is in charge of these (the rule
    before portfolios were mapped)."""
    return leaders_in_charge(area_ids, units, day) or all_leaders()


def leaders_for_task(task: Task, day: dt.date | None = None) -> list[User]:
    """Who hears about a task at leader level: the leaders in charge of its priority areas or
    its lead unit, else every leader."""
    area_ids = list(task.priority_areas.values_list("pk", flat=True)) if task.pk else []
    return leaders_for(area_ids, [task.lead_unit], day)


def in_charge_of(user: User, task: Task, day: dt.date | None = None) -> bool:
    """Is `user` one of the leaders who hear about `task` (leaders_for_task)?"""
    return user.is_active and user.role == User.Role.LEADER and any(
        leader.pk == user.pk for leader in leaders_for_task(task, day))


def portfolio_tasks(user: User, tasks: QuerySet[Task], day: dt.date | None = None) -> QuerySet[Task]:
    """Of `tasks`, those in `user`'s portfolio on `day`: in one of their areas, or led by one
    of their units or a unit below it. None when they have no portfolio."""
    rows = list(current(day).filter(leader=user).select_related("unit"))
    if not rows:
        return tasks.none()
    condition = Q()
    areas = [row.area_id for row in rows if row.area_id is not None]
    if areas:
        condition |= Q(pk__in=Task.priority_areas.through.objects.filter(priorityarea_id__in=areas)
                       .values("task_id"))
    for row in rows:
        if row.unit is not None:
            condition |= Q(lead_unit__in=subtree_ids(row.unit.path))
    return tasks.filter(condition)


def has_portfolio(user: User, day: dt.date | None = None) -> bool:
    return current(day).filter(leader=user).exists()
