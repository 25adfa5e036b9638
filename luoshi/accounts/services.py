"""Every change to accounts and roles goes through here (the security administrator's work)."""

from __future__ import annotations

import datetime as dt
import secrets
import string

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts import policy, totp
from luoshi.accounts.models import LoginThrottle, User
from luoshi.accounts.validators import mask_mobile, normalise_mobile
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
    must_change_password: bool | None = None,
) -> User:
    """Accounts an administrator makes must choose their own password at first login
    (must_change_password defaults to True when an actor is given); the command line
    decides for itself, and the demo users are exempt."""
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
        must_change_password=actor is not None if must_change_password is None else must_change_password,
        password_changed_at=lib.now(),
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


# --- authentication (issue 7): lockout, passwords, second factor, account state -----------------
# The reads these writes rely on (is_locked, password_change_due, …) live in policy.py.


def _check_may_manage_other(actor: User | None, subject: User) -> None:
    _check_may_manage_accounts(actor)
    if actor is not None and subject.pk == actor.pk:
        raise Forbidden(_("Nobody may change their own account's security here."))


@transaction.atomic
def record_login_failure(username: str, *, address: str = "", step: str = "password") -> bool:
    """Count one failed login (a wrong password, or a wrong authenticator code at `step` "totp") for
    `username`, whether an account has it or not; lock it at LUOSHI_LOCKOUT_ATTEMPTS failures
    within the window. Returns whether the name is now locked. Every failure is audited as
    `sign_in_failed`, with the name as typed for its actor (nobody is signed in) and the
    account, or the name's throttle row when no account has it, for its object; a lock as
    `lock_account` by `system`. A lock whose period is over ends here (audited), and this
    failure starts a new count; an attempt while the lock holds counts nothing more."""
    username = username[:150]
    if not username:
        return False
    moment = lib.now()
    window = dt.timedelta(minutes=settings.LUOSHI_LOCKOUT_WINDOW_MINUTES)
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(username=username)
    account = User.objects.filter(username=username).first()
    details: dict[str, object] = {"username": username, "step": step}
    if address:
        details["address"] = address
    if throttle.locked_at is not None:
        if not policy.lock_is_over(throttle.locked_at, moment):
            record_event(None, "sign_in_failed", account or throttle, actor_label=username,
                         after={**details, "locked": True, "refused": "locked"})
            return True
        _end_expired_lock(throttle)
    recent = [at for at in throttle.failures if dt.datetime.fromisoformat(at) > moment - window]
    recent.append(moment.isoformat())
    throttle.failures = recent[-settings.LUOSHI_LOCKOUT_ATTEMPTS:]
    if len(recent) >= settings.LUOSHI_LOCKOUT_ATTEMPTS:
        throttle.locked_at = moment
    throttle.save(update_fields=["failures", "locked_at"])
    locked = throttle.locked_at is not None
    record_event(None, "sign_in_failed", account or throttle, actor_label=username,
                 after={**details, "failures": len(recent), "locked": locked})
    if locked:
        record_event(None, "lock_account", account or throttle,
                     after={"username": username, "failures": len(recent), "locked_at": moment})
    return locked


def _end_expired_lock(throttle: LoginThrottle) -> None:
    """The lockout period is over: forget the lock and its failures, and say so on the trail
    (by `system`, like the lock), at the first login attempt after the end."""
    account = User.objects.filter(username=throttle.username).first()
    record_event(None, "unlock_account", account or throttle,
                 before={"locked": True, "locked_at": throttle.locked_at},
                 after={"locked": False, "reason": "lockout period over",
                        "minutes": settings.LUOSHI_LOCKOUT_MINUTES})
    throttle.failures = []
    throttle.locked_at = None


@transaction.atomic
def clear_login_failures(username: str) -> None:
    """A successful login forgets the earlier failures, and ends (audited) a lock whose period
    is over. A lock that still holds stays: only its period or unlock_account ends it."""
    throttle = LoginThrottle.objects.select_for_update().filter(username=username).first()
    if throttle is None:
        return
    if throttle.locked_at is not None:
        if not policy.lock_is_over(throttle.locked_at, lib.now()):
            return
        _end_expired_lock(throttle)
    throttle.delete()


@transaction.atomic
def note_sign_in(user: User, *, address: str = "") -> None:
    """A successful sign-in: forget the earlier failures (clear_login_failures) and audit it."""
    clear_login_failures(user.username)
    after: dict[str, object] = {"two_step": user.has_totp}
    if address:
        after["address"] = address
    record_event(user, "sign_in", user, after=after)


@transaction.atomic
def note_sign_out(user: User, *, address: str = "", reason: str = "") -> None:
    """Audit a sign-out: by the user (`reason` empty), or by the session rules ("idle", "limit")."""
    after: dict[str, object] = {"reason": reason or "signed out"}
    if address:
        after["address"] = address
    record_event(user, "sign_out", user, after=after)


