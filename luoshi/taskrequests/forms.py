"""The forms of requests: they parse what people type; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib import field_of
from luoshi.tasks.forms import ISO_DATE, DateInput
from luoshi.tasks.forms import UnitChoiceField as UnitField
from luoshi.tasks.forms import UnitsChoiceField as UnitsField
from luoshi.units.models import Unit
from luoshi.units.widgets import UnitSelectMultiple


def _units() -> Any:
    return Unit.objects.only("code", "name_zh", "name_en", "path").order_by("path")


class Form(forms.Form):
    """No colon after the labels, like the task page's forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ExtensionForm(Form):
    deadline = forms.DateField(label=_("New deadline asked for"), input_formats=ISO_DATE, widget=DateInput())
    reason = forms.CharField(label=_("Why more time is needed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class ReturnForm(Form):
    reason = forms.CharField(label=_("Why this task is not your unit's"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))
    suggested_unit = UnitField(label=_("Unit that should lead it (if you know)"), required=False,
                               queryset=Unit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "suggested_unit", forms.ModelChoiceField).queryset = _units()


class ExtensionDecisionForm(Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    deadline = forms.DateField(label=_("Deadline granted"), required=False, input_formats=ISO_DATE, widget=DateInput(),
                               help_text=_("Leave the date asked for, or grant an earlier one."))
    note = forms.CharField(label=_("Note (a reason when refusing)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReturnDecisionForm(Form):
    decision = forms.ChoiceField(choices=[("accept", _("Reassign")), ("refuse", _("Refuse"))])
    lead_unit = UnitField(label=_("New lead unit"), required=False, queryset=Unit.objects.none())
    cooperating_units = UnitsField(label=_("Cooperating units"), required=False, queryset=Unit.objects.none(),
                                   widget=UnitSelectMultiple(attrs={"size": 5}),
                                   help_text=_("Leave empty to keep the task's cooperating units."))
    note = forms.CharField(label=_("Note (a reason when refusing)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "lead_unit", forms.ModelChoiceField).queryset = _units()
        field_of(self, "cooperating_units", forms.ModelChoiceField).queryset = _units()


class InputForm(Form):
    unit = UnitField(label=_("Cooperating unit"), queryset=Unit.objects.none())
    due = forms.DateField(label=_("Needed by"), input_formats=ISO_DATE, widget=DateInput())
    text = forms.CharField(label=_("What you need from it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, task: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = field_of(self, "unit", forms.ModelChoiceField)
        units.queryset = task.cooperating_units.order_by("path")
        if len(units.queryset) == 1:  # the usual case: nothing to choose
            self.initial.setdefault("unit", units.queryset[0].pk)
