"""The user's own password and two-step pages, the login's second step, and the security
administrator's account pages (everyone else gets 404 there)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi import lib
from luoshi.accounts import oidc, policy, services, totp
from luoshi.accounts.forms import (
    PLATFORM_FIELDS,
    AccountCreateForm,
    AccountFilterForm,
    CodeForm,
    ContactForm,
    OwnContactForm,
    PasswordChangeForm,
    RoleForm,
    SignOnLinkForm,
    locked_message,
)
from luoshi.accounts.models import AccountRequest, User
from luoshi.accounts.validators import mask_mobile
from luoshi.lib import Forbidden, LuoshiError, NotFound, perform, signed_in

PAGE_SIZE = 50
OIDC_NEXT = "luoshi_oidc_next"
# The session's backend after single sign-on: the one that reloads the user (with the lockout rules).
SIGN_ON_BACKEND = "luoshi.accounts.backends.LockoutBackend"
logger = logging.getLogger(__name__)
# The login's first step, waiting for the code: {"user": pk, "backend": ..., "next": ..., "at": epoch}.
PENDING = "luoshi_pending_login"
PENDING_SECONDS = 300
ENROLMENT = "luoshi_totp_enrolment"


# --- the user's own security ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _error = perform(request, lambda: services.change_password(user, form.cleaned_data["new_password1"]))
        if done is not None:
            update_session_auth_hash(request, user)  # stay signed in here; other sessions end
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": user.must_change_password, "expired": policy.password_expired(user),
    }, status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text) until the user confirms it with a code; once on,
    the secret is never shown again."""
    user = signed_in(request)
    context: dict[str, Any] = {"required": policy.totp_required(user)}
    if user.has_totp:
        return render(request, "accounts/totp_setup.html", context)
    secret = request.session.get(ENROLMENT) or totp.new_secret()
    request.session[ENROLMENT] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _error = perform(request, lambda: services.enable_totp(user, secret, form.cleaned_data["code"]))
        if done is not None:
            del request.session[ENROLMENT]
            messages.success(request, _("Two-step sign-in is on. From now on you will be asked for a code when you sign in."))
            return redirect("home")
    uri = totp.provisioning_uri(secret, user.username, settings.LUOSHI_TOTP_ISSUER)
    context.update({"form": form, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                    "uri": uri, "qr": totp.qr_svg(uri)})
    return render(request, "accounts/totp_setup.html", context, status=400 if request.method == "POST" else 200)


def _contact_initial(account: User) -> dict[str, str]:
    return {"email": account.email, **{name: getattr(account, name) for name in PLATFORM_FIELDS}}


