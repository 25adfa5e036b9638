from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi import lib
from luoshi.meetings.models import PriorityArea

from .services import MEETING_SERIES, Period


class BulletinForm(forms.Form):
    period = forms.RegexField(
        label=_("Period (month)"), regex=r"^\d{4}-\d{2}$",
        help_text=_("The month whose meetings the bulletin covers, as YYYY-MM."),
        error_messages={"invalid": _("Write the month as YYYY-MM, e.g. 2026-11.")},
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )
    number = forms.IntegerField(
        label=_("Document number"), min_value=1, max_value=9999,
        help_text=_("The bulletin's number in this year's series."),
    )
    meeting_kind = forms.ChoiceField(
        label=_("Meetings"), required=False,
        choices=[(kind, label) for kind, label in MEETING_SERIES.items()],
        initial="executive",
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200,
        help_text=_("Leave empty for the standard title."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = lib.today().strftime("%Y-%m")

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except Exception:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-11.")) from None


class StocktakeForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Priority area"), queryset=PriorityArea.objects.all(), required=False,
        empty_label=_("All priority areas"),
    )
