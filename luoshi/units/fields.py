"""Unit choice fields: the units in tree order (luoshi/units/pickers.py), labelled with their
names indented by the tree, shown in the searchable unit pickers (luoshi/units/widgets.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIteratorValue

from luoshi.units.models import Unit, name_field
from luoshi.units.pickers import tree_sorted
from luoshi.units.widgets import UnitSelect, UnitSelectMultiple


def indented(path: str, name: str) -> str:
    """A unit's name, indented by its depth in the tree (for the unit lists)."""
    return "\u3000" * max(0, path.count("/") - 2) + name


class UnitChoices(forms.models.ModelChoiceIterator):
    """The units of a choice field in one plain query. Django's iterator reads them through a
    server-side cursor, three round trips on PostgreSQL, meant for lists too long to hold."""

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", str(self.field.empty_label))
        # Forms that show the same units in several fields read and order them once
        # (`unit_list`, in tree order). The label is the unit's name, indented by depth, with
        # the language looked up once per list.
        name = name_field()
        for unit in getattr(self.field, "unit_list", None) or tree_sorted(self.queryset):
            yield (ModelChoiceIteratorValue(self.field.prepare_value(unit), unit),
                   indented(unit.path, getattr(unit, name)))


class UnitChoiceField(forms.ModelChoiceField):
    iterator = UnitChoices
    widget = UnitSelect
    unit_list: list[Unit] | None = None


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    iterator = UnitChoices
    widget = UnitSelectMultiple
