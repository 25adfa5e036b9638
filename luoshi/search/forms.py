from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.search.models import SearchDocument


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False, strip=True,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("everything")), *SearchDocument.Kind.choices])
    page = forms.IntegerField(required=False, min_value=1)
