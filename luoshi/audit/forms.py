from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.audit import labels
from luoshi.audit.services import AuditFilters


def _verbs() -> list[tuple[str, str | Promise]]:
    return [("", _("Any")), *labels.verb_choices()]


def _object_types() -> list[tuple[str, str | Promise]]:
    return [("", _("Any")), *labels.type_choices()]


class AuditFilterForm(forms.Form):
    """The filters, by the names people read (the values are the codes the trail keeps)."""

    actor = forms.CharField(label=_("Actor (user name)"), required=False, max_length=200)
    verb = forms.ChoiceField(label=_("Action"), required=False, choices=_verbs)
    object_type = forms.ChoiceField(label=_("Object type"), required=False, choices=_object_types)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=40)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        """The filters that are valid (a field with an error filters nothing)."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = self.cleaned_data
        values: dict[str, Any] = {key: (value.strip() if isinstance(value, str) else value)
                                  for key, value in data.items() if key in AuditFilters.__dataclass_fields__}
        return AuditFilters(**values)
