from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.scoring import periods


class PeriodForm(forms.Form):
    """A recent month, quarter or year from the list, or a range of dates."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    start = forms.DateField(label=_("or from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        choices = [(p.key, p.label) for p in periods.recent(today)]
        chosen = (self.data.get("period") or "").strip()
        if chosen and chosen not in dict(choices):
            try:  # an older period named in the URL (2019-Q3) is fine too
                extra = periods.parse(chosen)
                choices.append((extra.key, extra.label))
            except Exception:  # noqa: BLE001  # nosec B110 # reported by the field's own validation
                pass
        cast(forms.ChoiceField, self.fields["period"]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both ends of the range, or neither."))
        if start and end:
            try:
                data["chosen"] = periods.date_range(start, end)
            except Exception as error:  # InvalidInput
                raise forms.ValidationError(str(error)) from None
        else:
            key = data.get("period")
            data["chosen"] = periods.parse(key) if key else periods.current_quarter(self.today)
        return data
