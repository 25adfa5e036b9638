"""{{ value|ymd }}: {{ value|date:"Y-m-d" }} without Django's format machinery, which looks up
the language's formats for every value (a dashboard formats fifty dates)."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def ymd(value: object) -> str:
    """The day as YYYY-MM-DD; an aware time is first put in the current time zone (Django
    does that before calling a filter that expects local time), anything else gives ""."""
    if isinstance(value, dt.date):  # a datetime is a date too
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return ""
