"""Requests per token, counted in Django's cache in fixed windows.

`cache.add` creates the window's counter only if it is missing and `cache.incr` adds one
atomically (in local memory under a lock, in Redis with INCR), so two app servers or two
threads can never both take the last request of a window."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

from luoshi.api.rates import parse_rate


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def check_rate(key: str) -> None:
    """Count one request for `key`; RateLimited (with the seconds to wait) when over."""
    rate = parse_rate(settings.LUOSHI_API_RATE)
    now = time.time()
    window = int(now // rate.seconds)
    name = f"luoshi:api-rate:{key}:{rate.seconds}:{window}"
    cache.add(name, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.add(name, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.requests:
        raise RateLimited(max(1, math.ceil((window + 1) * rate.seconds - now)))
