"""{{ value|ymd }}, {{ value|ymdhm }} and {{ value|iso }}: {{ value|date:"Y-m-d" }},
{{ value|date:"Y-m-d H:i" }} and {{ value|date:"c" }} without Django's format machinery,
which looks up the language's formats for every value (a dashboard formats fifty dates)."""

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


@register.filter(expects_localtime=True, is_safe=False)
def ymdhm(value: object) -> str:
    """YYYY-MM-DD HH:MM of a time (midnight for a day), in the current time zone."""
    if isinstance(value, dt.datetime):
        return f"{ymd(value)} {value.hour:02d}:{value.minute:02d}"
    return f"{ymd(value)} 00:00" if isinstance(value, dt.date) else ""


@register.filter(expects_localtime=True, is_safe=False)
def iso(value: object) -> str:
    """ISO 8601, for <time datetime="...">: a time with its offset, in the current time zone."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value.isoformat() if isinstance(value, dt.date) else ""
