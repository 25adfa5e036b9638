"""The light and trajectory partials (web/_light.html, web/_trajectory.html through the lights
tags), and the cached template loader every page goes through."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template, engines
from django.template.loaders.cached import Loader as CachedLoader
from django.utils import translation

from luoshi.tasks import lights


def render(text: str, **context: object) -> str:
    return Template("{% load lights %}" + text).render(Context(context))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_light_is_a_dot_and_its_word_and_nothing_without_one(language):
    """Red, amber, green in words; no light, no markup; a strange value is escaped."""
    with translation.override(language):
        words = {"red": "overdue", "amber": "at risk", "green": "on track"}
        for value, word in words.items():
            html = render("{% light value %}", value=value)
            assert html.startswith(f'<span class="light {value}"><span class="dot {value}" aria-hidden="true"></span>')
            assert translation.gettext(word) + "</span>" in html
        assert render("{% light value %}", value="") == ""
        assert "&lt;b" in render("{% light value %}", value='<b x="1">')


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_light_with_its_reason_names_its_colour_then_the_reason(language):
    """The colour's name, then the reason in the active language, with its amount."""
    reason = lights.Reason(lights.Light.AMBER, "monthly_report_late", 3)
    with translation.override(language):
        html = render("{% light value reason %}", value="amber", reason=reason)
        assert (f'</span>{lights.colour_name("amber")}<span class="light-reason">{lights.describe(reason)}</span>'
                in html)
        assert "3" in html


def test_a_trajectory_shows_the_progress_and_where_the_line_stands_today():
    """With an expected progress: a mark and both numbers; without one: the progress alone."""
    task = SimpleNamespace(light="amber", progress=37)
    with translation.override("en"):
        html = render("{% trajectory item %}", item=SimpleNamespace(task=task, expected_rounded=53))
        assert 'aria-label="37% done, 53% expected by today"' in html
        assert '<span class="fill w7"></span><span class="mark w11"></span>' in html and "/ 53%" in html
        html = render("{% trajectory item %}", item=SimpleNamespace(task=task, expected_rounded=None))
        assert 'aria-label="37% done"' in html and "mark" not in html and "/ " not in html


def test_templates_are_loaded_through_the_cached_loader():
    """Each template is read and compiled once per process (Django's default without `loaders`)."""
    loaders = engines["django"].engine.template_loaders
    assert len(loaders) == 1 and isinstance(loaders[0], CachedLoader)
