"""Who may see and do what with a task. Services call these; so do views, to show actions.

- A supervision officer reads everything and manages every task.
- A unit liaison reads and acts on tasks whose lead or a cooperating unit is theirs or
  below theirs; signs for, decomposes and asks completion only as (an ancestor of) the
  lead unit; manages the sub-tasks of tasks their unit leads.
- A leader reads everything but drafts and writes only instructions.
- A meeting secretary records meetings and reads them; the three administrators
  touch no business data.
- A draft is the supervision office's alone until it is assigned: no liaison or leader sees it.

What a user may read is one `ReadScope` (`read_scope(user)`); `visible_tasks`, the ledger's
counts (luoshi/tasks/counts.py), search, scoring, calendars, documents, the API and the
portal all build on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from luoshi.accounts.models import User
from luoshi.lib import NotFound
from luoshi.tasks.lifecycle import PUBLIC, UNIT_VISIBLE, Action, Status, allowed_actions
from luoshi.tasks.models import Task
from luoshi.units.models import subtree_ids

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
    return task.parent is not None and has_lead_access(user, task.parent)  # no query without a parent


@dataclass(frozen=True)
class ReadScope:
    """What a user may read of the tasks: every task, the tasks led by or cooperated on by
    the units of one subtree (`path`), or nothing; and of those only the ones in `statuses`
    (the office reads drafts, nobody else does). `public` keeps only tasks marked public
    (the portal's reader)."""

    everything: bool = False
    path: str = ""
    statuses: frozenset[str] = frozenset()
    public: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.path) or not self.statuses

    @property
    def all_statuses(self) -> bool:
        return self.statuses >= ALL_STATUSES

    def tasks(self) -> QuerySet[Task]:
        tasks = Task.objects.all()
        if self.nothing:
            return tasks.none()
        if not self.all_statuses:
            hidden = ALL_STATUSES - self.statuses
            tasks = tasks.exclude(status__in=sorted(hidden)) if len(hidden) < len(self.statuses) else \
                tasks.filter(status__in=sorted(self.statuses))
        if self.public:
            tasks = tasks.filter(public=True)
        if self.everything:
            return tasks
        units = subtree_ids(self.path)
        return tasks.filter(Q(lead_unit__in=units) | Q(
            pk__in=Task.cooperating_units.through.objects.filter(unit__in=units).values("task_id")))

    def allows(self, task: Task) -> bool:
        """May a task already read be shown under this scope? (One query for a liaison's
        cooperating units, none otherwise.)"""
        if self.nothing or task.status not in self.statuses or (self.public and not task.public):
            return False
        if self.everything or task.lead_unit.path.startswith(self.path):
            return True
        return task.cooperating_units.filter(path__startswith=self.path).exists()


ALL_STATUSES = frozenset(Status.values)
NOTHING = ReadScope()
# The public portal: tasks marked public, in the statuses it may show, with no login.
PUBLIC_SCOPE = ReadScope(everything=True, statuses=PUBLIC, public=True)


def read_scope(user: User) -> ReadScope:
    """The one answer to "what may this user read?". The office reads every task, drafts
    included; a leader every task but drafts; a liaison the tasks of their unit's subtree
    (as lead or cooperating unit) but drafts; everybody else nothing."""
    if not user.is_active or user.is_administrator:
        return NOTHING
    if user.role == Role.SUPERVISOR:
        return ReadScope(everything=True, statuses=ALL_STATUSES)
    if user.role == Role.LEADER:
        return ReadScope(everything=True, statuses=UNIT_VISIBLE)
    if user.role == Role.LIAISON and user.unit is not None:
        return ReadScope(path=user.unit.path, statuses=UNIT_VISIBLE)
    return NOTHING


def can_read(user: User, task: Task) -> bool:
    return read_scope(user).allows(task)


def can(user: User, action: str, task: Task) -> bool:
    """May `user` take `action` on `task`, leaving the life cycle aside?"""
    if action in {Action.SIGN, Action.REQUEST_COMPLETION, Action.REQUEST_EXTENSION, Action.REQUEST_RETURN,
                  Action.COMPLETE_MILESTONE, Action.ASK_FOR_INPUT}:
        return has_lead_access(user, task)
    if action == Action.REPORT:
        return has_unit_access(user, task)
    if action in {Action.ADD_MILESTONE, Action.RECORD_ACTUALS}:
        return manages(user, task) or has_lead_access(user, task)
    if action == Action.DECOMPOSE:
        return is_supervisor(user) or has_lead_access(user, task)
    if action == Action.ESCALATE:
        return is_supervisor(user)
    if action in {Action.ASSIGN, Action.APPROVE, Action.RETURN, Action.SUSPEND, Action.RESUME,
                  Action.CANCEL, Action.URGE, Action.REASSIGN, Action.UPDATE, Action.PLAN_INDICATORS}:
        return manages(user, task)
    if action == Action.INSTRUCT:
        return user.is_active and user.role == Role.LEADER
    return False


def may_offer(user: User, action: str, task: Task) -> bool:
    """Should `action` be offered to `user` on `task` now: allowed to them and possible from
    the task's status? The task page and the API both ask."""
    return can(user, action, task) and action in allowed_actions(task.status)


def visible_tasks(user: User) -> QuerySet[Task]:
    """The tasks `user` may read (read_scope)."""
    return read_scope(user).tasks()


# Read with a task wherever one task is shown or acted on (the task page uses each).
TASK_RELATED = ("lead_unit", "parent__lead_unit", "directive__meeting", "instruction_document__leader")


def get_task_for_user(user: User, pk: int | str, action: str | None = None) -> Task:
    """The task, if `user` may see it (and take `action` on it); else NotFound, whether
    it does not exist or is not theirs: the two look the same."""
    try:
        key = int(pk)
    except ValueError:
        raise NotFound("task") from None
    task = read_scope(user).tasks().select_related(*TASK_RELATED).filter(pk=key).first()
    if task is None:
        raise NotFound("task")
    if action is not None and not can(user, action, task):
        raise NotFound("task")
    return task
