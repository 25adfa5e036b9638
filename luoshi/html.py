"""HTML written in Python for the long lists that pages repeat (ledger rows, unit lists, the
stocktake's rows).

Django's format_html escapes each value through conditional_escape, whose lazy-string wrapper
costs more than the escaping itself: a ledger page escaped about a thousand values that way.
These functions escape the same way (html.escape, or the value's own __html__ when it is
already safe) without the wrapper; tests/test_html.py holds them to Django's output."""

from __future__ import annotations

import functools
import html
import re
import sys
import unicodedata
from collections.abc import Iterable

from django.utils.safestring import SafeString
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length


def escaped(value: object) -> str:
    """django.utils.html.conditional_escape, without the lazy-string wrapper."""
    kind = type(value)
    if kind is str:  # not SafeString, a subclass, which keeps its own markup
        return html.escape(value)  # type: ignore[arg-type]
    if kind is int:  # digits and a sign: nothing to escape
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return html.escape(str(value))


def format_html(format_string: str, /, *args: object, **kwargs: object) -> SafeString:
    """django.utils.html.format_html: every value is escaped, the format string is trusted."""
    values = {name: escaped(value) for name, value in kwargs.items()}
    return SafeString(format_string.format(*map(escaped, args), **values))  # nosec B703 # values escaped just above


def format_html_join(separator: str, format_string: str, rows: Iterable[Iterable[object]]) -> SafeString:
    """django.utils.html.format_html_join: one escaped format_string per row, joined."""
    joined = escaped(separator).join(format_string.format(*map(escaped, row)) for row in rows)
    return SafeString(joined)  # nosec B703 # only escaped values in the caller's markup


def truncated(text: str, chars: int) -> str:
    """Truncator(text).chars(chars), what the truncatechars filter writes. Truncator counts
    characters one by one in Python to skip combining marks; a text whose first characters
    hold none is cut by slicing (the same result, tested)."""
    text = unicodedata.normalize("NFC", text)
    if len(text) <= chars:
        return text
    if _combining_marks().search(text, 0, chars + 1):
        return Truncator(text).chars(chars)
    return add_truncation_text(text[:calculate_truncate_chars_length(chars, None)])


@functools.cache
def _combining_marks() -> re.Pattern[str]:
    """Every character unicodedata.combining() counts, as one character class (built once, in 0.1 s)."""
    marks = "".join(re.escape(chr(code)) for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code)))
    return re.compile(f"[{marks}]")
