"""A Chinese city readout that names its lead and cooperating units and its time limits
(extraction/tests/fixtures/city-readout.txt, also made into the .pdf and .ofd fixtures
there), and the city departments it names, for the tests. A fixture written by the team:
it is never part of a scored corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from luoshi.units.models import Unit
from luoshi.units.services import create_unit

MEETING_DAY = dt.date(2026, 12, 7)
READOUT = (Path(__file__).resolve().parents[1] / "extraction" / "tests" / "fixtures" / "city-readout.txt").read_text(
    encoding="utf-8"
)
DEPARTMENTS = [
    ("C-DRC", "市发展和改革委员会", "Municipal Development and Reform Commission"),
    ("C-COM", "市商务局", "Municipal Bureau of Commerce"),
    ("C-HOUSE", "市住房和城乡建设局", "Municipal Bureau of Housing and Urban-Rural Development"),
    ("C-FIN", "市财政局", "Municipal Finance Bureau"),
    ("C-NATRES", "市自然资源局", "Municipal Bureau of Natural Resources"),
    ("C-MARKET", "市市场监督管理局", "Municipal Administration for Market Regulation"),
]


def add_city_departments(parent: Unit) -> dict[str, Unit]:
    """The departments the readout names, by code, created through the real service."""
    return {
        code: create_unit(None, code=code, name_zh=zh, name_en=en, kind="department", parent=parent)
        for code, zh, en in DEPARTMENTS
    }
