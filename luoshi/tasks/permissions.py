"""Who may see and do what with a task. Services call these; so do views, to show actions.

- A supervision officer reads everything and manages every task.
- A unit liaison reads and acts on tasks whose lead or a cooperating unit is theirs or
  below theirs; signs for, decomposes and asks completion only as (an ancestor of) the
  lead unit; manages the sub-tasks of tasks their unit leads.
- A leader reads everything and writes only instructions.
- A meeting secretary records meetings and reads them; the three administrators
  touch no business data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from luoshi.accounts.models import User
from luoshi.lib import NotFound
from luoshi.prepared import KeyLookup
from luoshi.tasks.lifecycle import Action, Status, allowed_actions
from luoshi.tasks.models import Task

Role = User.Role


def is_supervisor(user: User) -> bool:
    return user.is_active and user.role == Role.SUPERVISOR


def has_lead_access(user: User, task: Task) -> bool:
    return (user.is_active and user.role == Role.LIAISON and user.unit is not None
            and task.lead_unit.is_within(user.unit))


def has_unit_access(user: User, task: Task) -> bool:
    if has_lead_access(user, task):
        return True
    if not (user.is_active and user.role == Role.LIAISON and user.unit is not None):
        return False
    return task.cooperating_units.filter(path__startswith=user.unit.path).exists()


def manages(user: User, task: Task) -> bool:
    """Supervises this task: the office, or the liaison of the unit that handed it down."""
    if is_supervisor(user):
        return True
    return task.parent_id is not None and has_lead_access(user, task.parent)  # type: ignore[arg-type]


def can_read(user: User, task: Task) -> bool:
    if not user.is_active:
        return False
    if user.reads_everything:
        return True
    return has_unit_access(user, task)


def can(user: User, action: str, task: Task) -> bool:
    """May `user` take `action` on `task`, leaving the life cycle aside?"""
    if action == Action.SIGN or action == Action.REQUEST_COMPLETION:
        return has_lead_access(user, task)
    if action == Action.REPORT:
        return has_unit_access(user, task)
    if action == Action.DECOMPOSE:
        return is_supervisor(user) or has_lead_access(user, task)
    if action == Action.ESCALATE:
        return is_supervisor(user)
    if action in {Action.ASSIGN, Action.APPROVE, Action.RETURN, Action.SUSPEND, Action.RESUME,
                  Action.CANCEL, Action.URGE, "update"}:
        return manages(user, task)
    if action == "instruct":
        return user.is_active and user.role == Role.LEADER
    return False


# Actions outside the life cycle, and the state of the task each needs.
OUTSIDE_LIFE_CYCLE: dict[str, Callable[[Task], bool]] = {
    "instruct": lambda task: task.status != Status.DRAFT,
    "update": lambda task: task.is_open,
}


def may_offer(user: User, action: str, task: Task) -> bool:
    """Should `action` be offered to `user` on `task` now: allowed to them and, for a
    life-cycle action, possible from the task's status? The task page and the API both ask."""
    if not can(user, action, task):
        return False
    in_state = OUTSIDE_LIFE_CYCLE.get(action)
    if in_state is not None:
        return in_state(task)
    return action in allowed_actions(task.status)


def visible_tasks(user: User) -> QuerySet[Task]:
    tasks = Task.objects.all()
    if not user.is_active or user.is_administrator or user.role == Role.SECRETARY:
        return tasks.none()
    if user.reads_everything:
        return tasks
    if user.role == Role.LIAISON and user.unit is not None:
        path = user.unit.path
        mine = Q(lead_unit__path__startswith=path) | Q(
            pk__in=Task.cooperating_units.through.objects.filter(unit__path__startswith=path).values("task_id")
        )
        return tasks.filter(mine)
    return tasks.none()


# Read with a task wherever one task is shown or acted on (the task page uses each).
TASK_RELATED = ("lead_unit", "parent__lead_unit", "directive__meeting")


# A reader of every task needs no filter: the task by its id, compiled once (luoshi/prepared.py).
TASK_BY_ID = KeyLookup(lambda pk: Task.objects.select_related(*TASK_RELATED).filter(pk=pk), sample=-1)


def get_task_for_user(user: User, pk: int | str, action: str | None = None) -> Task:
    """The task, if `user` may see it (and take `action` on it); else NotFound, whether
    it does not exist or is not theirs: the two look the same."""
    try:
        key = int(pk)
    except ValueError:
        raise NotFound("task") from None
    if user.is_active and user.reads_everything:  # visible_tasks(user) is every task
        task = TASK_BY_ID.get(key)
    else:
        task = visible_tasks(user).select_related(*TASK_RELATED).filter(pk=key).first()
    if task is None:
        raise NotFound("task")
    if action is not None and not can(user, action, task):
        raise NotFound("task")
    return task
