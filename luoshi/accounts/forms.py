from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.accounts.policy import lock_of
from luoshi.accounts.validators import normalise_mobile
from luoshi.lib import field_of
from luoshi.units.fields import UnitChoiceField
from luoshi.units.models import Unit

LOCKED = _("This account is locked after too many failed sign-in attempts. "
           "Ask the security administrator to unlock it.")
LOCKED_UNTIL = _("This account is locked after too many failed sign-in attempts. "
                 "Try again after %(time)s, or ask the security administrator to unlock it.")


def locked_message(username: str) -> str | None:
    """What the login page says about a locked name, or None if it is not locked. Names without
    an account lock after the same failures for the same time, so the words and the time reveal
    nothing about which accounts exist."""
    lock = lock_of(username)
    if lock is None:
        return None
    if lock.until is None:
        return str(LOCKED)
    # Rounded up to the minute, so that "after 14:35" is never a moment too early.
    until = timezone.localtime(lock.until + dt.timedelta(seconds=59)).replace(second=0, microsecond=0)
    same_day = until.date() == timezone.localdate(lib.now())
    return str(LOCKED_UNTIL) % {"time": date_format(until, "H:i" if same_day else "Y-m-d H:i")}


class LoginForm(AuthenticationForm):
    """Django's login form that says when a username is locked. Unknown names lock after the
    same number of failures as real ones, so the message reveals no account."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your username and password didn't match. Please try again."),
    }

    def clean(self) -> dict[str, Any]:
        # A locked name goes through authenticate() too: the backend refuses it before any
        # password is checked, and the refused attempt is audited like any failed sign-in.
        username = self.cleaned_data.get("username") or ""
        try:
            return super().clean()
        except ValidationError:
            locked = username and locked_message(username)  # locked, or this failure was the last one allowed
            if locked:
                raise ValidationError(locked, code="locked") from None
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"), max_length=12, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
        error_messages={"required": _("Please type the code your authenticator app shows.")},
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Checks the current password and the policy; the view saves through the service."""

    def save(self, commit: bool = True) -> Any:  # pragma: no cover - the view never calls it
        raise NotImplementedError("use luoshi.accounts.services.change_password")


def _unit_choices() -> Any:
    return Unit.objects.only("code", "name_zh", "name_en", "path")


class AccountFilterForm(forms.Form):
    STATES = [
        ("", _("Any state")), ("active", _("Active")), ("inactive", _("Deactivated")),
        ("locked", _("Locked")), ("must_change", _("Must change password")),
        ("totp", _("Two-step sign-in on")), ("no_totp", _("Two-step sign-in off")),
    ]
    q = forms.CharField(label=_("Username or name"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("Any role")), *User.Role.choices])
    unit = UnitChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("Any unit"))
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "unit", forms.ModelChoiceField).queryset = _unit_choices()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    unit = UnitChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("No unit"),
                                  help_text=_("Required for unit liaisons; optional for the others."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "unit", forms.ModelChoiceField).queryset = _unit_choices()


class AccountCreateForm(RoleForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
                               validators=User._meta.get_field("username").validators)
    name = forms.CharField(label=_("Full name"), max_length=150)
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    field_order = ["username", "name", "role", "unit", "title", "email"]


class ContactForm(forms.Form):
    """E-mail and mobile number. The number on file is never put in the form (screens show it
    masked): an empty field keeps it, "remove" clears it."""

    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("New mobile number"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("An 11-digit mainland number, or + and the country code. "
                                        "Leave it empty to keep the number on file."))
    remove_phone = forms.BooleanField(label=_("Remove the mobile number on file"), required=False)
    wecom_userid = forms.CharField(label=_("WeCom user id"), required=False, max_length=64,
                                   help_text=_("For work notifications in WeCom (企业微信 userid)."))
    dingtalk_userid = forms.CharField(label=_("DingTalk user id"), required=False, max_length=64,
                                      help_text=_("For work notifications in DingTalk (钉钉 userid)."))
    feishu_user_id = forms.CharField(label=_("Feishu user id"), required=False, max_length=64,
                                     help_text=_("For messages in Feishu (飞书 user_id)."))

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone") or ""
        return normalise_mobile(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("phone") and data.get("remove_phone"):
            self.add_error("remove_phone", _("Give a new number or remove the one on file, not both."))
        return data

    def phone_for(self, current: str) -> str:
        """The number to store: the new one, none (removed), or the one on file."""
        if self.cleaned_data.get("remove_phone"):
            return ""
        return self.cleaned_data.get("phone") or current


PLATFORM_FIELDS = ("wecom_userid", "dingtalk_userid", "feishu_user_id")


class OwnContactForm(ContactForm):
    """The user's own: confirmed with the current password, unless the account signs in only
    through single sign-on (it has no password; the sign-in was the confirmation)."""

    def __init__(self, *args: Any, has_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_password:
            del self.fields["current_password"]

    current_password = forms.CharField(
        label=_("Your current password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you who changes them."),
        error_messages={"required": _("Type your current password to confirm the change.")},
    )


class SignOnLinkForm(forms.Form):
    subject = forms.CharField(label=_("Subject id at the identity provider"), max_length=255,
                              help_text=_("The stable id (sub) the provider gives this person; the person sees it "
                                          "when an unlinked sign-in is refused."),
                              error_messages={"required": _("Give the subject id to link.")})