def _save_contact(form: ContactForm, actor: User, account: User, current_password: str | None = None) -> bool:
    """Run change_contact; a refusal the user can act on becomes the form's error."""
    try:
        services.change_contact(actor, account, email=form.cleaned_data["email"],
                                phone=form.phone_for(account.phone), current_password=current_password,
                                platform_ids={name: form.cleaned_data[name] for name in PLATFORM_FIELDS})
    except (Forbidden, NotFound):
        raise Http404 from None
    except LuoshiError as error:
        form.add_error(None, str(error))
        return False
    return True


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_contact(request: HttpRequest) -> HttpResponse:
    """The user's own e-mail and mobile number, confirmed with their current password."""
    user = signed_in(request)
    form = OwnContactForm(request.POST or None, initial=_contact_initial(user), has_password=user.has_usable_password())
    if request.method == "POST" and form.is_valid() and _save_contact(
            form, user, user, current_password=form.cleaned_data.get("current_password")):
        messages.success(request, _("Your e-mail and mobile number are saved."))
        return redirect("account_contact")
    return render(request, "accounts/contact.html", {
        "form": form, "account": user, "masked_phone": mask_mobile(user.phone), "own": True,
    }, status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_totp(request: HttpRequest) -> HttpResponse:
    """The login's second step for users with TOTP: the password was right, now the code."""
    pending = request.session.get(PENDING)
    if not pending or int(lib.now().timestamp()) - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    locked = user is not None and locked_message(user.username)
    if user is None or locked:
        request.session.pop(PENDING, None)
        if locked:
            messages.error(request, locked)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.check_totp(user, form.cleaned_data["code"], address=request.META.get("REMOTE_ADDR") or ""):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"] or settings.LOGIN_REDIRECT_URL)
        locked = locked_message(user.username)
        if locked:
            request.session.pop(PENDING, None)
            messages.error(request, locked)
            return redirect("login")
        form.add_error("code", _("That code is not right, or was already used. Type the newest code."))
    return render(request, "registration/login_totp.html", {"form": form}, status=400 if form.errors else 200)


def begin_second_step(request: HttpRequest, user: User, next_url: str, backend: str | None = None) -> HttpResponse:
    """Called by the login view when the password was right and the user has TOTP (and by the
    single sign-on callback, which names its `backend`)."""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    request.session[PENDING] = {"user": user.pk, "backend": backend or getattr(user, "backend", None)
                                or request.session.get(BACKEND_SESSION_KEY), "next": next_url,
                                "at": int(lib.now().timestamp())}
    return redirect("login_totp")


# --- the security administrator's account pages ------------------------------------------------


def _require_secadmin(request: HttpRequest) -> User:
    user = signed_in(request)
    if user.role != User.Role.SECURITY_ADMIN:
        raise Http404
    return user


def _accounts(filters: AccountFilterForm) -> QuerySet[User]:
    locked = policy.active_locks().filter(username=OuterRef("username"))
    accounts = User.objects.select_related("unit").annotate(locked=Exists(locked)).order_by("username")
    if not filters.is_valid():
        return accounts
    data = filters.cleaned_data
    if data["q"]:
        accounts = accounts.filter(Q(username__icontains=data["q"]) | Q(first_name__icontains=data["q"])
                                   | Q(last_name__icontains=data["q"]))
    if data["role"]:
        accounts = accounts.filter(role=data["role"])
    if data["unit"]:
        accounts = accounts.filter(unit=data["unit"])
    state = data["state"]
    if state in ("active", "inactive"):
        accounts = accounts.filter(is_active=state == "active")
    elif state == "locked":
        accounts = accounts.filter(locked=True)
    elif state == "must_change":
        accounts = accounts.filter(must_change_password=True)
    elif state in ("totp", "no_totp"):
        accounts = accounts.filter(totp_confirmed_at__isnull=state == "no_totp")
    return accounts


@require_safe
@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _require_secadmin(request)
    filters = AccountFilterForm(request.GET)
    page = Paginator(_accounts(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/account_list.html", {
        "filters": filters, "page": page, "query": query.urlencode(),
        "totp_roles": settings.LUOSHI_TOTP_REQUIRED_ROLES,
    })


def _one_time_password(request: HttpRequest, account: User, password: str, created: bool,
                       back: str = "") -> HttpResponse:
    """Shown once, in this response only: never put in a message, a redirect or the audit trail."""
    response = render(request, "accounts/temporary_password.html",
                      {"account": account, "password": password, "created": created,
                       "back": back or reverse("account_detail", args=[account.pk])})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    actor = _require_secadmin(request)
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = services.temporary_password()
        account, _error = perform(request, lambda: services.create_user(
            actor, username=data["username"], password=password, role=data["role"], unit=data["unit"],
            first_name=data["name"], title=data["title"], email=data["email"], must_change_password=True))
        if account is not None:
            if not account.is_active:
                messages.info(request, _("The account stays switched off until the system or the audit administrator "
                                         "approves its role (Approvals page)."))
            return _one_time_password(request, account, password, created=True)
    return render(request, "accounts/account_create.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: its state, the role form (POST here) and the action buttons."""
    actor = _require_secadmin(request)
    account = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    form = RoleForm(request.POST or None, initial={"role": account.role, "unit": account.unit})
    if request.method == "POST" and form.is_valid():
        role, unit = form.cleaned_data["role"], form.cleaned_data["unit"]
        if services.needs_second_administrator(actor, account, AccountRequest.Kind.GRANT_ROLE, role):
            asked, _error = perform(request, lambda: services.ask_second_administrator(
                actor, account, AccountRequest.Kind.GRANT_ROLE, role=role, unit=unit))
            if asked is not None:
                messages.success(request, _("Asked: %(user)s gets the role when the system or the audit "
                                            "administrator approves it.") % {"user": account})
                return redirect("account_detail", pk=account.pk)
        done, _error = perform(request, lambda: services.set_role(
            actor, account, form.cleaned_data["role"], unit=form.cleaned_data["unit"]))
        if done is not None:
            messages.success(request, _("%(user)s is now %(role)s.") % {"user": account, "role": account.get_role_display()})
            return redirect("account_detail", pk=account.pk)
        account.refresh_from_db()
    return render(request, "accounts/account_detail.html", {
        "account": account, "form": form, "is_self": account.pk == actor.pk,
        "masked_phone": mask_mobile(account.phone),
        "locked": policy.is_locked(account.username),
        "expired": policy.password_expired(account),
        "totp_required": policy.totp_required(account),
        "sign_on_form": SignOnLinkForm(), "sign_on": oidc.enabled() or bool(account.oidc_subject),
    }, status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The security administrator changes an account's e-mail and mobile number."""
    actor = _require_secadmin(request)
    account = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if account.pk == actor.pk:  # one's own goes through the password-confirmed page
        return redirect("account_contact")
    form = ContactForm(request.POST or None, initial=_contact_initial(account))
    if request.method == "POST" and form.is_valid() and _save_contact(form, actor, account):
        messages.success(request, _("The e-mail and mobile number of %(user)s are saved.") % {"user": account})
        return redirect("account_detail", pk=account.pk)
    return render(request, "accounts/contact.html", {
        "form": form, "account": account, "masked_phone": mask_mobile(account.phone), "own": False,
    }, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Deactivate, reactivate, unlock, reset two-step sign-in or reset the password."""
    actor = _require_secadmin(request)
    account = get_object_or_404(User, pk=pk)
    if action in {"reset_password", "reset_totp"} and services.needs_second_administrator(actor, account, action):
        asked, _error = perform(request, lambda: services.ask_second_administrator(actor, account, action))
        if asked is not None:
            messages.success(request, _("Asked: the change for %(user)s is made when the system or the audit "
                                        "administrator approves it.") % {"user": account})
        return redirect("account_detail", pk=account.pk)
    if action == "reset_password":
        password, _error = perform(request, lambda: services.reset_password(actor, account))
        if password is not None:
            return _one_time_password(request, account, password, created=False)
        return redirect("account_detail", pk=account.pk)
    calls = {
        "deactivate": (lambda: services.set_active(actor, account, active=False),
                       _("%(user)s is deactivated: they can no longer sign in.")),
        "reactivate": (lambda: services.set_active(actor, account, active=True),
                       _("%(user)s is active again.")),
        "unlock": (lambda: services.unlock_account(actor, account),
                   _("%(user)s is unlocked and may sign in again.")),
        "reset_totp": (lambda: services.reset_totp(actor, account),
                       _("Two-step sign-in of %(user)s is off; they can set it up again.")),
    }
    if action not in calls:
        raise Http404
    call, text = calls[action]
    done, _error = perform(request, call)
    if done is not None:
        messages.success(request, text % {"user": account})
    return redirect("account_detail", pk=account.pk)


@never_cache
@require_safe
@login_required
def account_requests(request: HttpRequest) -> HttpResponse:
    """Account changes that need a second administrator: waiting ones first, then the last decided."""
    user = signed_in(request)
    if not services.may_see_requests(user):
        raise Http404
    rows = AccountRequest.objects.select_related("subject", "requested_by", "decided_by", "unit")
    waiting = list(rows.filter(outcome=AccountRequest.Outcome.PENDING))
    decided = list(rows.exclude(outcome=AccountRequest.Outcome.PENDING)[:20])
    return render(request, "accounts/account_requests.html", {
        "waiting": [(row, services.may_decide(user, row)) for row in waiting], "decided": decided})


@require_POST
@login_required
def account_request_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    user = signed_in(request)
    if decision not in {"approve", "refuse"} or not services.may_see_requests(user):
        raise Http404
    result, _error = perform(request, lambda: services.decide_account_request(user, pk, approve=decision == "approve"))
    if result is None:
        return redirect("account_requests")
    decided, password = result
    if password is not None:
        return _one_time_password(request, decided.subject, password, created=False, back=reverse("account_requests"))
    messages.success(request, _("Approved: the change for %(user)s is made.") % {"user": decided.subject}
                     if decision == "approve" else
                     _("Refused: nothing changes for %(user)s.") % {"user": decided.subject})
    return redirect("account_requests")


@require_POST
@login_required
def account_sign_on(request: HttpRequest, pk: int) -> HttpResponse:
    """The security administrator links an account to the provider's subject id, or unlinks it."""
    actor = _require_secadmin(request)
    account = get_object_or_404(User, pk=pk)
    if request.POST.get("unlink"):
        done, _error = perform(request, lambda: services.unlink_sign_on(actor, account))
        if done is not None:
            messages.success(request, _("%(user)s is no longer linked to single sign-on.") % {"user": account})
        return redirect("account_detail", pk=account.pk)
    form = SignOnLinkForm(request.POST)
    if form.is_valid():
        done, _error = perform(request, lambda: services.link_sign_on(actor, account, subject=form.cleaned_data["subject"]))
        if done is not None:
            messages.success(request, _("%(user)s now signs in through single sign-on as %(subject)s.")
                             % {"user": account, "subject": account.oidc_subject})
    else:
        for error in form.errors.get("subject", []):
            messages.error(request, str(error))
    return redirect("account_detail", pk=account.pk)


# --- single sign-on (OpenID Connect) ---------------------------------------------------------------


@never_cache
@require_safe
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider (with a fresh state and nonce in the session)."""
    if not oidc.enabled():
        raise Http404
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        request.session[OIDC_NEXT] = next_url
    try:
        return oidc.client().authorize_redirect(request, oidc.redirect_uri())
    except Exception as error:  # the provider's discovery is unreachable or malformed
        logger.warning("single sign-on: cannot reach the provider: %s", error)
        messages.error(request, _("The identity provider cannot be reached now. Try again later, or sign in "
                                  "with your password if you have one."))
        return redirect("login")


@never_cache
@require_safe
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code: exchange it, verify the ID token, and
    sign in the linked account (through the code step when it has two-step sign-in)."""
    if not oidc.enabled():
        raise Http404
    try:
        token = oidc.client().authorize_access_token(request)
    except Exception as error:  # a wrong state, a refused code, a bad signature: Authlib's errors
        logger.warning("single sign-on refused: %s: %s", type(error).__name__, error)
        messages.error(request, _("Single sign-on did not succeed (%(reason)s). Please try again.")
                       % {"reason": type(error).__name__})
        return redirect("login")
    claims = token.get("userinfo") or {}
    if not claims:  # no verified ID token: an access token alone does not say who this is
        messages.error(request, _("The identity provider sent no ID token; Luoshi cannot tell who you are."))
        return redirect("login")
    try:
        user = services.account_for_sign_on(str(claims.get("iss", "")), str(claims.get("sub", "")), dict(claims))
    except services.NotLinked as error:
        messages.error(request, str(error))
        return redirect("login")
    locked = locked_message(user.username)
    if locked:
        messages.error(request, locked)
        return redirect("login")
    next_url = request.session.pop(OIDC_NEXT, "")
    if user.has_totp:
        return begin_second_step(request, user, next_url, backend=SIGN_ON_BACKEND)
    login(request, user, backend=SIGN_ON_BACKEND)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
