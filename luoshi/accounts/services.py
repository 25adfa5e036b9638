"""Every change to accounts and roles goes through here (the security administrator's work)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.lib import Forbidden, InvalidInput
from luoshi.units.models import Unit

ROLES_WITH_UNIT = {User.Role.LIAISON}


def _check_may_manage_accounts(actor: User | None, subject: User | None = None) -> None:
    if actor is None:  # the command line acts as the machine's operator
        return
    if not actor.is_active or actor.role != User.Role.SECURITY_ADMIN:
        raise Forbidden(_("Only the security administrator manages accounts and roles."))
    if subject is not None and subject.pk == actor.pk:
        raise Forbidden(_("Nobody may change their own role."))


def user_snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username, "role": user.role, "is_active": user.is_active,
        "unit": user.unit.code if user.unit else None, "name": user.get_full_name(),
    }


@transaction.atomic
def create_user(
    actor: User | None,
    *,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    email: str = "",
    check_password: bool = True,
) -> User:
    _check_may_manage_accounts(actor)
    if role not in User.Role.values:
        raise InvalidInput(_("Unknown role: %(role)s") % {"role": role})
    if role in ROLES_WITH_UNIT and unit is None:
        raise InvalidInput(_("A unit liaison must belong to a unit."))
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("The username %(username)s is taken.") % {"username": username})
    user = User(
        username=username, role=role, unit=unit, first_name=first_name,
        last_name=last_name, title=title, email=email,
    )
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages)) from None
    user.set_password(password)
    user.save()
    record_event(actor, "create_user", user, after=user_snapshot(user))
    return user


@transaction.atomic
def set_role(actor: User | None, user: User, role: str, unit: Unit | None = None) -> User:
    _check_may_manage_accounts(actor, subject=user)
    if role not in User.Role.values:
        raise InvalidInput(_("Unknown role: %(role)s") % {"role": role})
    if role in ROLES_WITH_UNIT and unit is None:
        raise InvalidInput(_("A unit liaison must belong to a unit."))
    before = user_snapshot(user)
    user.role, user.unit = role, unit
    user.save(update_fields=["role", "unit"])
    record_event(actor, "set_role", user, before=before, after=user_snapshot(user))
    return user
