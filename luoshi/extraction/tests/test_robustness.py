"""Random and hostile input never crashes the engine and never yields a bad span."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.extraction import extract
from luoshi.extraction.deadlines import find_deadline
from luoshi.extraction.responsibility import find_responsibility

_PIECES = st.sampled_from(
    [
        "会议指出，", "会议强调，", "要", "必须", "；", "。", "，", "《办法》", "听取了", "汇报",
        "审议通过", "研究了其他事项", "主持召开", "省长王新伟", "5月10日", "近日",
        "It is necessary to ", "must ", "; ", ". ", ", ", "The meeting heard a report on ",
        "presided over by ", "Governor Wang Xinwei", "On October 7, ", "“", "”", "\n", "\x00",
        "date 2023-05-11 ", "reviewed and adopted the Regulations on X", "other matters",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=60).map("".join),
    st.text(alphabet="要。；，a .;\n\u4e00\u4e01", min_size=2000, max_size=6000),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, published=st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))))
def test_it_never_crashes_and_keeps_spans_valid(text: str, published: dt.date | None) -> None:
    """Whatever the text, extraction returns and every span slices out its item's text."""
    got = extract(text, published)
    for d in got.directives:
        assert text[d.span[0] : d.span[1]] == d.text and d.text
    for a in got.agenda_items:
        assert text[a.span[0] : a.span[1]] == a.title and a.title
    got.to_dict()


def test_it_handles_a_very_long_line() -> None:
    """A 200,000-character line without punctuation is processed quickly and safely."""
    text = "要" + "加强" * 100_000
    got = extract(text)
    assert all(text[d.span[0] : d.span[1]] == d.text for d in got.directives)


_WHO_WHEN = st.lists(st.one_of(st.sampled_from([
    "市发展改革委", "市商务局", "、", "和", "要", "牵头", "会同", "配合", "由", "等有关部门", "各地各部门",
    "，", "。", "；", "12月31日前", "13月40日前", "0月底前", "2027年2月30日前", "年底前", "春节前", "两周内",
    "一个月内", "99个工作日内", "500个工作日内", "十五天内", "半个月内", "牵头单位：", "配合单位：", "完成时限：",
    "The Department of Finance", " shall ", " together with ", "the Ministry of Health and the Bureau of X",
    " by 31 February", " by 30 June", " within 0 days", " within ten working days", " by the end of 9999",
    " led by ", " in cooperation with ",
]), st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_WHO_WHEN, meeting=st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))))
def test_who_and_by_when_never_crash_and_keep_spans_valid(text: str, meeting: dt.date | None) -> None:
    """Units and time limits from any text: names and words slice out of it, dates are dates or None."""
    for lang in ("zh", "en"):
        who = find_responsibility(text, lang)
        for unit in (*who.lead, *who.cooperating):
            assert text[unit.span[0]:unit.span[1]] == unit.name and unit.name
        found = find_deadline(text, lang, meeting)
        if found is not None:
            assert text[found.span[0]:found.span[1]] == found.text
            assert found.date is None or isinstance(found.date, dt.date)
