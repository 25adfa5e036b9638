"""Password validators beyond Django's own (see AUTH_PASSWORD_VALIDATORS in settings.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
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

