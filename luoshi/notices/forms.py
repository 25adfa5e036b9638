from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.tasks.forms import ISO_DATE, DateInput

from .models import Notice
from .services import MAX_TEXT


class IssueNoticeForm(forms.Form):
    # Radio buttons: three kinds and three colours read at a glance (and the task page stays
    # free of drop-down lists, which it fetches only when a panel opens).
    kind = forms.ChoiceField(label=_("Kind of notice"), choices=Notice.Kind.choices, widget=forms.RadioSelect)
    level = forms.TypedChoiceField(
        label=_("Colour (supervision notice)"), required=False, coerce=int, empty_value=None,
        choices=Notice.Level.choices, widget=forms.RadioSelect,
        help_text=_("Blue, yellow or red by escalation level; only a supervision notice has one."))
    text = forms.CharField(label=_("Requirements"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    reply_by = forms.DateField(label=_("Reply by"), required=False, input_formats=ISO_DATE, widget=DateInput(),
                               error_messages={"invalid": _("Write the date as YYYY-MM-DD.")})
    # A one-time key: the same form posted twice issues one notice (services.issue_notice).
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, level: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("key", secrets.token_urlsafe(24))
        if level is not None:
            initial.setdefault("level", level)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != Notice.Kind.SUPERVISION:
            data["level"] = None  # the colour offered by default belongs to supervision notices only
        return data
