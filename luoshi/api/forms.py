from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100,
        help_text=_("What the token is for, such as the program or script that will use it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. city ledger sync")}),
    )
