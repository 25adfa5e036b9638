from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import User
from luoshi.lib import field_of
from luoshi.units.fields import UnitChoiceField
from luoshi.units.models import Unit

from .models import CalendarFeed
from .services import subscribable_units


class CalendarFeedForm(forms.Form):
    scope = forms.ChoiceField(label=_("Deadlines of"), choices=CalendarFeed.Scope.choices,
                              initial=CalendarFeed.Scope.MINE)
    unit: forms.ModelChoiceField[Unit] = UnitChoiceField(label=_("Unit"), queryset=None, required=False,
                                  empty_label=_("Choose a unit"),
                                  help_text=_("Only for a unit's calendar."))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "unit", forms.ModelChoiceField).queryset = subscribable_units(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == CalendarFeed.Scope.UNIT and not data.get("unit"):
            self.add_error("unit", _("Choose the unit whose deadlines the calendar shows."))
        return data
