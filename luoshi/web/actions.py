"""How a view runs a service: one place that turns service errors into what the user sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest

from luoshi.lib import ConflictError, Forbidden, LuoshiError, NotFound

T = TypeVar("T")


def perform(request: HttpRequest, call: Callable[[], T]) -> tuple[T | None, str]:
    """Run `call` (one service call). Returns (result, "") on success and (None, message)
    when the service refused for a reason the user can act on; the message is also queued
    for the next page. Forbidden and NotFound become 404: "not yours" looks like "not there"."""
    try:
        return call(), ""
    except (Forbidden, NotFound):
        raise Http404 from None
    except (ConflictError, LuoshiError) as error:
        messages.error(request, str(error))
        return None, str(error)
