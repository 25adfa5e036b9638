"""The ranking page and its export, for each persona."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi import lib
from luoshi.testing.fixtures import PASSWORD

HIDDEN = ["secretary", "sysadmin", "secadmin", "auditadmin"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def scored(province):  # type: ignore[no-untyped-def]
    """Late tasks for the emergency department and the health commission in Q1 2024."""
    with lib.clock_at(dt.date(2024, 1, 5)):
        province.in_progress(deadline_days=10)
        province.in_progress(province.health, deadline_days=20)
    return province


def get(client, url="scoring", headers=None, **params):  # type: ignore[no-untyped-def]
    with lib.clock_at(dt.date(2024, 3, 20)):
        return client.get(reverse(url), params, headers=headers)


@pytest.mark.parametrize("persona", ["supervisor", "leader"])
def test_it_ranks_every_unit_for_the_office_and_leaders(scored, persona):
    """The office and leaders see every unit's line and the formula."""
    page = get(client_for(getattr(scored, persona)), period="2024-Q1").content.decode()
    assert "Emergency Management" in page and "Health Commission" in page
    assert "How the score is computed" in page and "S = 100 ×" in page


def test_a_liaison_sees_only_their_unit(scored):
    """A unit liaison sees their own line and no other unit's."""
    page = get(client_for(scored.liaison), period="2024-Q1").content.decode()
    assert "Emergency Management" in page and "Health Commission" not in page


def test_a_liaison_with_nothing_due_is_told_so(scored):
    """A liaison whose unit had nothing to score sees a plain sentence."""
    page = get(client_for(scored.city_liaison), period="2024-Q1").content.decode()
    assert "Your unit had nothing to score" in page


@pytest.mark.parametrize("persona", HIDDEN)
def test_it_is_hidden_from_administrators_and_secretaries(scored, persona):
    """The three administrators and the meeting secretary get 404 on the page and the export."""
    client = client_for(getattr(scored, persona))
    assert get(client).status_code == 404
    assert get(client, "scoring_export").status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(scored):
    """Anonymous visitors are redirected to the login page."""
    for name in ("scoring", "scoring_export"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_post(scored):
    """The ranking and the export are read-only."""
    client = client_for(scored.supervisor)
    assert client.post(reverse("scoring")).status_code == 405
    assert client.post(reverse("scoring_export")).status_code == 405


def test_it_serves_the_htmx_fragment(scored):
    """With htmx the period change returns the ranking fragment only."""
    response = get(client_for(scored.supervisor), headers={"HX-Request": "true"}, period="2024-Q1")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "Emergency Management" in body


def test_it_takes_a_date_range_and_explains_a_bad_one(scored):
    """A custom range works; a half range is explained and the current quarter is shown."""
    client = client_for(scored.supervisor)
    assert "2024-01-01 – 2024-02-15" in get(client, start="2024-01-01", end="2024-02-15").content.decode()
    page = get(client, start="2024-01-01").content.decode()
    assert "Give both ends of the range" in page


def test_it_exports_the_ranking(scored):
    """The export is a workbook with a line per unit and the formula."""
    response = get(client_for(scored.supervisor), "scoring_export", period="2024-Q1")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "luoshi-scores-2024-Q1.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    units = {row[1] for row in rows[3:5]}
    assert units == {"Emergency Management", "Health Commission"}
    assert str(rows[-1][0]).startswith("Score = 100 ×")


def test_a_liaison_exports_only_their_line(scored):
    """A liaison's export holds their unit only."""
    response = get(client_for(scored.other_liaison), "scoring_export", period="2024-Q1")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[3:] if row and row[0] == 1] == ["Health Commission"]
    assert "Emergency Management" not in str(rows)


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_runs_a_bounded_number_of_queries(province, count, django_assert_max_num_queries):
    """The page costs the same whether one or fifty units are ranked."""
    from luoshi.tasks import services
    from luoshi.units.services import create_unit

    with lib.clock_at(dt.date(2024, 1, 5)):
        province.in_progress(deadline_days=10)
        for n in range(count - 1):
            unit = create_unit(None, code=f"U{n}", name_zh=f"第{n}厅", name_en=f"Dept {n}", kind="department",
                               parent=province.root)
            services.assign_task(province.supervisor, province.draft(unit, deadline_days=10))
    client = client_for(province.supervisor)
    with django_assert_max_num_queries(11):  # one more than before grades: their aggregate
        response = get(client, period="2024-Q1")
    assert response.status_code == 200 and response.content.decode().count('scope="row"') == count
