"""Rate limiting per token (LUOSHI_API_RATE): 429 with Retry-After, counted per token."""

from __future__ import annotations

import pytest

from luoshi.api.rates import parse_rate
from luoshi.api.tests.conftest import api_client
from luoshi.lib import ConfigError

ME = "/api/v1/me"


def test_it_refuses_requests_over_the_rate_with_429(province, settings):
    """The fourth request of a 3/min token is 429 with a Retry-After of at most a minute."""
    settings.LUOSHI_API_RATE = "3/min"
    client = api_client(province.liaison)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(ME)
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_it_counts_each_person_apart_whatever_their_tokens(province, settings):
    """A second token of the same person shares the rate (issue 16, item 15); another person's does not."""
    settings.LUOSHI_API_RATE = "1/hour"
    first, second = api_client(province.liaison, name="a"), api_client(province.liaison, name="b")
    assert first.get(ME).status_code == 200 and first.get(ME).status_code == 429
    assert second.get(ME).status_code == 429
    assert api_client(province.other_liaison, name="c").get(ME).status_code == 200


def test_it_counts_refused_actions_too(province, settings):
    """Errors count: a client cannot probe faster by failing."""
    settings.LUOSHI_API_RATE = "2/min"
    client = api_client(province.liaison)
    assert client.get("/api/v1/tasks/999").status_code == 404
    assert client.get("/api/v1/tasks/998").status_code == 404
    assert client.get("/api/v1/tasks/997").status_code == 429


@pytest.mark.parametrize("value, rate", [("120/min", (120, 60)), ("5/s", (5, 1)), ("1000/day", (1000, 86400))])
def test_it_reads_rates(value, rate):
    """A rate is requests per s, min, hour or day."""
    assert parse_rate(value) == rate


@pytest.mark.parametrize("value", ["", "120", "0/min", "-1/min", "ten/min", "120/fortnight"])
def test_it_refuses_rates_it_cannot_read(value):
    """Anything else is refused, with an example of the right form."""
    with pytest.raises(ValueError, match="like 120/min"):
        parse_rate(value)


def test_it_refuses_a_bad_rate_at_start_up(monkeypatch):
    """settings.py refuses a bad LUOSHI_API_RATE at start-up, naming the variable."""
    from luoshi.settings import _api_rate

    monkeypatch.setenv("LUOSHI_API_RATE", "lots")
    with pytest.raises(ConfigError, match="LUOSHI_API_RATE"):
        _api_rate("LUOSHI_API_RATE", "120/min")
