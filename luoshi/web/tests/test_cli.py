"""The `luoshi` command line."""

import subprocess
import sys

import pytest
from django.core.management import get_commands, load_command_class

from luoshi.cli import COMMANDS, main


def test_it_lists_every_command_with_an_example(capsys):
    """`luoshi --help` names each command, its purpose and an example."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name, (purpose, example) in COMMANDS.items():
        assert name in out and purpose in out and example in out


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "extract"])
def test_every_django_command_has_help_with_an_example(name):
    """A command without an example in its help fails here."""
    command = load_command_class(get_commands()[name], name)
    assert "Example" in command.help or name == "migrate"


def test_it_passes_other_django_commands_through():
    """`luoshi check` runs Django's system check."""
    result = subprocess.run([sys.executable, "-m", "luoshi", "check"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_createuser_refuses_an_unknown_unit(db):
    """A liaison for a unit that does not exist is a clear error."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No unit has the code 'NOPE'"):
        call_command("createuser", "wang", "--role", "liaison", "--unit", "NOPE", "--password", "x" * 20)


def test_createuser_creates_a_liaison(province):
    """A liaison is created with its unit and can log in."""
    from django.contrib.auth import authenticate
    from django.core.management import call_command

    call_command("createuser", "wang", "--role", "liaison", "--unit", "EMERG", "--password", "correct-horse-battery")
    user = authenticate(username="wang", password="correct-horse-battery")
    assert user is not None and user.unit.code == "EMERG"


def test_it_stops_quietly_when_the_reader_goes_away(tmp_path):
    """`luoshi extract FILE | head` ends without a traceback."""
    from luoshi.web.demo import READOUT

    result = subprocess.run(f"{sys.executable} -m luoshi extract {READOUT} | head -n 1", shell=True,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("language:")
    assert "Traceback" not in result.stderr
