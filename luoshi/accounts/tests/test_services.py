"""Accounts and roles are the security administrator's, and only theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from luoshi.accounts.models import User
from luoshi.accounts.services import create_user, set_role
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput
from luoshi.testing.fixtures import Province

STRONG = "correct horse battery staple 42"
PERSONAS = ["supervisor", "liaison", "leader", "secretary", "sysadmin", "secadmin", "auditadmin", "outsider"]


def new_user(actor: Any, **kwargs: Any) -> User:
    values: dict[str, Any] = {"username": "wang.fang", "password": STRONG, "role": User.Role.SECRETARY}
    values.update(kwargs)
    return create_user(actor, **values)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_security_administrator_create_accounts(province: Province, persona: str):
    """The security administrator creates accounts; everybody else is Forbidden and nothing is saved."""
    actor = getattr(province, persona)
    if persona == "secadmin":
        user = new_user(actor, role=User.Role.LIAISON, unit=province.health, first_name="Fang", last_name="Wang")
        assert (user.role, user.unit, user.check_password(STRONG)) == (User.Role.LIAISON, province.health, True)
        return
    with pytest.raises(Forbidden):
        new_user(actor)
    assert not User.objects.filter(username="wang.fang").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_security_administrator_set_roles(province: Province, persona: str):
    """The security administrator changes another user's role; everybody else is Forbidden."""
    actor = getattr(province, persona)
    subject = province.secretary if persona != "secretary" else province.leader
    role_before = subject.role
    if persona == "secadmin":
        set_role(actor, subject, User.Role.LIAISON, unit=province.city)
        subject.refresh_from_db()
        assert (subject.role, subject.unit) == (User.Role.LIAISON, province.city)
        return
    with pytest.raises(Forbidden):
        set_role(actor, subject, User.Role.SUPERVISOR)
    subject.refresh_from_db()
    assert subject.role == role_before


@pytest.mark.parametrize("role", [User.Role.SUPERVISOR, User.Role.SECURITY_ADMIN])
def test_it_lets_nobody_change_their_own_role(province: Province, role: str):
    """Not even the security administrator changes their own role."""
    with pytest.raises(Forbidden):
        set_role(province.secadmin, province.secadmin, role)
    province.secadmin.refresh_from_db()
    assert province.secadmin.role == User.Role.SECURITY_ADMIN


def test_it_refuses_an_inactive_security_administrator(province: Province):
    """A deactivated security administrator manages no account."""
    User.objects.filter(pk=province.secadmin.pk).update(is_active=False)
    province.secadmin.refresh_from_db()
    with pytest.raises(Forbidden):
        new_user(province.secadmin)
    with pytest.raises(Forbidden):
        set_role(province.secadmin, province.leader, User.Role.SUPERVISOR)


@pytest.mark.parametrize("password", ["short1!", "123456789012345", "password123456", "wang.fang.2024!"],
                         ids=["too-short", "numeric", "common", "like-the-username"])
def test_it_refuses_a_weak_password_with_the_validators_message(province: Province, password: str):
    """The refusal carries exactly the password validators' messages, and no account is made."""
    with pytest.raises(ValidationError) as validator:
        validate_password(password, User(username="wang.fang"))
    with pytest.raises(InvalidInput) as refusal:
        new_user(province.secadmin, password=password)
    assert str(refusal.value) == " ".join(validator.value.messages)
    assert not User.objects.filter(username="wang.fang").exists()


def test_it_refuses_a_duplicate_username(province: Province):
    """A username is taken once; the second attempt changes nothing."""
    before = (User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput):
        new_user(province.secadmin, username=province.leader.username)
    assert (User.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("kwargs", [{"role": "king"}, {"role": User.Role.LIAISON}], ids=["unknown-role", "liaison-no-unit"])
def test_it_refuses_an_unknown_role_or_a_liaison_without_a_unit(province: Province, kwargs: dict[str, Any]):
    """Roles come from the list, and a liaison belongs to a unit, on creation and on change."""
    with pytest.raises(InvalidInput):
        new_user(province.secadmin, **kwargs)
    with pytest.raises(InvalidInput):
        set_role(province.secadmin, province.leader, kwargs["role"])
    province.leader.refresh_from_db()
    assert province.leader.role == User.Role.LEADER


def test_it_audits_accounts_without_the_password(province: Province):
    """Creating and changing an account are audited by the acting administrator; no password is kept."""
    user = new_user(province.secadmin)
    set_role(province.secadmin, user, User.Role.LIAISON, unit=province.health)
    created, changed = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    assert (created.verb, created.actor, changed.verb, changed.actor) == (
        "create_user", province.secadmin, "set_role", province.secadmin)
    assert (changed.before["role"], changed.after["role"]) == ("secretary", "liaison")
    assert STRONG not in str(created.after) and "password" not in created.after


def test_it_lets_the_command_line_create_the_first_account(db: None):
    """With no acting user (the machine's operator), the first security administrator can be made."""
    user = create_user(None, username="root.admin", password=STRONG, role=User.Role.SECURITY_ADMIN)
    assert AuditEvent.objects.get(verb="create_user").actor_label == "system"
    assert user.role == User.Role.SECURITY_ADMIN
