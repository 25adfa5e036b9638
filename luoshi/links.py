"""Addresses of many objects of one kind, for the lists that show fifty at a time."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_PLACEHOLDER = 2**62  # no real id is this large, so it appears once in the reversed address


def numbered(name: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for any pk, at the cost of one reverse(): the URL pattern
    is resolved once and the id put in its place."""
    head, tail = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
    return lambda pk: f"{head}{int(pk)}{tail}"
