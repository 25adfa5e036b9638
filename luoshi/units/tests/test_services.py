"""The unit tree is the system administrator's; its paths make "this unit or below" one test."""

from __future__ import annotations

import pytest

from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.lib import Forbidden, InvalidInput
from luoshi.testing.fixtures import Province
from luoshi.units.models import Unit
from luoshi.units.services import create_unit

PERSONAS = ["supervisor", "liaison", "leader", "secretary", "sysadmin", "secadmin", "auditadmin", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lets_only_the_system_administrator_create_units(province: Province, persona: str):
    """The system administrator creates units; everybody else is Forbidden and nothing is saved."""
    actor = getattr(province, persona)
    if persona == "sysadmin":
        unit = create_unit(actor, code="AS", name_zh="鞍山市", name_en="Anshan", kind="city", parent=province.root)
        event = AuditEvent.objects.get(verb="create_unit", object_id=str(unit.pk))
        assert (event.actor, event.after["parent"]) == (actor, "P")
        return
    with pytest.raises(Forbidden):
        create_unit(actor, code="AS", name_zh="鞍山市", name_en="Anshan", kind="city", parent=province.root)
    assert not Unit.objects.filter(code="AS").exists()


def test_it_refuses_an_inactive_system_administrator(province: Province):
    """A deactivated system administrator creates no unit."""
    User.objects.filter(pk=province.sysadmin.pk).update(is_active=False)
    province.sysadmin.refresh_from_db()
    with pytest.raises(Forbidden):
        create_unit(province.sysadmin, code="AS", name_zh="鞍山市", name_en="Anshan", kind="city")


def test_it_refuses_a_duplicate_code(province: Province):
    """Two units cannot share a code; the second attempt changes nothing."""
    before = (Unit.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput):
        create_unit(province.sysadmin, code="SY", name_zh="沈阳", name_en="Shenyang", kind="city")
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_it_refuses_an_unknown_kind(province: Province):
    """A unit is a province, office, department, city or county."""
    with pytest.raises(InvalidInput):
        create_unit(province.sysadmin, code="X", name_zh="某", name_en="X", kind="village")
    assert not Unit.objects.filter(code="X").exists()


def test_it_builds_the_path_three_levels_deep(province: Province):
    """Province, city and county each carry the path from the root down to themselves."""
    assert (province.root.path, province.city.path, province.county.path) == ("/P/", "/P/SY/", "/P/SY/SY-HP/")


def test_it_knows_what_lies_within_what(province: Province):
    """A unit is within itself and its ancestors, never within a sibling or a descendant."""
    root, city, county = province.root, province.city, province.county
    assert county.is_within(county) and county.is_within(city) and county.is_within(root)
    assert city.is_within(root) and not city.is_within(county) and not root.is_within(city)
    assert not county.is_within(province.other_city) and not county.is_within(province.health)


def test_it_does_not_mistake_a_code_prefix_for_a_parent(province: Province):
    """SYX is not below SY just because its code starts with SY."""
    syx = create_unit(province.sysadmin, code="SYX", name_zh="某市", name_en="Syx", kind="city", parent=province.root)
    assert not syx.is_within(province.city)
    assert not province.county.is_within(syx)
    assert list(province.city.subtree()) == [province.city, province.county]


def test_it_nests_a_new_unit_below_a_county(province: Province):
    """A fourth level keeps the chain: it is within the county, the city and the province."""
    town = create_unit(province.sysadmin, code="SY-HP-1", name_zh="街道", name_en="Subdistrict", kind="county",
                       parent=province.county)
    assert town.path == "/P/SY/SY-HP/SY-HP-1/"
    assert all(town.is_within(unit) for unit in (province.county, province.city, province.root))
    assert list(province.city.subtree()) == [province.city, province.county, town]
