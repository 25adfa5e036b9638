"""The light, trajectory and stocktake-row tags (web/templatetags/lights.py) write what the
templates they replaced wrote, byte for byte, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Engine
from django.utils import translation

from luoshi import lib
from luoshi.tasks import lights
from luoshi.tasks.models import Task
from luoshi.web.dashboards import Trajectory
from luoshi.web.templatetags.lights import light, stocktake_rows, trajectory

# The templates as they were (web/_light.html, web/_trajectory.html and the stocktake's rows).
# (A task without a light, "", now shows nothing: issue 14.)
LIGHT = '{% load i18n %}{% if light %}<span class="light {{ light }}"><span class="dot {{ light }}" aria-hidden="true"></span>{% if light == "red" %}{% translate "overdue" %}{% elif light == "amber" %}{% translate "at risk" %}{% else %}{% translate "on track" %}{% endif %}</span>\n{% endif %}'
TRAJECTORY = '{% load i18n %}{% with task=item.task %}<span class="progress-cell"><span class="bar {{ task.light }}" role="img" aria-label="{% if item.expected_rounded is not None %}{% blocktranslate with progress=task.progress expected=item.expected_rounded %}{{ progress }}% done, {{ expected }}% expected by today{% endblocktranslate %}{% else %}{% blocktranslate with progress=task.progress %}{{ progress }}% done{% endblocktranslate %}{% endif %}"><span class="fill w{% widthratio task.progress 5 1 %}"></span>{% if item.expected_rounded is not None %}<span class="mark w{% widthratio item.expected_rounded 5 1 %}"></span>{% endif %}</span>\n<span class="num small">{{ task.progress }}%{% if item.expected_rounded is not None %} <span class="muted">/ {{ item.expected_rounded }}%</span>{% endif %}</span></span>{% endwith %}\n'
# A light with its reason: the colour's name, then the reason (what the light tag writes given one).
LIGHT_REASON = '<span class="light {{ light }}"><span class="dot {{ light }}" aria-hidden="true"></span>{{ colour }}<span class="light-reason">{{ text }}</span></span>\n'
# The stocktake's rows show each task's light with its reason.
ROWS = '{% load i18n lights %}{% for item in items %}{% with task=item.task %}<tr>\n        <td>{% light task.light task.light_reason %}</td>\n        <td class="title-cell"><a href="{{ task.get_absolute_url }}">{{ task.title|truncatechars:80 }}</a></td>\n        <td>{{ task.lead_unit }}</td>\n        <td class="date">{{ task.deadline|date:"Y-m-d"|default:"—" }}</td>\n        <td>{% include "web/_trajectory.html" %}</td>\n      </tr>{% endwith %}{% endfor %}'


def _engine() -> Engine:
    """Django's engine with the three templates, as the pages loaded them."""
    return Engine(loaders=[("django.template.loaders.locmem.Loader", {
        "web/_light.html": LIGHT, "web/_light_reason.html": LIGHT_REASON, "web/_trajectory.html": TRAJECTORY,
        "rows.html": ROWS})],
        libraries={"i18n": "django.templatetags.i18n", "lights": "luoshi.web.templatetags.lights"})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_light_is_the_template_light(language):
    """Each light, an empty one and one that needs escaping."""
    with translation.override(language):
        for value in ("red", "amber", "green", "", '<b x="1">'):
            assert light(value) == _engine().get_template("web/_light.html").render(Context({"light": value}))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_light_with_its_reason_names_the_colour_and_the_reason(language):
    """Each light with a reason, with and without an amount: the colour's name, then the words."""
    reasons = [lights.Reason(lights.Light.RED, "overdue", 8), lights.Reason(lights.Light.AMBER, "monthly_report_late", 3),
               lights.Reason(lights.Light.GREEN, "on_track")]
    with translation.override(language):
        for reason in reasons:
            context = {"light": reason.light, "colour": lights.colour_name(reason.light), "text": lights.describe(reason)}
            assert light(reason.light, reason) == _engine().get_template("web/_light_reason.html").render(Context(context))
        assert "8" in light("red", reasons[0]) and "3" in light("amber", reasons[1])


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_trajectory_and_the_rows_are_the_templates(province, language):
    """With and without an expected progress, with and without a deadline, a title to shorten and escape."""

    tasks = [province.in_progress(progress=37, deadline_days=20), province.signed(deadline_days=3),
             province.signed(title="<i>防汛</i> & “flood” " + "长" * 90, deadline_days=60)]
    Task.objects.filter(pk=tasks[1].pk).update(deadline=None)
    Task.objects.filter(pk=tasks[0].pk).update(progress=100, assigned_at=lib.now() - dt.timedelta(days=40))
    items = [Trajectory(task, expected, overdue)
             for task, (expected, overdue) in zip(Task.objects.select_related("lead_unit").order_by("id"),
                                                   [(52.6, 0), (None, 0), (0.0, 3)], strict=True)]
    with translation.override(language):
        for item in items:
            assert trajectory(item) == _engine().get_template("web/_trajectory.html").render(Context({"item": item}))
        assert stocktake_rows(items) == _engine().get_template("rows.html").render(Context({"items": items}))
        assert stocktake_rows([]) == ""

