"""Every change to the unit tree goes through here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record_event
from luoshi.lib import Forbidden, InvalidInput
from luoshi.units.models import Unit

if TYPE_CHECKING:
    from luoshi.accounts.models import User


def _check_may_manage_units(actor: User | None) -> None:
    from luoshi.accounts.models import User

    if actor is None:  # the command line acts as the machine's operator
        return
    assert isinstance(actor, User)
    if not actor.is_active or actor.role != User.Role.SYSTEM_ADMIN:
        raise Forbidden(_("Only the system administrator manages units."))


@transaction.atomic
def create_unit(
    actor: User | None,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    kind: str,
    parent: Unit | None = None,
    keywords_zh: list[str] | None = None,
    keywords_en: list[str] | None = None,
) -> Unit:
    _check_may_manage_units(actor)
    if kind not in Unit.Kind.values:
        raise InvalidInput(_("Unknown unit kind: %(kind)s") % {"kind": kind})
    if Unit.objects.filter(code=code).exists():
        raise InvalidInput(_("A unit with code %(code)s already exists.") % {"code": code})
    unit = Unit.objects.create(
        code=code, name_zh=name_zh, name_en=name_en, kind=kind, parent=parent,
        keywords_zh=keywords_zh or [], keywords_en=keywords_en or [],
    )
    record_event(actor, "create_unit", unit, after=unit_snapshot(unit))
    return unit


def unit_snapshot(unit: Unit) -> dict[str, object]:
    return {
        "code": unit.code, "name_zh": unit.name_zh, "name_en": unit.name_en,
        "kind": unit.kind, "parent": unit.parent.code if unit.parent else None,
    }


def _keywords(values: list[str] | None) -> list[str]:
    seen: list[str] = []
    for value in values or []:
        value = value.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def unit_details(unit: Unit) -> dict[str, object]:
    return {**unit_snapshot(unit), "keywords_zh": unit.keywords_zh, "keywords_en": unit.keywords_en}


@transaction.atomic
def rename_unit(
    actor: User | None,
    unit: Unit,
    *,
    name_zh: str,
    name_en: str,
    keywords_zh: list[str] | None = None,
    keywords_en: list[str] | None = None,
) -> Unit:
    """Change a unit's names and the keywords that suggest it as a lead unit. Its code stays:
    paths and imported ledgers refer to it."""
    _check_may_manage_units(actor)
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not name_zh or not name_en:
        raise InvalidInput(_("A unit needs a Chinese and an English name."))
    before = unit_details(unit)
    unit.name_zh, unit.name_en = name_zh[:200], name_en[:200]
    unit.keywords_zh, unit.keywords_en = _keywords(keywords_zh), _keywords(keywords_en)
    after = unit_details(unit)
    if after == before:
        return unit
    unit.save(update_fields=["name_zh", "name_en", "keywords_zh", "keywords_en"])
    record_event(actor, "rename_unit", unit, before=before, after=after)
    return unit


class NeedsConfirmation(InvalidInput):
    """The move changes who sees tasks: the caller must confirm this many tasks."""

    def __init__(self, message: str, tasks: int, gaining: list[Unit], losing: list[Unit]) -> None:
        super().__init__(message)
        self.tasks, self.gaining, self.losing = tasks, gaining, losing


def tasks_touching(unit: Unit) -> int:
    """How many tasks a unit's subtree leads or cooperates on: those whose readers a move changes."""
    from django.db.models import Q

    from luoshi.tasks.models import Task

    inside = Q(lead_unit__path__startswith=unit.path) | Q(cooperating_units__path__startswith=unit.path)
    return Task.objects.filter(inside).values("pk").distinct().count()


def _ancestors(unit: Unit) -> list[Unit]:
    codes = [code for code in unit.path.strip("/").split("/")]
    by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


@transaction.atomic
def move_unit(actor: User | None, unit: Unit, *, parent: Unit, confirmed_tasks: int | None = None) -> Unit:
    """Put a unit (and everything below it) under another parent, e.g. a county that a
    reorganisation moves to another city. The liaisons above the new place start seeing the
    subtree's tasks and those above the old place stop (issue 16, item 12): a move that
    touches tasks needs `confirmed_tasks` equal to their number, after the system
    administrator has been shown who gains and who loses sight of them (audited)."""
    _check_may_manage_units(actor)
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    parent = Unit.objects.get(pk=parent.pk)
    if unit.parent is None:
        raise InvalidInput(_("The top of the tree cannot be moved."))
    if parent.is_within(unit):
        raise InvalidInput(_("A unit cannot be moved below itself or one of its own sub-units."))
    if parent.pk == unit.parent_id:
        return unit
    affected = tasks_touching(unit)
    old_above, new_above = _ancestors(unit.parent), _ancestors(parent)
    gaining = [u for u in new_above if u not in old_above]
    losing = [u for u in old_above if u not in new_above]
    if affected and confirmed_tasks != affected:
        raise NeedsConfirmation(
            _("Moving “%(unit)s” changes who sees %(n)s tasks: the liaisons of %(gaining)s will see them, "
              "those of %(losing)s will no longer. Confirm the move to go ahead.") % {
                "unit": unit.name, "n": affected, "gaining": "、".join(u.name for u in gaining) or "—",
                "losing": "、".join(u.name for u in losing) or "—"},
            affected, gaining, losing)
    before = unit_details(unit)
    old_path = unit.path
    new_path = parent.path + unit.code + "/"
    subtree = list(Unit.objects.select_for_update().filter(path__startswith=old_path))
    for member in subtree:
        member.path = new_path + member.path[len(old_path):]
        if member.pk == unit.pk:
            member.parent = parent
    Unit.objects.bulk_update(subtree, ["path", "parent"])
    unit = Unit.objects.select_related("parent").get(pk=unit.pk)
    record_event(actor, "move_unit", unit, before=before, after={
        **unit_details(unit), "units_moved": len(subtree), "tasks_confirmed": affected,
        "liaisons_gaining": [u.code for u in gaining], "liaisons_losing": [u.code for u in losing]})
    return unit
