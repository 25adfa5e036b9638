"""The `luoshi` command refuses every management command that could delete or edit the audit
trail, and judges every installed command: a new one is refused until someone lists it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

from luoshi import cli

# What could delete or edit audit events, whichever app or dependency brings it.
DESTRUCTIVE = {"flush", "sqlflush", "dbshell", "shell", "loaddata"}


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """What reaches Django's dispatcher (nothing runs)."""
    calls: list[list[str]] = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", calls.append)
    return calls


def test_every_installed_command_is_judged():
    """Each management command is Luoshi's own, passed through as safe, or refused: a command added
    later (by Django, a dependency or an app) fails here until it is put in one of the lists."""
    installed = set(get_commands())
    judged = set(cli.COMMANDS) | set(cli.PASS_THROUGH) | set(cli.REFUSED) | set(cli.ACCOUNT_COMMANDS)
    assert installed - judged == set(), "add these to PASS_THROUGH or REFUSED in luoshi/cli.py"
    assert not set(cli.PASS_THROUGH) & set(cli.REFUSED)
    assert DESTRUCTIVE <= set(cli.REFUSED)


@pytest.mark.parametrize("name", sorted(set(get_commands())))
def test_each_command_is_refused_or_dispatched(name: str, dispatched: list[list[str]], capsys):
    """Walking every installed command: the destructive ones are refused with the reason and never
    reach Django; every other one is handed to Django unchanged."""
    refused = name in cli.REFUSED or name in cli.ACCOUNT_COMMANDS
    code = cli.main([name, "--help"] if not refused else [name])
    if name in cli.REFUSED:
        assert code == 2 and dispatched == []
        assert "audit trail" in capsys.readouterr().err
    elif name in cli.ACCOUNT_COMMANDS:
        assert code == 2 and dispatched == []
        assert "audited" in capsys.readouterr().err
    else:
        assert code == 0 and dispatched == [["luoshi", name, "--help"]]


def test_an_unjudged_command_is_refused(monkeypatch: pytest.MonkeyPatch, dispatched: list[list[str]], capsys):
    """A command that exists but is on neither list does not run."""
    monkeypatch.setattr(cli, "PASS_THROUGH", {k: v for k, v in cli.PASS_THROUGH.items() if k != "clearsessions"})
    assert cli.main(["clearsessions"]) == 2 and dispatched == []
    assert "known to leave the audit trail alone" in capsys.readouterr().err


def test_an_unknown_name_is_left_to_django(dispatched: list[list[str]]):
    """A typo still gets Django's "Unknown command" with its suggestion."""
    assert cli.main(["migrat"]) == 0 and dispatched == [["luoshi", "migrat"]]


@pytest.mark.parametrize(("args", "refused"), [
    (["migrate"], False), (["migrate", "audit"], False), (["migrate", "--plan"], False),
    (["migrate", "audit", "zero"], True), (["migrate", "--database", "default", "tasks", "0001"], True),
    (["sqlmigrate", "audit", "0001"], False), (["sqlmigrate", "audit", "0001", "--backwards"], True),
])
def test_migrate_only_moves_forward(args: list[str], refused: bool, dispatched: list[list[str]]):
    """`migrate APP zero` (or any named migration) would drop tables; plain `migrate` runs."""
    assert (cli.main(args) == 2) is refused
    assert (dispatched == []) is refused


def test_it_refuses_flush_for_real_and_keeps_the_rows(tmp_path: Path):
    """`luoshi flush --no-input` in its own process on a migrated database: refused, rows kept."""
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "LUOSHI_DATA_DIR": str(tmp_path)}

    def luoshi(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "luoshi", *args], env=env, capture_output=True, text=True,
                              check=False, timeout=300)

    assert luoshi("migrate", "-v0").returncode == 0
    created = luoshi("createuser", "wang", "--role", "supervisor", "--password", "a long enough pass phrase 7")
    assert created.returncode == 0, created.stderr
    refused = luoshi("flush", "--no-input")
    assert refused.returncode == 2 and "deletes every row" in refused.stderr
    verified = luoshi("audit", "verify")
    assert verified.stdout.startswith("OK: 1 events"), verified.stdout + verified.stderr


def test_the_wsgi_application_loads_the_dictionary_and_freezes_what_it_loaded(tmp_path):
    """luoshi.wsgi, as a web server imports it: jieba's dictionary is loaded and the loaded
    objects are kept out of the garbage collector's full passes."""
    code = ("import gc, luoshi.wsgi, jieba; "
            "print(gc.get_freeze_count() > 10000, jieba.dt.initialized, callable(luoshi.wsgi.application))")
    env = {**os.environ, "LUOSHI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "luoshi.settings"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr


@pytest.mark.parametrize("name", ["createsuperuser", "changepassword"])
def test_item_03_account_commands_outside_the_services_are_refused(name: str, dispatched: list[list[str]], capsys):
    """Issue 16, item 3: no unaudited superuser or password change through `luoshi`."""
    assert cli.main([name, "--username", "x"]) == 2 and dispatched == []
    assert "audited" in capsys.readouterr().err


@pytest.mark.parametrize("args", [
    ["check", "--pythonpath", "/tmp/evil", "--settings", "evil"],
    ["check", "--settings=evil"],
    ["migrate", "--pythonpath=/tmp"],
    ["extract_nothing", "--settings", "evil"],
])
def test_item_14_code_from_the_command_line_is_refused(args: list[str], dispatched: list[list[str]], capsys):
    """Issue 16, item 14: `--pythonpath`/`--settings` would import code from anywhere."""
    assert cli.main(args) == 2 and dispatched == []
    assert "DJANGO_SETTINGS_MODULE" in capsys.readouterr().err


def test_item_14_migrating_an_app_to_zero_is_refused_without_a_traceback(dispatched: list[list[str]], capsys):
    """Issue 16, item 14: `luoshi migrate audit --fake zero` is refused with a sentence."""
    assert cli.main(["migrate", "audit", "--fake", "zero"]) == 2 and dispatched == []
    err = capsys.readouterr().err
    assert "only moves forward" in err and "Traceback" not in err
