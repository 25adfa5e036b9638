"""Unit pickers: a plain <select> that web/static/web/pickers.js turns into a searchable
combobox (Tom Select), and that stays a plain select without JavaScript.

Each option carries the pinyin of the unit's Chinese name (data-initials, data-pinyin: see
luoshi/units/pickers.py), so typing "yjglt" finds 应急管理厅 in either language. The Chinese
name comes from the option's unit (model choice fields), from `names_zh` (forms whose
choices are plain values: the form fills it once per unit list), or else from the label.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from luoshi.units.pickers import pinyin


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: in order, True bare, False left out."""
    return format_html_join("", "{}", ((format_html(" {}", name) if value is True else
                                        format_html(' {}="{}"', name, str(value)),)
                                       for name, value in attrs.items() if value is not False))


class _Picker:
    """The options are written here rather than through Django's template for each option: the
    readout review lists every unit twice on each of its 26 directive rows (about 5,000
    options), which took about a second through the templates and kept the review over its
    1 s target (bench/review_bench.py). The HTML is the same as Django's select templates give
    (tests/test_pickers.py compares them)."""

    names_zh: dict[str, str]

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]  # a ChoiceWidget's
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            rows = format_html_join("", '<option value="{}"{}>{}</option>',
                                    ((option["value"], _attributes(option["attrs"]), option["label"]) for option in options))
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, rows) if group else rows)
        return format_html("{}</select>", format_html_join("", "{}", ((part,) for part in parts)))

    def _picker_attrs(self, attrs: dict[str, Any] | None, multiple: bool) -> dict[str, Any]:
        self.names_zh = {}
        extra: dict[str, Any] = {"data-picker": "unit", "data-no-results": _("No unit has this name or these initials.")}
        if multiple:
            extra["data-picker-help"] = _("Type a name or its pinyin initials to add a unit; × removes one.")
            extra["data-remove-label"] = _("Remove this unit")
        return {**extra, **(attrs or {})}

    def _search_attrs(self, option: dict[str, Any], value: Any, label: Any) -> dict[str, Any]:
        if value in ("", None):
            return option
        if isinstance(value, ModelChoiceIteratorValue):
            name = getattr(getattr(value, "instance", None), "name_zh", "")  # the stubs lack .instance
        else:
            name = self.names_zh.get(str(value), str(label))
        initials, full = pinyin(name)
        option["attrs"]["data-initials"] = initials
        option["attrs"]["data-pinyin"] = full
        return option


class UnitSelect(_Picker, forms.Select):
    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(self._picker_attrs(attrs, multiple=False), choices)

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        return self._search_attrs(option, value, label)


class UnitSelectMultiple(_Picker, forms.SelectMultiple):
    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(self._picker_attrs(attrs, multiple=True), choices)

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        return self._search_attrs(option, value, label)