@transaction.atomic
def unlock_account(actor: User | None, user: User) -> User:
    _check_may_manage_other(actor, user)
    # A lock whose period is over is not a lock any more: its end is audited at the next login.
    deleted, _rows = policy.active_locks().filter(username=user.username).delete()
    if not deleted:
        raise InvalidInput(_("The account %(username)s is not locked.") % {"username": user.username})
    record_event(actor, "unlock_account", user, before={"locked": True}, after={"locked": False})
    return user


@transaction.atomic
def set_active(actor: User | None, user: User, *, active: bool) -> User:
    """Deactivate (sign-in refused, sessions end at their next request) or reactivate."""
    _check_may_manage_other(actor, user)
    if user.is_active == active:
        raise InvalidInput(_("The account %(username)s is already active.") % {"username": user.username}
                           if active else
                           _("The account %(username)s is already deactivated.") % {"username": user.username})
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(actor, "reactivate_user" if active else "deactivate_user", user,
                 before={"is_active": not active}, after={"is_active": active})
    return user


def temporary_password() -> str:
    """A one-time password that passes every profile: four character classes, 20 characters."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _i in range(16))
    return (secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase)
            + secrets.choice(string.digits) + "-" + body)


@transaction.atomic
def reset_password(actor: User | None, user: User) -> str:
    """Give `user` a new one-time password (returned once, never stored in clear or audited)
    that must be changed at the next login; the user's open sessions end."""
    _check_may_manage_other(actor, user)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = lib.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(actor, "reset_password", user, after={"must_change_password": True})  # nosec B105 # an audit field name, not a password
    return password


@transaction.atomic
def change_password(user: User, new_password: str) -> User:
    """The user chooses a new password (the caller has checked the current one)."""
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from None
    if user.check_password(new_password):
        raise InvalidInput(_("The new password must differ from the current one."))
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = lib.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(user, "change_password", user, after={"password_changed_at": user.password_changed_at})
    return user


@transaction.atomic
def enable_totp(user: User, secret: str, code: str) -> User:
    """Turn on the second factor once the user proves their app shows the right code."""
    if user.has_totp:
        raise InvalidInput(_("Two-step sign-in is already on for this account."))
    step = totp.matching_step(secret, code, lib.now())
    if step is None:
        raise InvalidInput(_("That code does not match. Check the time on your phone and try the newest code."))
    user.totp_secret = totp.encrypt(secret)
    user.totp_confirmed_at = lib.now()
    user.totp_last_step = step
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    record_event(user, "enable_totp", user, after={"totp": True})
    return user


@transaction.atomic
def check_totp(user: User, code: str, *, address: str = "") -> bool:
    """The second step of a login: accept a code once (current step ±1, never a step already
    used); a wrong code counts as a failed login towards the lockout."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    secret = totp.decrypt(locked.totp_secret) if locked.has_totp else None
    step = totp.matching_step(secret, code, lib.now()) if secret else None
    if step is None or (locked.totp_last_step is not None and step <= locked.totp_last_step):
        record_login_failure(user.username, address=address, step="totp")
        return False
    User.objects.filter(pk=user.pk).update(totp_last_step=step)
    return True


@transaction.atomic
def reset_totp(actor: User | None, user: User) -> User:
    """Turn off a user's second factor (a lost phone); they enrol again, at once if their role requires it."""
    _check_may_manage_other(actor, user)
    if not user.has_totp:
        raise InvalidInput(_("Two-step sign-in is not on for %(username)s.") % {"username": user.username})
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = "", None, None
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    record_event(actor, "reset_totp", user, before={"totp": True}, after={"totp": False})
    return user


# --- contact details ---------------------------------------------------------------------------


def contact_snapshot(user: User) -> dict[str, object]:
    """E-mail as it is; the mobile number masked, as on every screen (the trail is kept for good)."""
    return {"email": user.email, "phone": mask_mobile(user.phone)}


@transaction.atomic
def change_contact(actor: User | None, user: User, *, email: str, phone: str,
                   current_password: str | None = None) -> User:
    """Change an account's e-mail and mobile number: by its owner, who confirms with their current
    password, or by the security administrator (and the command line). The e-mail must be a valid
    address and the number a mobile number (validators.normalise_mobile); either may be emptied.
    Nothing is sent to the new address: the password is the confirmation."""
    if actor is not None and actor.pk == user.pk:
        if not actor.is_active:
            raise Forbidden(_("This account is deactivated."))
        if not user.check_password(current_password or ""):
            raise InvalidInput(_("Your current password is not right; nothing was changed."))
    else:
        _check_may_manage_accounts(actor)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("“%(email)s” is not an e-mail address.") % {"email": email[:80]}) from None
        if len(email) > 254:
            raise InvalidInput(_("An e-mail address has at most 254 characters."))
    phone = (phone or "").strip()
    if phone:
        try:
            phone = normalise_mobile(phone)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages)) from None
    locked = User.objects.select_for_update().get(pk=user.pk)
    if (locked.email, locked.phone) == (email, phone):
        return locked
    before = contact_snapshot(locked)
    locked.email, locked.phone = email, phone
    locked.save(update_fields=["email", "phone"])
    user.email, user.phone = email, phone
    record_event(actor, "change_contact", locked, before=before, after=contact_snapshot(locked))
    return locked
