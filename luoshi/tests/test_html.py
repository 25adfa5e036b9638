"""luoshi.html writes what django.utils.html writes, for every kind of value the pages pass."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import html as django_html
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from luoshi import html

VALUES = [
    "plain", "<b>bold</b> & 'single' \"double\"", "中文 “引号” <i>", "", 0, 37, -1, 3.5, None, True, False,
    dt.date(2026, 11, 27), mark_safe("<em>already safe</em>"), SafeString("&amp; kept"),
    gettext_lazy("Status"), gettext_lazy("Lead unit"), "{braces} {0}", "a\u0301\x00\t\n",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_escaped_is_conditional_escape(language):
    with translation.override(language):
        for value in VALUES:
            assert html.escaped(value) == django_html.conditional_escape(value), repr(value)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_format_html_is_djangos(language):
    markup = '<td data-label="{label}" class="{kind}">{0}<span title="{1}">{value}</span></td>'
    with translation.override(language):
        for first in VALUES:
            for second in VALUES:
                ours = html.format_html(markup, first, second, label=second, kind=first, value=first)
                theirs = django_html.format_html(markup, first, second, label=second, kind=first, value=first)
                assert ours == theirs, (first, second)
                assert isinstance(ours, SafeString)


def test_format_html_join_is_djangos():
    rows = [(value, other) for value in VALUES for other in VALUES[::-1]]
    for separator in ["、", "<br>", mark_safe("<br>"), ""]:
        ours = html.format_html_join(separator, '<option value="{}">{}</option>', rows)
        assert ours == django_html.format_html_join(separator, '<option value="{}">{}</option>', rows)
        assert isinstance(ours, SafeString)
    assert html.format_html_join("", "{}", []) == ""


def test_nothing_unsafe_passes():
    written = html.format_html('<a href="{}">{}</a>', '"><script>alert(1)</script>', "<img src=x onerror=alert(1)>")
    assert "<script>" not in written and "<img" not in written
    assert written == '<a href="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&lt;img src=x onerror=alert(1)&gt;</a>'
