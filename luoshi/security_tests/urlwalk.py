"""Every URL the project serves, read from django.urls.get_resolver(): its name, its route,
the arguments it takes and the HTTP methods its view accepts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" inside a namespace
    route: str  # "tasks/<int:pk>/" or the regex, joined from the includes
    arguments: tuple[str, ...]  # keyword arguments, in order of appearance
    view: Callable[..., Any]
    namespace: str = ""

    @property
    def methods(self) -> frozenset[str] | None:
        """What the view accepts, from require_http_methods or a class-based view's handlers;
        None when the view does not say (it accepts every method)."""
        return view_methods(self.view)

    @property
    def csrf_exempt(self) -> bool:
        return bool(getattr(self.view, "csrf_exempt", False))


def _pattern_text(pattern: Any) -> str:
    return str(pattern.pattern)


def _arguments(text: str) -> tuple[str, ...]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", text) + re.findall(r"\(\?P<(\w+)>", text)
    return tuple(dict.fromkeys(names))


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        text = prefix + _pattern_text(entry)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from walk(entry, text, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {text}>"
            yield Route(name=f"{namespace}:{name}" if namespace else name, route=text,
                        arguments=_arguments(text), view=entry.callback, namespace=namespace)


def view_methods(view: Callable[..., Any]) -> frozenset[str] | None:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handlers = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
        return frozenset(handlers - {"OPTIONS", "HEAD"})
    function: Any = view
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (isinstance(value, (list, tuple, set, frozenset)) and value
                    and all(isinstance(m, str) and m.upper() in HTTP_METHODS for m in value)):
                return frozenset(m.upper() for m in value) - {"HEAD", "OPTIONS"}
        function = getattr(function, "__wrapped__", None)
    return None


def routes() -> list[Route]:
    return list(walk())
