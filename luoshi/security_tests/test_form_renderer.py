"""luoshi/formrender.py writes Django's form templates in Python: it must write exactly what
the templates write. Every page of the URL walk, as every persona who may open it, and every
task action posted empty (each form then shows its errors), is rendered with Django's
template renderer and with FormRenderer, and the two pages must be equal byte for byte.
A form built to reach the corners (optgroups, safe and unsafe values, dates and numbers in
labels, files, fieldsets, multi-widgets) is compared field by field in both languages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from luoshi.formrender import FormRenderer
from luoshi.security_tests import matrix
from luoshi.security_tests.conftest import World, client_for, world  # noqa: F401
from luoshi.security_tests.urlwalk import routes
from luoshi.tasks.views import ACTIONS

TEMPLATES = "django.forms.renderers.DjangoTemplates"
PYTHON = "luoshi.formrender.FormRenderer"
# CSRF tokens are masked afresh on every request.
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
# Reading the audit trail is audited: the second read lists the first. Its filter form stays.
_AUDIT_EVENTS = re.compile(r'<section class="card audit-events".*?</section>', re.S)


@pytest.fixture
def renderer() -> Iterator[Any]:
    """A context manager that makes the given FORM_RENDERER the default for its block."""
    class Use:
        def __init__(self, name: str) -> None:
            self.override = override_settings(FORM_RENDERER=name)

        def __enter__(self) -> None:
            self.override.__enter__()
            get_default_renderer.cache_clear()

        def __exit__(self, *exc: object) -> None:
            self.override.__exit__(*exc)
            get_default_renderer.cache_clear()

    yield Use
    get_default_renderer.cache_clear()


def test_the_project_renders_forms_with_formrenderer() -> None:
    assert isinstance(get_default_renderer(), FormRenderer)


def _pages() -> list[tuple[str, str]]:
    """(route name, persona) for every page someone may GET."""
    found = []
    for route in routes():
        rule = matrix.rule_for(route)
        if rule is None or rule.token_only or not rule.accepts_get or route.name.startswith("admin:"):
            continue
        found.extend((route.name, persona) for persona in sorted(rule.get))
    return found


PAGES = _pages()
ROUTES = {route.name: route for route in routes()}


def _html(response: Any) -> str:
    return _AUDIT_EVENTS.sub("", _TOKEN.sub(r"\1-", response.content.decode()))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_is_the_same_with_either_renderer(world: World, db: None, renderer: Any, language: str) -> None:  # noqa: F811
    assert len(PAGES) > 40
    compared = differ = 0
    problems = []
    for name, persona in PAGES:
        route = ROUTES[name]
        states = ["draft", "in_progress", "completion_requested"] if "task" in matrix.argument_kinds(route).values() else [None]
        for state in states:
            url = matrix.url_for(route, matrix.values(world, route, task=world.tasks[state] if state else None))
            client = client_for(world.user(persona))
            client.cookies["django_language"] = language
            rule = matrix.rule_for(route)
            with renderer(TEMPLATES):
                expected = client.get(url, rule.query)  # type: ignore[union-attr]
            with renderer(PYTHON):
                got = client.get(url, rule.query)  # type: ignore[union-attr]
            if expected.status_code != 200 or "text/html" not in expected.get("Content-Type", ""):
                continue
            compared += 1
            if _html(expected) != _html(got):
                differ += 1
                problems.append(f"{persona} {url}")
    assert compared > 40
    assert not problems, f"{differ} pages differ: {problems}"


@pytest.mark.parametrize("persona", ["supervisor", "liaison"])
def test_every_task_form_with_errors_is_the_same_with_either_renderer(world: World, db: None, renderer: Any,  # noqa: F811
                                                                      persona: str) -> None:
    """An empty POST of each action leaves the task as it was and shows the form's errors."""
    compared = 0
    for state in ("draft", "assigned", "signed", "in_progress", "completion_requested", "suspended"):
        task = world.tasks[state]
        for action in ACTIONS:
            client = client_for(world.user(persona))
            url = reverse("task_action", args=[task.pk, action])
            with renderer(TEMPLATES):
                expected = client.post(url, {"parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0",
                                             "parts-0-title": "<b>x</b>", "parts-0-weight": "-1", "deadline": "31.2."})
            with renderer(PYTHON):
                got = client.post(url, {"parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0",
                                        "parts-0-title": "<b>x</b>", "parts-0-weight": "-1", "deadline": "31.2."})
            assert expected.status_code == got.status_code, url
            if expected.status_code == 422:  # the form again, with its errors
                compared += 1
                assert _html(expected) == _html(got), url
    assert compared >= 5


# --- the corners ------------------------------------------------------------------------------


class Corners(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"

    text = forms.CharField(label="Name <b>", help_text=gettext_lazy("Hold Ctrl (⌘ on a Mac) to choose several."),
                           widget=forms.TextInput(attrs={"placeholder": mark_safe("a &amp; b"), "data-x": "<'\">",
                                                         "autofocus": True, "disabled": False}))
    number = forms.DecimalField(label="Amount?", localize=True, initial=Decimal("1234.5"))
    when = forms.DateField(label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), initial="<script>alert(1)</script>\n")
    empty_note = forms.CharField(required=False, widget=forms.Textarea)
    flag = forms.BooleanField(required=False, initial=True, label="")
    hidden = forms.CharField(widget=forms.HiddenInput, initial=("a", "b"))
    kind = forms.ChoiceField(choices=[("", "—"), ("Fruit", [("apple", "Apple & pear"), ("kiwi", dt.date(2024, 5, 1))]),
                                      (3, 1234567), ("x", mark_safe("<i>safe</i>"))], initial=3)
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", gettext_lazy("Deadline"))], initial=["a", "b"],
                                     widget=forms.SelectMultiple(attrs={"size": 3}))
    files = forms.FileField(required=False, widget=forms.ClearableFileInput)
    picked = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    both = forms.SplitDateTimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="s3cret")
    dated = forms.DateTimeField(required=False, initial=dt.datetime(2024, 5, 1, 13, 5))


class InitialFile:
    url = "/files/a.pdf"

    def __str__(self) -> str:
        return "a <b>.pdf"


def _renders(form: forms.Form) -> list[str]:
    out = [form.as_div(), form.as_p(), str(form.non_field_errors())]
    for field in form:
        out += [field.as_field_group(), str(field), field.label_tag(), field.legend_tag(), str(field.errors),
                field.label_tag(attrs={"class": "x"}, label_suffix=":")]
    return out


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", [None, {}, {"text": "<b>", "number": "12,5", "when": "not a date", "kind": "kiwi",
                                             "many": ["b", "z"], "flag": "on", "picked": "c", "both_0": "2024-01-01"}])
def test_every_corner_of_a_form_is_the_same_with_either_renderer(language: str, data: dict[str, Any] | None) -> None:
    with translation.override(language):
        made = []
        for renderer in (DjangoTemplates(), FormRenderer()):
            form = Corners(data, renderer=renderer, label_suffix="：" if language == "zh-hans" else None,
                           initial={"files": InitialFile()})
            if data is not None:
                form.is_valid()
                form.add_error(None, "Whole-form <error>")
            made.append(_renders(form))
        assert made[0] == made[1]
