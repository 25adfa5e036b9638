"""Addresses computed once per process: the header's links, and the address of any id of one
kind (the lists that show fifty at a time). Each is kept per script prefix and URL
configuration, which is all reverse() depends on besides its arguments."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 2**62  # no real id is this large, so it appears once in the reversed address


def numbered(name: str, *rest: str) -> Callable[[int], str]:
    """reverse(name, args=[pk, *rest]) for any pk: the URL pattern is resolved once and the id
    put in its place."""
    return _numbered(get_script_prefix(), get_urlconf(), name, rest)


def fixed(name: str) -> str:
    """reverse(name) for a URL without arguments."""
    return _fixed(get_script_prefix(), get_urlconf(), name)


# The prefix and the URL configuration only key the caches: reverse() reads them itself.
@cache
def _numbered(prefix: str, urlconf: str | None, name: str, rest: tuple[str, ...]) -> Callable[[int], str]:
    head, tail = reverse(name, args=[_PLACEHOLDER, *rest]).split(str(_PLACEHOLDER))
    return lambda pk: f"{head}{int(pk)}{tail}"


@cache
def _fixed(prefix: str, urlconf: str | None, name: str) -> str:
    return reverse(name)
