"""Password validators beyond Django's own (see AUTH_PASSWORD_VALIDATORS in settings.py), and
the mobile numbers of accounts."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _classes(password: str) -> int:
    return sum([
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not (c.isascii() and c.isalnum()) for c in password),
    ])


class CharacterClassValidator:
    """The strict profile's complexity rule: characters from at least `min_classes` of
    lowercase, uppercase, digits and symbols (a space or a Chinese character counts as a symbol)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(n)d of these kinds of character: lowercase letters, uppercase letters, digits and symbols.",
            "Your password must contain at least %(n)d of these kinds of character: lowercase letters, uppercase letters, digits and symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}



# --- mobile numbers ---------------------------------------------------------------------------

_MAINLAND = re.compile(r"1[3-9]\d{9}")
_E164 = re.compile(r"\+[1-9]\d{6,14}")
_SEPARATORS = re.compile(r"[\s\-().]")


def normalise_mobile(value: str) -> str:
    """A mobile number as stored: a Chinese mainland number as its 11 digits (a leading +86 is
    dropped), any other as E.164 (+ and up to 15 digits). Spaces, hyphens, dots and brackets
    are ignored; anything else is a ValidationError that says what is expected."""
    number = _SEPARATORS.sub("", value or "")
    if number.startswith("+86") and _MAINLAND.fullmatch(number[3:]):
        number = number[3:]
    if _MAINLAND.fullmatch(number) or _E164.fullmatch(number):
        return number
    raise ValidationError(
        _("“%(value)s” is not a mobile number: give an 11-digit Chinese mainland number (such as "
          "13800000000) or an international one starting with + and the country code (such as +85291234567).")
        % {"value": (value or "")[:40]}, code="invalid_mobile")


def mask_mobile(value: str) -> str:
    """What the screens and the audit trail show of a mobile number: 138****0000."""
    if not value:
        return ""
    keep = 4 if value.startswith("+") else 3
    if len(value) < keep + 6:
        return "****" + value[-2:]
    return value[:keep] + "****" + value[-4:]
