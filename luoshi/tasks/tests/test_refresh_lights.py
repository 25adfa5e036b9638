"""The stored light and its reason: written together by every service write, kept up with the
clock by refresh_lights (the daily pass, `luoshi lights`), and filled in by the migration."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import subprocess  # nosec B404
import sys
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from luoshi import lib
from luoshi.tasks import counts, lights
from luoshi.tasks.models import Task
from luoshi.tasks.services import (
    SubTask,
    decompose_task,
    explain_light,
    refresh_lights,
    report_progress,
)


def stored(task: Task) -> tuple[str, str, int | None]:
    task = Task.objects.get(pk=task.pk)
    return task.light, task.light_rule, task.light_amount


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def test_it_turns_a_task_red_with_its_days_when_the_clock_passes_its_deadline(province):
    """A day after the deadline: red, one day overdue; one light changed."""
    task = province.signed(deadline_days=3)
    assert stored(task) == ("green", "on_track", None)
    with lib.clock_at(lib.today() + days(4)):
        assert refresh_lights() == 1
    assert stored(task) == ("red", "overdue", 1)


def test_it_rewrites_the_amount_of_a_reason_each_day(province):
    """The next day the light stays red (no light changed) but the reason says two days."""
    task = province.signed(deadline_days=3)
    with lib.clock_at(lib.today() + days(4)):
        refresh_lights()
    with lib.clock_at(lib.today() + days(5)):
        assert refresh_lights() == 0
    assert stored(task) == ("red", "overdue", 2)


def test_it_turns_a_task_far_behind_its_line_amber_long_before_its_deadline(province):
    """No report for 20 days of a 50-day task at 0 %: 40 points behind, amber, 30 days before the deadline."""
    task = province.in_progress(progress=0, deadline_days=50)
    with lib.clock_at(lib.today() + days(20)):
        assert refresh_lights() == 1
    assert stored(task) == ("amber", "behind_trajectory", 40)
    assert counts.drift() == {}


def test_it_stores_the_reason_in_the_same_write_as_the_light(province):
    """A progress report moves the light and the reason together; so does creating a sub-task."""
    task = province.in_progress(progress=0, deadline_days=50)
    with lib.clock_at(lib.today() + days(20)):
        report_progress(province.liaison, task, text="caught up", progress=41)
        assert stored(task) == ("green", "on_track", None)
        report_progress(province.liaison, task, text="slipped", progress=5)
        assert stored(task) == ("amber", "behind_trajectory", 35)
        [child] = decompose_task(province.liaison, Task.objects.get(pk=task.pk),
                                 [SubTask(lead_unit=province.emergency, title="part")])
        child = Task.objects.get(pk=child.pk)
        assert stored(child) == (child.light, child.light_rule, child.light_amount)
        assert child.light_reason == explain_light(child)
    draft = province.draft()
    assert stored(draft) == ("", "", None)  # no light, so no reason (lifecycle.LIT)


def test_the_migration_explains_every_light_and_recounts(province):
    """Rows from before reasons (no rule, and a light by the old rules) get their reason and
    light, and the dashboards' counts follow."""
    behind = province.in_progress(progress=0, deadline_days=50)
    late = province.signed(deadline_days=3)
    done = province.completed()
    Task.objects.update(light="green", light_rule="", light_amount=None)
    counts.rebuild()
    migration = importlib.import_module("luoshi.tasks.migrations.0007_light_reason")
    with lib.clock_at(lib.today() + days(20)):
        migration.explain_every_light(apps, None)
    assert stored(behind) == ("amber", "behind_trajectory", 40)
    assert stored(late) == ("red", "overdue", 17)
    # 0009 then takes light and reason off the tasks whose status has no light.
    importlib.import_module("luoshi.tasks.migrations.0009_unlit_tasks_have_no_reason").clear_unlit(apps, SimpleNamespace(connection=connection))
    assert stored(done) == ("", "", None)
    assert counts.drift() == {}


def test_a_stored_reason_reads_as_the_rules_say(province):
    """The model's reason is the stored one, rendered in the active language."""
    task = province.signed(deadline_days=3)
    with lib.clock_at(lib.today() + days(11)):
        refresh_lights()
    task = Task.objects.get(pk=task.pk)
    assert task.light_reason == lights.Reason(lights.Light.RED, "overdue", 8)
    assert lights.describe(task.light_reason) == "已超期8天"


def test_the_tolerance_setting_moves_the_stored_lights(province, settings):
    """LUOSHI_BEHIND_TOLERANCE=50: 40 points behind far from the deadline is green again."""
    task = province.in_progress(progress=0, deadline_days=50)
    settings.LUOSHI_BEHIND_TOLERANCE = 50
    with lib.clock_at(lib.today() + days(20)):
        refresh_lights()
    assert stored(task) == ("green", "on_track", None)


@pytest.mark.parametrize("value", ["-1", "101", "twenty"])
def test_a_bad_tolerance_is_refused_at_start(tmp_path, value):
    """Outside 0–100, or not a number: the settings refuse to load, naming the variable."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(tmp_path),
                   "LUOSHI_BEHIND_TOLERANCE": value}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=environment,  # nosec B603
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "ConfigError" in result.stderr and "LUOSHI_BEHIND_TOLERANCE" in result.stderr
