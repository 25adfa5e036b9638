"""A Chinese city readout that names its lead and cooperating units and its time limits,
and the city departments it names, for the tests (a fixture written by the team: it is
never part of a scored corpus)."""

from __future__ import annotations

import datetime as dt

from luoshi.units.models import Unit
from luoshi.units.services import create_unit

MEETING_DAY = dt.date(2026, 12, 7)
READOUT = """市政府召开第12次常务会议
2026年12月7日，市长王明主持召开市政府第12次常务会议。
会议听取了关于促消费工作情况的汇报。会议强调，市发展改革委要牵头制定促消费实施方案，12月31日前报市政府。市商务局要会同市发展改革委抓紧出台支持政策，2027年1月15日前完成。
会议审议通过了《保交楼专项行动方案》。会议要求，加快推进保交楼工作，由市住建局牵头，市财政局、市自然资源局配合，春节前完成首批交付。市场监管局要在5个工作日内完成抽检。
"""
DEPARTMENTS = [
    ("C-DRC", "市发展和改革委员会", "Municipal Development and Reform Commission"),
    ("C-COM", "市商务局", "Municipal Bureau of Commerce"),
    ("C-HOUSE", "市住房和城乡建设局", "Municipal Bureau of Housing and Urban-Rural Development"),
    ("C-FIN", "市财政局", "Municipal Finance Bureau"),
    ("C-NATRES", "市自然资源局", "Municipal Bureau of Natural Resources"),
    ("C-MARKET", "市市场监督管理局", "Municipal Administration for Market Regulation"),
]


def add_city_departments(parent: Unit) -> dict[str, Unit]:
    """The departments the readout names, by code, created through the real service."""
    return {
        code: create_unit(None, code=code, name_zh=zh, name_en=en, kind="department", parent=parent)
        for code, zh, en in DEPARTMENTS
    }
