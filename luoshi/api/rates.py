"""Parsing a rate such as "120/min". No Django import: settings.py calls it at start-up."""

from __future__ import annotations

from typing import NamedTuple

PERIODS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "day": 86400}


class Rate(NamedTuple):
    requests: int
    seconds: int


def parse_rate(value: str) -> Rate:
    """"120/min" → Rate(120, 60). ValueError names what is wrong."""
    count, _sep, period = value.strip().partition("/")
    if not count.strip().isdigit() or int(count) < 1 or period.strip() not in PERIODS:
        raise ValueError(
            f"a rate is a whole number of requests per {', '.join(sorted(set(PERIODS)))}, like 120/min, not {value!r}"
        )
    return Rate(int(count), PERIODS[period.strip()])
