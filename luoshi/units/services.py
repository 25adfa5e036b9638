"""Every change to the unit tree goes through here."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record_event
from luoshi.lib import Forbidden, InvalidInput
from luoshi.units.models import Unit


def _check_may_manage_units(actor: object | None) -> None:
    from luoshi.accounts.models import User

    if actor is None:  # the command line acts as the machine's operator
        return
    assert isinstance(actor, User)
    if not actor.is_active or actor.role != User.Role.SYSTEM_ADMIN:
        raise Forbidden(_("Only the system administrator manages units."))


@transaction.atomic
def create_unit(
    actor: object | None,
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
