from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import User
from luoshi.lib import field_of
from luoshi.meetings.models import PriorityArea
from luoshi.tasks.forms import ISO_DATE, DateInput, UnitChoiceField, UnitsChoiceField
from luoshi.units.models import Unit

DATE_ERRORS = {"invalid": _("Write the date as YYYY-MM-DD.")}


def _leaders() -> Any:
    return User.objects.filter(is_active=True, role=User.Role.LEADER).order_by("last_name", "first_name", "username")


def _units() -> Any:
    return Unit.objects.only("code", "name_zh", "name_en", "path")


class RegisterForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), required=False, queryset=User.objects.none(),
                                    empty_label=_("(not in Luoshi: name them below)"))
    leader_name = forms.CharField(label=_("Leader's name and title"), required=False, max_length=100,
                                  help_text=_("Only when the leader has no account in Luoshi."))
    date = forms.DateField(label=_("Date of the instruction"), input_formats=ISO_DATE, widget=DateInput(),
                           error_messages=DATE_ERRORS)
    title = forms.CharField(label=_("Document or letter"), max_length=300,
                            help_text=_("The title of the report, letter or document the leader wrote on."))
    text = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                           error_messages={"required": _("Please write the instruction.")})
    file = forms.FileField(label=_("Source document"), required=False,
                           help_text=_("The scanned or electronic document: .docx, .pdf, .ofd, .txt, or a scan "
                                       "as .png or .jpg."))
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=Unit.objects.none(),
                                help_text=_("It drafts the reply to the leader."))
    other_units = UnitsChoiceField(label=_("Other units named"), required=False, queryset=Unit.objects.none(),
                                   help_text=_("Each unit named gets a task of its own."),
                                   widget=forms.SelectMultiple(attrs={"size": 6}))
    priority_areas = forms.ModelMultipleChoiceField(label=_("Priority areas"), required=False,
                                                    queryset=PriorityArea.objects.none(),
                                                    widget=forms.SelectMultiple(attrs={"size": 4}))
    reply_due = forms.DateField(label=_("Reply to the leader due"), input_formats=ISO_DATE, widget=DateInput(),
                                error_messages=DATE_ERRORS)
    task_deadline = forms.DateField(label=_("Deadline of the tasks"), required=False, input_formats=ISO_DATE,
                                    widget=DateInput(), error_messages=DATE_ERRORS,
                                    help_text=_("Can be set or changed when the tasks are assigned."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = field_of(self, "lead_unit", UnitChoiceField)
        lead.queryset = _units()
        lead.unit_list = list(lead.queryset)  # read once; the other list shows the same units
        field_of(self, "other_units", forms.ModelMultipleChoiceField).queryset = _units()
        field_of(self, "leader", forms.ModelChoiceField).queryset = _leaders()
        field_of(self, "priority_areas", forms.ModelMultipleChoiceField).queryset = PriorityArea.objects.order_by("code")


class DraftForm(forms.Form):
    text = forms.CharField(label=_("Report to the leader"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000,
                           error_messages={"required": _("Please write the reply.")})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    note = forms.CharField(label=_("Note to the lead unit"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PortfolioForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=User.objects.none())
    area = forms.ModelChoiceField(label=_("Priority area"), required=False, queryset=PriorityArea.objects.none())
    unit = UnitChoiceField(label=_("or unit (and the units below it)"), required=False, queryset=Unit.objects.none())
    valid_from = forms.DateField(label=_("From"), input_formats=ISO_DATE, widget=DateInput(), error_messages=DATE_ERRORS)
    valid_to = forms.DateField(label=_("To"), required=False, input_formats=ISO_DATE, widget=DateInput(),
                               error_messages=DATE_ERRORS, help_text=_("Empty while the portfolio lasts."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "leader", forms.ModelChoiceField).queryset = _leaders()
        field_of(self, "area", forms.ModelChoiceField).queryset = PriorityArea.objects.order_by("code")
        field_of(self, "unit", forms.ModelChoiceField).queryset = _units()


class EndChargeForm(forms.Form):
    valid_to = forms.DateField(label=_("Ends on"), input_formats=ISO_DATE, widget=DateInput(),
                               error_messages=DATE_ERRORS)
