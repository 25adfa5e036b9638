"""Addresses of many objects of one kind, for the lists that show fifty at a time."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 2**62  # no real id is this large, so it appears once in the reversed address


_NUMBERED: dict[tuple[str, str | None, str, tuple[str, ...]], Callable[[int], str]] = {}


def numbered(name: str, *rest: str) -> Callable[[int], str]:
    """reverse(name, args=[pk, *rest]) for any pk, at the cost of one reverse() per process
    (and script prefix): the URL pattern is resolved once and the id put in its place."""
    key = (get_script_prefix(), get_urlconf(), name, rest)
    found = _NUMBERED.get(key)
    if found is None:
        head, tail = reverse(name, args=[_PLACEHOLDER, *rest]).split(str(_PLACEHOLDER))
        found = _NUMBERED[key] = lambda pk: f"{head}{int(pk)}{tail}"
    return found


_FIXED: dict[tuple[str, str | None, str], str] = {}


def fixed(name: str) -> str:
    """reverse(name) for a URL without arguments, reversed once per process (and script
    prefix): the header links every page shows."""
    key = (get_script_prefix(), get_urlconf(), name)
    found = _FIXED.get(key)
    if found is None:
        found = _FIXED[key] = reverse(name)
    return found
