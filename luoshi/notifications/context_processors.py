from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from luoshi.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`unread_notifications`: a callable, so the count is queried only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": lambda: 0}
    cache: list[int] = []

    def count() -> int:  # asked by the header and by the inbox page: one query
        if not cache:
            cache.append(unread_count(user))
        return cache[0]

    return {"unread_notifications": count}
