"""|ymd, |ymdhm and |iso write what |date writes with their formats."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("value", [
    dt.date(2024, 1, 5), dt.date(1, 1, 1), dt.date(9999, 12, 31),
    dt.datetime(2024, 5, 31, 17, 30, tzinfo=dt.UTC),  # the next day in Shanghai
    dt.datetime(2024, 5, 31, 15, 59, tzinfo=dt.UTC),
    dt.datetime(2024, 12, 31, 23, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
    dt.datetime(2024, 2, 29, 23, 59),  # naive: as it is
    dt.datetime(2024, 3, 1, 0, 0, 5, 123456, tzinfo=dt.UTC),
    None, "", "2024-01-01", 0, [],
])
@pytest.mark.parametrize(("ours", "format"), [("ymd", "Y-m-d"), ("ymdhm", "Y-m-d H:i"), ("iso", "c")])
def test_each_filter_is_the_date_filter_with_its_format(language, value, ours, format):
    if ours == "ymdhm" and type(value) is dt.date:
        pytest.skip("Django's date filter refuses a time format for a day")
    with translation.override(language):
        django = Template("{{ value|date:format }}").render(Context({"value": value, "format": format}))
        written = Template(f"{{% load dates %}}{{{{ value|{ours} }}}}").render(Context({"value": value}))
    assert written == django


def test_ymd_follows_the_current_time_zone():
    value = dt.datetime(2024, 5, 31, 20, 0, tzinfo=dt.UTC)
    with timezone.override("America/Los_Angeles"):
        assert Template("{% load dates %}{{ value|ymd }}").render(Context({"value": value})) == "2024-05-31"
    assert Template("{% load dates %}{{ value|ymd }}").render(Context({"value": value})) == "2024-06-01"
