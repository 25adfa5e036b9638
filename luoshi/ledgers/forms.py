from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.ledgers import reading
from luoshi.ledgers.models import ColumnMapping, LedgerImport


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


def column_field(key: str) -> str:
    return f"col_{key}"


class ConfigureForm(forms.Form):
    """How to read one uploaded ledger: sheet, header row, a column for each field."""

    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Header row"), min_value=1)
    default_year = forms.IntegerField(label=_("Year for dates written without one (6月底)"),
                                      min_value=1900, max_value=2200)
    saved_mapping = forms.ModelChoiceField(label=_("Use a saved mapping"), queryset=ColumnMapping.objects.all(),
                                           required=False, empty_label=_("— choose columns below —"))
    save_as = forms.CharField(label=_("Save these columns as a mapping named"), max_length=100, required=False)

    def __init__(self, ledger: LedgerImport, *args: Any, **kwargs: Any) -> None:
        checked = ledger.checked
        headers = checked.get("headers", [])
        initial = {"sheet": ledger.sheet_name, "header_row": ledger.header_row, "default_year": ledger.default_year}
        initial.update({column_field(k): str(v) for k, v in ledger.columns.items()})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.ledger = ledger
        cast(forms.ChoiceField, self.fields["sheet"]).choices = [(name, name) for name in checked.get("sheets", [ledger.sheet_name])]
        columns = [("", _("— not imported —"))] + [
            (str(i), reading.column_label(i, headers[i] if i < len(headers) else ""))
            for i in range(checked.get("width", len(headers)))
        ]
        samples = checked.get("samples", [])
        self.column_rows = []
        for f in reading.FIELDS:
            name = column_field(f.key)
            self.fields[name] = forms.TypedChoiceField(label=f.label, choices=columns, required=False,
                                                       coerce=int, empty_value=None)
            index = ledger.columns.get(f.key)
            sample = ""
            if index is not None:
                sample = " · ".join(r[index] for r in samples if index < len(r) and r[index])[:120]
            self.column_rows.append((f, self[name], sample))

    def clean_save_as(self) -> str:
        return self.cleaned_data["save_as"].strip()

    def columns(self) -> dict[str, int]:
        return {f.key: self.cleaned_data[column_field(f.key)] for f in reading.FIELDS
                if self.cleaned_data.get(column_field(f.key)) is not None}
