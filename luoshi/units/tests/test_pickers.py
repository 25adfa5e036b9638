"""The unit pickers: units in tree order, each searchable by the pinyin of its Chinese name."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from luoshi.meetings.forms import Choices, TaskFromDirectiveForm
from luoshi.tasks.forms import AssignForm, LedgerFilterForm
from luoshi.testing.fixtures import Province
from luoshi.units.models import Unit
from luoshi.units.pickers import initials, pinyin, tree_sorted

ZH_ORDER = ["P", "DL", "DCS", "HEALTH", "EMERG", "SY", "SY-HP"]  # 大连 督查 省卫 省应 沈阳 (和平区 under it)
EN_ORDER = ["P", "DL", "EMERG", "HEALTH", "SY", "SY-HP", "DCS"]  # Dalian, Emergency, Health, Shenyang (Heping), Supervision


@pytest.mark.parametrize(("name", "expected"), [
    ("应急管理厅", "yjglt"),
    ("省发展和改革委员会", "sfzhggwyh"),
    ("重庆市", "cqs"),  # 重 read chong in the place name, not zhong
    ("沈阳市和平区", "syshpq"),
    ("\u3000\u3000和平区", "hpq"),  # the tree's indentation is not part of the name
    ("省5G办", "s5gb"),  # letters and digits are kept
])
def test_it_gives_the_pinyin_initials(name: str, expected: str):
    """The initials are what people type on a phone keyboard: lower case, one letter a character."""
    assert initials(name) == expected


def test_it_gives_the_full_pinyin_too():
    """The full pinyin, without tones or spaces, also finds a unit."""
    assert pinyin("应急管理厅") == ("yjglt", "yingjiguanliting")


def test_it_orders_the_tree_by_pinyin_in_chinese(province: Province):
    """Parents before children, siblings by the pinyin of their Chinese names, not by code."""
    with translation.override("zh-hans"):
        assert [u.code for u in tree_sorted(Unit.objects.all())] == ZH_ORDER


def test_it_orders_the_tree_by_english_name_in_english(province: Province):
    """In English the siblings follow their English names."""
    with translation.override("en"):
        assert [u.code for u in tree_sorted(Unit.objects.all())] == EN_ORDER


def test_it_shows_a_unit_without_its_parent_at_the_top(province: Province):
    """A subtree without its root (a liaison's own units) keeps its order, orphans on top."""
    units = Unit.objects.filter(code__in=["SY-HP", "DL", "HEALTH"])
    with translation.override("zh-hans"):
        assert [u.code for u in tree_sorted(units)] == ["DL", "SY-HP", "HEALTH"]  # dalian, heping, sheng…


def _options(html: str) -> list[tuple[str, str]]:
    """(value, data-initials) of each option with a value, in order."""
    options = re.findall(r"<option [^>]*>", html)
    return [(re.search(r'value="([^"]*)"', o)[1], re.search(r'data-initials="([^"]*)"', o)[1])  # type: ignore[index]  # every option with a value has both
            for o in options if 'value=""' not in o]


def test_the_task_form_pickers_carry_initials_in_tree_order(province: Province):
    """The lead-unit and cooperating-unit pickers list the tree, each unit with its initials,
    in English too (the initials come from the Chinese name)."""
    task = province.assigned()
    with translation.override("en"):
        form = AssignForm(task=task, user=province.supervisor)
        lead, cooperating = str(form["lead_unit"]), str(form["cooperating_units"])
    by_pk = {str(u.pk): u.code for u in Unit.objects.all()}
    assert [by_pk[pk] for pk, _ in _options(lead)] == EN_ORDER
    assert dict(_options(lead))[str(province.emergency.pk)] == "syjglt"
    assert 'data-picker="unit"' in lead and "multiple" not in lead
    assert 'data-picker="unit"' in cooperating and "multiple" in cooperating
    assert "data-remove-label=" in cooperating


def test_the_ledger_filter_picker_carries_initials(province: Province):
    """The ledger's unit filter (values are codes) carries the initials of each unit."""
    with translation.override("zh-hans"):
        html = str(LedgerFilterForm({})["unit"])
    assert [code for code, _ in _options(html)] == ZH_ORDER
    assert dict(_options(html))["SY-HP"] == "hpq"


def test_the_meeting_pickers_carry_initials(province: Province):
    """The directive's task form (plain values) finds the Chinese names of its units once per page."""
    with translation.override("en"):
        choices = Choices()
        form = TaskFromDirectiveForm(prefix="d1", choices=choices, suggested=["EMERG"])
        html = str(form["lead_unit"])
    assert dict(_options(html))[str(province.emergency.pk)] == "syjglt"
    assert str(province.county.pk) in choices.names_zh and choices.names_zh[str(province.county.pk)] == "和平区"


def test_the_parent_picker_of_the_unit_pages_carries_initials(province: Province):
    """The system administrator's parent-unit picker finds 沈阳市 by sys, in English too."""
    from luoshi.units.forms import UnitCreateForm

    with translation.override("en"):
        html = str(UnitCreateForm(units=list(Unit.objects.all()))["parent"])
    assert 'data-picker="unit"' in html and dict(_options(html))[str(province.city.pk)] == "sys"


@pytest.mark.parametrize("multiple", [False, True])
def test_the_pickers_write_the_html_django_s_select_templates_write(multiple: bool):
    """The pickers write their options in Python for speed; the markup is Django's, but for the
    whitespace between tags: groups, selected options, boolean attributes, escaped labels."""
    from django import forms

    from luoshi.units.widgets import UnitSelect, UnitSelectMultiple

    widget = (UnitSelectMultiple if multiple else UnitSelect)(attrs={"required": True, "id": "id_x"})
    widget.choices = [("", "---------"), ("Suggested", [("1", "省应急管理厅"), ("2", 'A & <B> "C"')]),
                      ("All units", [("1", "省应急管理厅"), ("3", "\u3000沈阳市")])]
    widget.names_zh = {"1": "省应急管理厅", "2": "乙", "3": "沈阳市"}
    value = ["1", "3"] if multiple else "3"
    ours = widget.render("lead", value)
    django_s = (forms.SelectMultiple if multiple else forms.Select).render(widget, "lead", value)

    def tags(html: str) -> str:
        return re.sub(r">\s+<", "><", html.strip())

    assert tags(ours) == tags(django_s)
    assert 'data-initials="syjglt"' in ours and "&lt;B&gt;" in ours and (" multiple" in ours) is multiple
