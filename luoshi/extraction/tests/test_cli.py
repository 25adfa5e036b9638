"""The `luoshi extract` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from luoshi.extraction.cli import main

from .conftest import CANONICAL, READOUTS


def test_it_prints_a_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """The summary names the date, chair, numbered agenda items and directives with units."""
    assert main([str(CANONICAL)]) == 0
    out = capsys.readouterr().out
    assert "2022-10-07" in out
    assert "Li Lecheng" in out
    assert "1. [study]" in out
    assert "7. " in out
    assert "EMERG" in out


def test_it_prints_json_with_the_gold_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object with the gold schema's keys."""
    assert main(["--json", str(CANONICAL)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"published", "date", "lang", "chair", "meeting_type", "agenda_items", "directives", "priority_areas"} <= set(data)
    assert data["chair"]["name"] == "Li Lecheng"


def test_it_reads_stdin_and_takes_a_publication_date(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """'-' reads the readout from standard input; --published resolves the year."""
    text = "7月2日下午，省长王新伟主持召开省政府常务会议。会议要求，要抓好防汛工作。"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["--json", "--published", "2023-07-03", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == "2023-07-02"
    assert data["directives"][0]["text"] == "要抓好防汛工作。"


def test_it_scores_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    """--eval prints per-file lines and micro-averaged scores."""
    assert main(["--eval", str(READOUTS)]) == 0
    out = capsys.readouterr().out
    assert "en-liaoning-2022-10-07:" in out
    assert "directives (overlap >= 0.5): P" in out
    assert "directives (overlap >= 0.8): P" in out
    assert "agenda kind accuracy" in out
    assert "date accuracy" in out and "chair-name accuracy" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x00\x01\x02\x03", "binary"),
        ("Привет, как дела? Это не тот язык.".encode(), "language not recognised"),
        (b"1234 5678 %%%% ----", "language not recognised"),
    ],
)
def test_it_rejects_bad_input_with_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str) -> None:
    """Empty, blank, binary and unknown-language input exit 2 with a message on stderr."""
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main([str(path)]) == 2
    assert message in capsys.readouterr().err


def test_it_rejects_a_huge_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 20 MB file is refused before it is read."""
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (20 * 1024 * 1024))
    assert main([str(path)]) == 2
    assert "too large" in capsys.readouterr().err


def test_it_accepts_a_readout_without_date_or_chair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No date and no chair are empty fields, not errors."""
    path = tmp_path / "r.txt"
    path.write_text("It is necessary to strengthen the supervision of food safety in all cities.", encoding="utf-8")
    assert main(["--json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["date"] is None and data["chair"] is None
    assert len(data["directives"]) == 1


def test_it_rejects_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad --published date, a missing file and a broken directory exit 2."""
    assert main(["--published", "2023-13-40", str(CANONICAL)]) == 2
    assert main([str(tmp_path / "nope.txt")]) == 2
    broken = tmp_path / "dir.json"
    broken.write_text('{"units": [{"code": "X"}], "priority_areas": []}', encoding="utf-8")
    assert main(["--directory", str(broken), str(CANONICAL)]) == 2
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err and "no such file" in err and "unit 'X'" in err


def test_it_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    """--help shows the program name and an example."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "luoshi extract" in out and "examples:" in out
