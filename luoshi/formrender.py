"""Django's form templates for fields, labels, inputs, selects and error lists, written in Python.

Every form field on a page goes through four or five small templates (the field group, its
label, its widget and the widget's attributes, its error list), each a template render with
its own context. The task page shows up to twenty fields, and those renders were a third of
its time. FormRenderer writes the same markup directly for Django's own templates and hands
every other template (a project's own, fieldsets, radio lists, multi-widgets) to Django.
tests/test_formrender.py holds it to Django's output, byte for byte, for every form of the
app, empty, filled in and with errors, in both languages.

Escaping and formatting follow the template language: {{ value }} is localised and
conditionally escaped (render_value_in_context), |stringformat:'s' is %-formatted, keeps
markup already safe and escapes the rest.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeData, SafeString

_CONTEXT = Context()  # default use_l10n and use_tz, autoescape on: as a form template renders


def _shown(value: Any) -> str:
    """{{ value }}"""
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is SafeString:
        return value  # type: ignore[no-any-return]
    return render_value_in_context(value, _CONTEXT)  # type: ignore[no-any-return]


def _formatted(value: Any) -> str:
    """{{ value|stringformat:'s' }}"""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))  # "%s" % value, with a tuple made a string first


def _attrs(attrs: dict[str, Any] | None) -> str:
    """django/forms/attrs.html and django/forms/widgets/attrs.html"""
    if not attrs:
        return ""
    return "".join(f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
                   for name, value in attrs.items() if value is not False)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html (and the templates that only include it)"""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{_shown(value) if value else ""}</textarea>')


def _option(option: dict[str, Any]) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_shown(option["label"])}</option>'


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _widget(context: dict[str, Any]) -> str | None:
    widget = context["widget"]
    template = widget["template_name"]
    if template == "django/forms/widgets/textarea.html":
        return _textarea(widget)
    if template == "django/forms/widgets/select.html":
        return _select(widget)
    if template == "django/forms/widgets/clearable_file_input.html":
        return None if widget.get("is_initial") else _input(widget)
    return _input(widget)


def _errors(context: dict[str, Any]) -> str:
    """django/forms/errors/list/ul.html"""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    named = f' id="{_shown(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_shown(error)}</li>" for error in errors)
    return f'<ul class="{_shown(context["error_class"])}"{named}>{items}</ul>'


def _label(context: dict[str, Any]) -> str:
    label = _shown(context["label"])
    if not context["use_tag"]:
        return label
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _field(context: dict[str, Any]) -> str | None:
    field = context["field"]
    if field.use_fieldset:
        return None
    label = _shown(field.label_tag()) if field.label else ""
    help_text = ""
    if field.help_text:
        named = f' id="{_shown(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{named}>{str(field.help_text)}</div>'  # |safe
    return f"\n  {label}\n\n{help_text}\n{_shown(field.errors)}\n{_shown(field)}"


_WIDGETS = ("input", "text", "number", "email", "url", "password", "search", "tel", "color",
            "date", "datetime", "time", "hidden", "checkbox", "file", "textarea", "select",
            "clearable_file_input")
WRITTEN: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
    **{f"django/forms/widgets/{name}.html": _widget for name in _WIDGETS},
}


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with its commonest templates written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = WRITTEN.get(template_name)
        if write is not None:
            written = write(context)
            if written is not None:
                return written.strip()
        return super().render(template_name, context, request)  # type: ignore[no-any-return]
