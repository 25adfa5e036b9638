"""The system administrator's pages: the unit tree and the priority areas."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.meetings.models import PriorityArea
from luoshi.testing.fixtures import PASSWORD, Province
from luoshi.units.models import Unit
from luoshi.units.services import create_unit

OTHERS = ["supervisor", "liaison", "leader", "secretary", "secadmin", "auditadmin"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def pages(province: Province) -> list[str]:
    return [reverse("unit_list"), reverse("unit_edit", args=[province.city.pk]),
            reverse("area_list"), reverse("area_edit", args=[province.area.pk])]


def test_it_shows_every_page_to_the_system_administrator(province: Province):
    """The tree, a unit, the areas and an area render for the system administrator."""
    client = client_for(province.sysadmin)
    for url in pages(province):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(reverse("unit_list")).content.decode()
    assert "Shenyang" in html and "SY-HP" in html and "New unit" in html


@pytest.mark.parametrize("persona", OTHERS)
def test_it_is_404_for_everybody_else(province: Province, persona: str):
    """Business users and the other two administrators get 404, and cannot post."""
    client = client_for(getattr(province, persona))
    for url in pages(province):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("unit_list"), {"code": "AS"}).status_code == 404
    assert client.post(reverse("unit_move", args=[province.county.pk]), {"parent": province.other_city.pk}).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(reverse("unit_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_the_wrong_method(province: Province):
    """Moving is a POST only; the lists take GET and POST only."""
    client = client_for(province.sysadmin)
    assert client.get(reverse("unit_move", args=[province.county.pk])).status_code == 405
    assert client.put(reverse("unit_list")).status_code == 405


def test_it_creates_a_unit_and_audits_it(province: Province):
    """A new unit appears under its parent, with an audit row by the system administrator."""
    response = client_for(province.sysadmin).post(reverse("unit_list"), {
        "code": "AS", "name_zh": "鞍山市", "name_en": "Anshan", "kind": "city", "parent": province.root.pk,
        "keywords_zh": "鞍山、钢铁", "keywords_en": "Anshan, steel"}, follow=True)
    assert "The unit “Anshan” is created." in response.content.decode()
    unit = Unit.objects.get(code="AS")
    assert (unit.parent, unit.keywords_zh, unit.keywords_en) == (province.root, ["鞍山", "钢铁"], ["Anshan", "steel"])
    assert AuditEvent.objects.get(verb="create_unit", object_id=str(unit.pk)).actor == province.sysadmin


@pytest.mark.parametrize("data, message", [
    ({"code": "", "name_zh": "x", "name_en": "x", "kind": "city"}, "This field is required."),
    ({"code": "SY", "name_zh": "x", "name_en": "x", "kind": "city"}, "A unit with code SY already exists."),
    ({"code": "a b", "name_zh": "x", "name_en": "x", "kind": "city"}, "Use letters, digits"),
])
def test_it_explains_bad_input_and_keeps_it(province: Province, data: dict[str, str], message: str):
    """Missing fields, a duplicate code and a bad code: a clear message, the input kept, nothing saved."""
    before = Unit.objects.count()
    response = client_for(province.sysadmin).post(reverse("unit_list"), {**data, "parent": province.root.pk})
    html = response.content.decode()
    assert response.status_code == 422 and message in html and 'value="x"' in html
    assert Unit.objects.count() == before


def test_it_renames_a_unit(province: Province):
    """Names and keywords change; the code does not; the audit row has before and after."""
    client_for(province.sysadmin).post(reverse("unit_edit", args=[province.city.pk]), {
        "name_zh": "沈阳市人民政府", "name_en": "Shenyang Municipal Government", "keywords_zh": "沈阳", "keywords_en": ""})
    city = Unit.objects.get(pk=province.city.pk)
    assert (city.code, city.name_en, city.keywords_zh) == ("SY", "Shenyang Municipal Government", ["沈阳"])
    event = AuditEvent.objects.get(verb="rename_unit")
    assert (event.before["name_en"], event.after["name_en"]) == ("Shenyang", "Shenyang Municipal Government")


def test_it_moves_a_unit_with_its_subtree(province: Province):
    """A moved county takes the new city's path, and liaisons' scopes follow."""
    sub = create_unit(None, code="SY-HP-1", name_zh="街道", name_en="Street", kind="county", parent=province.county)
    response = client_for(province.sysadmin).post(reverse("unit_move", args=[province.county.pk]),
                                                  {"parent": province.other_city.pk}, follow=True)
    assert "is now under" in response.content.decode()
    assert Unit.objects.get(pk=province.county.pk).path == "/P/DL/SY-HP/"
    assert Unit.objects.get(pk=sub.pk).path == "/P/DL/SY-HP/SY-HP-1/"
    assert AuditEvent.objects.get(verb="move_unit").after["units_moved"] == 2


def test_item_12_a_move_that_changes_who_sees_tasks_asks_for_confirmation(province: Province):
    """Issue 16, item 12: moving a county with tasks shows who gains and loses sight of them
    and moves nothing until the system administrator confirms that number of tasks."""
    task = province.assigned(lead=province.county)
    client = client_for(province.sysadmin)
    url = reverse("unit_move", args=[province.county.pk])
    question = client.post(url, {"parent": province.other_city.pk})
    page = question.content.decode()
    assert question.status_code == 409 and "Dalian" in page and "Shenyang" in page
    assert Unit.objects.get(pk=province.county.pk).path == "/P/SY/SY-HP/"
    stale = client.post(url, {"parent": province.other_city.pk, "confirmed_tasks": 0})
    assert stale.status_code == 409  # a number that is not today's is asked again
    client.post(url, {"parent": province.other_city.pk, "confirmed_tasks": 1})
    assert Unit.objects.get(pk=province.county.pk).path == "/P/DL/SY-HP/"
    event = AuditEvent.objects.get(verb="move_unit")
    assert (event.after["tasks_confirmed"], event.after["liaisons_gaining"], event.after["liaisons_losing"]) == (
        1, ["DL"], ["SY"])
    assert task.pk


def test_it_refuses_to_move_a_unit_below_itself(province: Province):
    """A cycle in the tree is refused; nothing moves."""
    response = client_for(province.sysadmin).post(reverse("unit_move", args=[province.city.pk]),
                                                  {"parent": province.county.pk}, follow=True)
    assert "Choose the new parent unit" in response.content.decode()
    assert Unit.objects.get(pk=province.city.pk).path == "/P/SY/"
    assert not AuditEvent.objects.filter(verb="move_unit").exists()


def test_it_creates_and_renames_a_priority_area(province: Province):
    """An area is created and renamed, each with an audit row."""
    client = client_for(province.sysadmin)
    client.post(reverse("area_list"), {"code": "HEALTH", "name_zh": "卫生健康", "name_en": "health",
                                       "keywords_zh": "医疗、疫情", "keywords_en": ""})
    area = PriorityArea.objects.get(code="HEALTH")
    client.post(reverse("area_edit", args=[area.pk]), {"name_zh": "卫生健康", "name_en": "public health",
                                                      "keywords_zh": "医疗", "keywords_en": ""})
    area.refresh_from_db()
    assert (area.name_en, area.keywords_zh) == ("public health", ["医疗"])
    assert AuditEvent.objects.filter(verb__in=["create_priority_area", "rename_priority_area"], actor=province.sysadmin).count() == 2


def test_the_unit_tree_costs_the_same_queries_for_few_and_many_units(province: Province, django_assert_max_num_queries):
    """The tree page is a fixed number of queries however many units there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(province.sysadmin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("unit_list"))
    for i in range(50):
        create_unit(None, code=f"C{i}", name_zh=f"县{i}", name_en=f"County {i}", kind="county", parent=province.city)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("unit_list"))
    assert len(few) == len(many) <= 8
