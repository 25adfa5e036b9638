"""The unit directory: the Liaoning default, validation, and building from plain data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from luoshi.extraction import Directory, extract, load_directory
from luoshi.extraction.directory import DEFAULT_PATH


def _data() -> dict[str, Any]:
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_it_ships_a_complete_liaoning_directory() -> None:
    """The default has the general office, the supervision office, 28+ departments and 14 cities with counties."""
    d = load_directory()
    assert d.province["code"] == "LN"
    assert d.unit("GO") is not None
    dcs = d.unit("DCS")
    assert dcs is not None and dcs.parent == "GO"
    assert sum(u.kind == "department" for u in d.units) >= 28
    cities = [u for u in d.units if u.kind == "city"]
    assert len(cities) == 14
    for city in cities:
        assert 2 <= sum(u.parent == city.code for u in d.units) <= 3
    assert 12 <= len(d.priority_areas) <= 16


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["units"].append(copy.deepcopy(d["units"][0])), "duplicate unit code 'GO'"),
        (lambda d: d["units"][1].update(parent="NOPE"), "unit 'DCS' has unknown parent 'NOPE'"),
        (lambda d: d["units"][2].pop("keywords_en"), "is missing keywords_en"),
        (lambda d: d["units"][2].update(kind="ministry"), "kind 'ministry'"),
        (lambda d: d.pop("priority_areas"), "'priority_areas' must be a list"),
    ],
)
def test_it_rejects_an_invalid_directory(tmp_path: Path, change: Any, message: str) -> None:
    """Duplicates, unknown parents, missing fields and bad kinds are ValueErrors naming the unit."""
    data = _data()
    change(data)
    path = tmp_path / "dir.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_directory(path)


def test_it_builds_from_plain_data_and_suggests_its_units() -> None:
    """A deployment's own directory (as the Django app builds it) drives unit suggestions."""
    d = Directory.from_data(
        {
            "province": {"code": "XX"},
            "units": [
                {"code": "FIRE", "name_zh": "消防局", "name_en": "Fire Bureau", "kind": "department",
                 "parent": None, "keywords_zh": ["消防"], "keywords_en": ["fire"]},
            ],
            "priority_areas": [
                {"code": "SAFE", "name_zh": "安全", "name_en": "safety", "keywords_zh": ["消防"], "keywords_en": ["fire"]},
            ],
        }
    )
    got = extract("It is necessary to inspect fire exits in every market.", directory=d)
    assert got.directives[0].suggested_units == ("FIRE",)
    assert got.directives[0].priority_areas == ("safety",)


def test_it_matches_english_keywords_as_whole_words() -> None:
    """'port' does not match inside 'important'."""
    d = load_directory()
    assert all(m.code != "TRANSPORT" for m in d.match_units("an important requirement", "en"))
