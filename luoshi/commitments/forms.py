from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib import field_of
from luoshi.tasks.forms import ISO_DATE, DateInput, UnitChoiceField
from luoshi.units.models import Unit

from .models import Commitment

DATE_ERRORS = {"invalid": _("Write the date as YYYY-MM-DD.")}


class CommitmentForm(forms.Form):
    title = forms.CharField(label=_("Commitment"), max_length=300)
    province_unit = UnitChoiceField(label=_("Province side"), queryset=Unit.objects.none())
    counterparty = forms.CharField(label=_("Counterparty side"), max_length=200)
    signed_on = forms.DateField(label=_("Signed on"), input_formats=ISO_DATE, widget=DateInput(),
                                error_messages=DATE_ERRORS)
    milestones = forms.CharField(
        label=_("Milestones"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the date, then what is due, e.g. 2026-06-30 groundbreaking."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field_of(self, "province_unit", forms.ModelChoiceField).queryset = Unit.objects.only(
            "code", "name_zh", "name_en", "path")

    def clean_milestones(self) -> list[tuple[str, dt.date]]:
        steps = []
        for number, line in enumerate((self.cleaned_data.get("milestones") or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _space, title = line.partition(" ")
            try:
                due = dt.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: begin with the date as YYYY-MM-DD, then what is due.") % {"n": number}) from None
            if not title.strip():
                raise forms.ValidationError(_("Line %(n)s: say what is due after the date.") % {"n": number})
            steps.append((title.strip(), due))
        return steps


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(choices=Commitment.Stage.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("On"), input_formats=ISO_DATE, widget=DateInput(), error_messages=DATE_ERRORS)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due = forms.DateField(label=_("Due"), input_formats=ISO_DATE, widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MilestoneDoneForm(forms.Form):
    on = forms.DateField(label=_("Done on"), input_formats=ISO_DATE, widget=DateInput(), error_messages=DATE_ERRORS)
