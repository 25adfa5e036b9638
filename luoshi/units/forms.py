from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from luoshi.lib import field_of
from luoshi.units.models import Unit
from luoshi.units.widgets import UnitSelect

code_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
                                _("Use letters, digits, hyphens and underscores, e.g. SY-HP."))


class KeywordsField(forms.CharField):
    """Keywords typed in one box, separated by commas, 、 or new lines."""

    def __init__(self, separator: str = "、", **kwargs: Any) -> None:
        self.separator = separator
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> object:
        return self.separator.join(value) if isinstance(value, list) else value

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]  # cleans to a list, where CharField gives str
        text = super().to_python(value) or ""
        return [item.strip() for item in re.split(r"[,，、;；\n]", text) if item.strip()]


class UnitNamesForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200)
    keywords_zh = KeywordsField(label=_("Chinese keywords"),
                                help_text=_("Words in a directive that suggest this unit as its lead unit, separated by 、 or commas."))
    keywords_en = KeywordsField(separator=", ", label=_("English keywords"))


class UnitCreateForm(UnitNamesForm):
    code = forms.CharField(label=_("Code"), max_length=40, validators=[code_validator],
                           help_text=_("A short, permanent identifier, e.g. SY-HP. It cannot be changed later."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=Unit.objects.none(), widget=UnitSelect)

    field_order = ["code", "name_zh", "name_en", "kind", "parent", "keywords_zh", "keywords_en"]

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = field_of(self, "parent", forms.ModelChoiceField)
        parent.queryset = Unit.objects.all()
        parent.choices = [("", "---------")] + [(u.pk, _indented(u)) for u in units]
        cast(UnitSelect, parent.widget).names_zh = {str(u.pk): u.name_zh for u in units}


class UnitMoveForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("New parent unit"), queryset=Unit.objects.none(), widget=UnitSelect)
    # Set by the confirmation page: the number of tasks whose readers the move changes.
    confirmed_tasks = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, unit: Unit, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = [u for u in units if not u.is_within(unit)]
        parent = field_of(self, "parent", forms.ModelChoiceField)
        parent.queryset = Unit.objects.exclude(path__startswith=unit.path)
        parent.choices = [(u.pk, _indented(u)) for u in candidates]
        cast(UnitSelect, parent.widget).names_zh = {str(u.pk): u.name_zh for u in candidates}


def depth(unit: Unit) -> int:
    return unit.path.count("/") - 2


def _indented(unit: Unit) -> str:
    return "\u3000" * depth(unit) + f"{unit.name} ({unit.code})"


class AreaNamesForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    keywords_zh = KeywordsField(label=_("Chinese keywords"),
                                help_text=_("Words in a directive that place it in this area, separated by 、 or commas."))
    keywords_en = KeywordsField(separator=", ", label=_("English keywords"))


class AreaCreateForm(AreaNamesForm):
    code = forms.CharField(label=_("Code"), max_length=40, validators=[code_validator],
                           help_text=_("A short, permanent identifier, e.g. SAFETY."))

    field_order = ["code", "name_zh", "name_en", "keywords_zh", "keywords_en"]
