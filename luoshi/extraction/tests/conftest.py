from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

READOUTS = Path(__file__).with_name("readouts")
CANONICAL = READOUTS / "en-liaoning-2022-10-07.txt"


@pytest.fixture
def canonical_text() -> str:
    return CANONICAL.read_text(encoding="utf-8")


@pytest.fixture
def canonical_gold() -> dict[str, Any]:
    return json.loads(CANONICAL.with_name("en-liaoning-2022-10-07.gold.json").read_text("utf-8"))
