"""Every change to accounts and roles goes through here (the security administrator's work)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
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
from luoshi.accounts.models import AccountRequest, LoginThrottle, User
from luoshi.accounts.validators import mask_mobile, normalise_mobile
from luoshi.audit.services import record_event
from luoshi.lib import Forbidden, InvalidInput, NotFound
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
    superuser: bool = False,
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
    if superuser and (actor is not None or role != User.Role.SYSTEM_ADMIN):
        # Only from the command line, and only a system administrator: the admin site shows
        # every table, so it never belongs to a business role (三员分立, docs/security.md).
        raise InvalidInput(_("Only a system administrator created on the command line can be a superuser."))
    user = User(
        is_staff=superuser, is_superuser=superuser,
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
    pending_role = needs_second_administrator(actor, None, AccountRequest.Kind.GRANT_ROLE, role)
    if pending_role:
        # The account waits, switched off, until a second administrator approves its role.
        user.is_active = False
    user.set_password(password)
    user.save()
    record_event(actor, "create_user", user, after=user_snapshot(user))
    if pending_role and actor is not None:  # (never without an actor)
        _ask(actor, user, AccountRequest.Kind.GRANT_ROLE, role=role, unit=unit)

    return user


@transaction.atomic
def set_role(actor: User | None, user: User, role: str, unit: Unit | None = None) -> User:
    _check_may_manage_accounts(actor, subject=user)
    if role not in User.Role.values:
        raise InvalidInput(_("Unknown role: %(role)s") % {"role": role})
    if role in ROLES_WITH_UNIT and unit is None:
        raise InvalidInput(_("A unit liaison must belong to a unit."))
    if needs_second_administrator(actor, user, AccountRequest.Kind.GRANT_ROLE, role):
        raise ApprovalNeeded
    return _set_role_now(actor, user, role, unit)


def _set_role_now(actor: User | None, user: User, role: str, unit: Unit | None) -> User:
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


def prune_login_throttles() -> int:
    """Forget the failed-login counts that can no longer lock anybody (issue 16, item 15):
    unlocked names whose newest failure is older than the window. Run by the daily pass, so
    a spray of made-up usernames does not grow the table for ever. Returns how many went."""
    cutoff = lib.now() - dt.timedelta(minutes=settings.LUOSHI_LOCKOUT_WINDOW_MINUTES)
    stale: list[int] = []
    for pk, failures in LoginThrottle.objects.filter(locked_at__isnull=True).values_list("pk", "failures").iterator(
            chunk_size=2000):
        if all(dt.datetime.fromisoformat(at) <= cutoff for at in failures):
            stale.append(pk)
    for start in range(0, len(stale), 1000):
        LoginThrottle.objects.filter(pk__in=stale[start:start + 1000], locked_at__isnull=True).delete()
    return len(stale)


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
    if needs_second_administrator(actor, user, AccountRequest.Kind.RESET_PASSWORD):
        raise ApprovalNeeded
    return _reset_password_now(actor, user)


def _reset_password_now(actor: User | None, user: User) -> str:
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
    if needs_second_administrator(actor, user, AccountRequest.Kind.RESET_TOTP):
        raise ApprovalNeeded
    return _reset_totp_now(actor, user)


def _reset_totp_now(actor: User | None, user: User) -> User:
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = "", None, None
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    record_event(actor, "reset_totp", user, before={"totp": True}, after={"totp": False})
    return user


# --- two administrators (issue 16, item 12) -------------------------------------------------------
# One administrator may not take over another administrator's account, nor give anyone (a
# colleague, or a second account of their own) a role that reads every task: such a change is
# asked for by one administrator and carried out when a second one (the system or the audit
# administrator, never the one who asked nor the account's owner) approves it. The command line
# (the machine's operator) is not asked.

ROLES_READING_EVERYTHING = {User.Role.SUPERVISOR, User.Role.LEADER}


class ApprovalNeeded(InvalidInput):
    """The change needs a second administrator: ask for it with ask_second_administrator."""

    def __init__(self) -> None:
        super().__init__(_("This change needs a second administrator's approval: ask for it, and the system or "
                           "the audit administrator approves it on the Approvals page."))


def needs_second_administrator(actor: User | None, subject: User | None, kind: str, role: str = "") -> bool:
    if actor is None:
        return False
    if kind == AccountRequest.Kind.GRANT_ROLE:
        return role in ROLES_READING_EVERYTHING and (subject is None or subject.role != role)
    return subject is not None and subject.is_administrator


@transaction.atomic
def ask_second_administrator(actor: User, subject: User, kind: str, *, role: str = "",
                             unit: Unit | None = None) -> AccountRequest:
    """The security administrator asks for a change that needs a second administrator."""
    _check_may_manage_other(actor, subject)
    if kind not in AccountRequest.Kind.values or not needs_second_administrator(actor, subject, kind, role):
        raise InvalidInput(_("This change needs no approval: make it directly."))
    if role and role not in User.Role.values:
        raise InvalidInput(_("Unknown role: %(role)s") % {"role": role})
    if role in ROLES_WITH_UNIT and unit is None:
        raise InvalidInput(_("A unit liaison must belong to a unit."))
    return _ask(actor, subject, kind, role=role, unit=unit)


def _ask(actor: User, subject: User, kind: str, *, role: str = "", unit: Unit | None = None) -> AccountRequest:
    if AccountRequest.objects.filter(subject=subject, kind=kind, outcome=AccountRequest.Outcome.PENDING).exists():
        raise InvalidInput(_("The same change for %(user)s already waits for approval.") % {"user": subject})
    request = AccountRequest.objects.create(kind=kind, subject=subject, role=role, unit=unit, requested_by=actor,
                                            requested_at=lib.now())
    record_event(actor, "request_account_change", subject, after={"kind": kind, "role": role,
                                                                   "unit": unit.code if unit else None})
    return request


def may_decide(user: User, request: AccountRequest) -> bool:
    return (user.is_active and user.role in {User.Role.SYSTEM_ADMIN, User.Role.AUDIT_ADMIN}
            and user.pk not in {request.requested_by_id, request.subject_id})


def may_see_requests(user: User) -> bool:
    return user.is_active and user.is_administrator


@transaction.atomic
def decide_account_request(actor: User, pk: int | str, *, approve: bool) -> tuple[AccountRequest, str | None]:
    """Approve (the change happens now) or refuse a waiting request. Returns the request and,
    for an approved password reset, the one-time password, shown once to the approver."""
    try:
        request = (AccountRequest.objects.select_for_update(of=("self",)).select_related("subject", "unit")
                   .get(pk=int(pk)))
    except (AccountRequest.DoesNotExist, ValueError):
        raise NotFound("request") from None
    if not may_decide(actor, request):
        raise Forbidden(_("A second administrator, neither the one who asked nor the account's owner, decides."))
    if request.outcome != AccountRequest.Outcome.PENDING:
        raise InvalidInput(_("This request was already decided."))
    request.outcome = AccountRequest.Outcome.APPROVED if approve else AccountRequest.Outcome.REFUSED
    request.decided_by, request.decided_at = actor, lib.now()
    request.save(update_fields=["outcome", "decided_by", "decided_at"])
    record_event(actor, "approve_account_change" if approve else "refuse_account_change", request.subject,
                 after={"kind": request.kind, "asked_by": request.requested_by_id, "role": request.role})
    password = None
    subject = User.objects.select_for_update().get(pk=request.subject_id)
    if approve and request.kind == AccountRequest.Kind.RESET_PASSWORD:
        password = _reset_password_now(actor, subject)
    elif approve and request.kind == AccountRequest.Kind.RESET_TOTP:
        _reset_totp_now(actor, subject)
    elif approve and request.kind == AccountRequest.Kind.GRANT_ROLE:
        _set_role_now(actor, subject, request.role, request.unit)
        if not subject.is_active and subject.last_login is None:  # created for this role
            subject.is_active = True
            subject.save(update_fields=["is_active"])
            record_event(actor, "reactivate_user", subject, before={"is_active": False}, after={"is_active": True})
    return request, password
# --- contact details ---------------------------------------------------------------------------


def contact_snapshot(user: User) -> dict[str, object]:
    """E-mail and platform ids as they are; the mobile number masked, as on every screen (the
    trail is kept for good)."""
    return {"email": user.email, "phone": mask_mobile(user.phone),
            **{name: getattr(user, name) for name in PLATFORM_IDS}}


PLATFORM_IDS = ("wecom_userid", "dingtalk_userid", "feishu_user_id")
_PLATFORM_ID = re.compile(r"[A-Za-z0-9_.@:\-]{1,64}")


@transaction.atomic
def change_contact(actor: User | None, user: User, *, email: str, phone: str,
                   current_password: str | None = None, platform_ids: dict[str, str] | None = None) -> User:
    """Change an account's e-mail, mobile number and work platform ids (WeCom, DingTalk, Feishu):
    by its owner, who confirms with their current password (an account that signs in only
    through single sign-on has none), or by the security administrator (and the command line).
    The e-mail must be a valid address and the number a mobile number
    (validators.normalise_mobile); any may be emptied; ids left out stay as they are.
    Nothing is sent to the new address: the password is the confirmation."""
    if actor is not None and actor.pk == user.pk:
        if not actor.is_active:
            raise Forbidden(_("This account is deactivated."))
        if user.has_usable_password() and not user.check_password(current_password or ""):
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
    ids = {name: getattr(user, name) for name in PLATFORM_IDS}
    for name, value in (platform_ids or {}).items():
        if name not in ids:
            raise InvalidInput(f"unknown platform id {name}")
        value = (value or "").strip()
        if value and not _PLATFORM_ID.fullmatch(value):
            raise InvalidInput(_("“%(value)s” is not a platform user id: letters, digits and _ . @ : - only, "
                                 "at most 64.") % {"value": value[:80]})
        ids[name] = value
    locked = User.objects.select_for_update().get(pk=user.pk)
    if (locked.email, locked.phone, *(getattr(locked, n) for n in PLATFORM_IDS)) == (email, phone, *ids.values()):
        return locked
    before = contact_snapshot(locked)
    locked.email, locked.phone = email, phone
    user.email, user.phone = email, phone
    for name, value in ids.items():
        setattr(locked, name, value)
        setattr(user, name, value)
    locked.save(update_fields=["email", "phone", *PLATFORM_IDS])
    record_event(actor, "change_contact", locked, before=before, after=contact_snapshot(locked))
    return locked


# --- single sign-on (OpenID Connect) -----------------------------------------------------------


class NotLinked(InvalidInput):
    """The provider vouched for a person no account is linked to; the message says what to do."""


def _sign_on_snapshot(user: User) -> dict[str, object]:
    return {"issuer": user.oidc_issuer, "subject": user.oidc_subject}


@transaction.atomic
def link_sign_on(actor: User | None, user: User, *, subject: str, issuer: str = "") -> User:
    """Link an account to the provider's stable subject id (the security administrator's act).
    One subject belongs to one account; the issuer defaults to the configured provider."""
    _check_may_manage_accounts(actor)
    subject, issuer = (subject or "").strip(), (issuer or settings.LUOSHI_OIDC_ISSUER).strip().rstrip("/")
    if not subject:
        raise InvalidInput(_("Give the subject id (sub) that the identity provider uses for this person."))
    if len(subject) > 255 or len(issuer) > 255:
        raise InvalidInput(_("A subject id and an issuer have at most 255 characters."))
    if not issuer:
        raise InvalidInput(_("No identity provider is configured (LUOSHI_OIDC_ISSUER): there is nothing to link to."))
    other = User.objects.filter(oidc_issuer=issuer, oidc_subject=subject).exclude(pk=user.pk).first()
    if other is not None:
        raise InvalidInput(_("This subject id is already linked to the account %(user)s.") % {"user": other.username})
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = _sign_on_snapshot(locked)
    locked.oidc_issuer, locked.oidc_subject = issuer, subject
    locked.save(update_fields=["oidc_issuer", "oidc_subject"])
    user.oidc_issuer, user.oidc_subject = issuer, subject
    record_event(actor, "link_sign_on", locked, before=before, after=_sign_on_snapshot(locked))
    return locked


@transaction.atomic
def unlink_sign_on(actor: User | None, user: User) -> User:
    _check_may_manage_accounts(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.oidc_subject:
        raise InvalidInput(_("This account is not linked to single sign-on."))
    before = _sign_on_snapshot(locked)
    locked.oidc_issuer = locked.oidc_subject = ""
    locked.save(update_fields=["oidc_issuer", "oidc_subject"])
    user.oidc_issuer = user.oidc_subject = ""
    record_event(actor, "unlink_sign_on", locked, before=before, after=_sign_on_snapshot(locked))
    return locked


_USERNAME = re.compile(r"[\w.@+-]{1,150}")


@transaction.atomic
def account_for_sign_on(issuer: str, subject: str, claims: dict[str, object]) -> User:
    """The account linked to (issuer, subject), whose ID token was verified. Unknown: a new account
    with no role when LUOSHI_OIDC_CREATE_USERS=True, otherwise NotLinked. A deactivated account is
    refused like a linked one would be at the password form."""
    if not issuer or not subject:
        raise NotLinked(_("The identity provider did not say who you are (no issuer or subject)."))
    user = User.objects.filter(oidc_issuer=issuer, oidc_subject=subject).first()
    if user is None and settings.LUOSHI_OIDC_CREATE_USERS:
        user = _create_from_sign_on(issuer, subject, claims)
    if user is None:
        raise NotLinked(_("You signed in at the identity provider, but no Luoshi account is linked to you yet. "
                          "Ask the security administrator to link your account, and give them your subject id: "
                          "%(subject)s") % {"subject": subject})
    if not user.is_active:
        raise NotLinked(_("Your Luoshi account is deactivated. Ask the security administrator."))
    return user


def _create_from_sign_on(issuer: str, subject: str, claims: dict[str, object]) -> User:
    wanted = str(claims.get("preferred_username") or "")
    if not _USERNAME.fullmatch(wanted) or User.objects.filter(username=wanted).exists():
        wanted = "sso-" + hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:12]
    email = str(claims.get("email") or "") if claims.get("email_verified", True) else ""
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    user = User(username=wanted, role="", first_name=str(claims.get("name") or "")[:150], email=email,
                oidc_issuer=issuer, oidc_subject=subject, date_joined=lib.now())
    user.set_unusable_password()  # signs in through the provider only
    user.save()
    record_event(None, "create_user_from_sign_on", user, after={**user_snapshot(user), **_sign_on_snapshot(user)})
    return user
