"""The home page of each role, and the login page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.tasks import services
from luoshi.testing.fixtures import PASSWORD, Province

ECHARTS = "echarts-5.6.0.min.js"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def home_of(user) -> str:  # type: ignore[no-untyped-def]
    response = client_for(user).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def work(province: Province) -> dict[str, object]:
    """One task per unit with a title that can be searched for, and a meeting title."""
    emergency = province.in_progress(title="EMERG-TASK mine soon")
    health = province.in_progress(province.health, title="HEALTH-TASK not theirs")
    city = province.assigned(province.city, title="CITY-TASK to sign")
    county = province.signed(province.county, title="COUNTY-TASK below")
    return {"emergency": emergency, "health": health, "city": city, "county": county}


def test_it_sends_anonymous_visitors_to_the_login_page(db):
    """An anonymous visitor is redirected to the login page."""
    response = Client().get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_refuses_post(province):
    """The home page only answers GET."""
    assert client_for(province.leader).post(reverse("home")).status_code == 405


def test_it_shows_the_supervisor_the_whole_province(province, work):
    """The supervision officer sees counts, charts with their data, areas, units and the review queue."""
    province.completion_requested(province.health, title="HEALTH-DONE asks completion")
    html = home_of(province.supervisor)
    for section in ("Completions, last 26 weeks", "Lights by priority area", "By priority area",
                    "Units with the most red lights", "Awaiting your review", "Progress reports",
                    "Completion requests", "Due within 7 days", "Past their deadline"):
        assert section in html
    assert 'id="dashboard-data"' in html and ECHARTS in html and "web/charts.js" in html
    assert "HEALTH-DONE asks completion" in html  # in the completion requests
    assert "Stocktake" not in html and "Tasks to sign for" not in html


def test_the_supervisor_counts_link_to_the_filtered_ledger(province, work):
    """Each count by light, area and unit links to the ledger with the matching filter, when the ledger exists."""
    html = home_of(province.supervisor)
    try:
        ledger = reverse("ledger")
    except Exception:  # the ledger belongs to another app; without it the counts are plain text
        assert "?light=red" not in html
        return
    assert f'{ledger}?light=red' in html and f'{ledger}?area={province.area.code}' in html
    assert f'{ledger}?unit={province.emergency.code}' in html


def test_it_shows_the_liaison_their_inbox_and_only_their_work(province, work):
    """A liaison sees the inbox sections and their unit's tasks, never another unit's."""
    html = home_of(province.liaison)
    for section in ("Tasks to sign for", "Reports due", "Reports returned to you", "Urges received",
                    "Work of your unit and the units below it"):
        assert section in html
    assert "EMERG-TASK" in html
    assert "HEALTH-TASK" not in html and "CITY-TASK" not in html and "COUNTY-TASK" not in html
    assert ECHARTS not in html and "Top risks" not in html and "Awaiting your review" not in html


def test_a_city_liaison_sees_its_counties_but_a_county_not_its_city(province, work):
    """Work flows down the unit tree: a city sees its counties' tasks, a county does not see its city's."""
    city = home_of(province.city_liaison)
    assert "CITY-TASK" in city and "COUNTY-TASK" in city and "EMERG-TASK" not in city
    county = home_of(province.county_liaison)
    assert "COUNTY-TASK" in county and "CITY-TASK" not in county


def test_a_liaison_is_told_what_to_sign_and_what_was_urged(province, work):
    """The task to sign is in 'to sign'; an urge to the unit is listed with its text."""
    services.urge_task(province.supervisor, work["city"], text="URGE-TEXT please sign")
    html = home_of(province.city_liaison)
    to_sign = html.split('id="to-sign"')[1].split("</section>")[0]
    assert "CITY-TASK" in to_sign
    assert "URGE-TEXT please sign" in html
    assert "URGE-TEXT" not in home_of(province.liaison)


def test_it_shows_the_leader_a_stocktake_with_risks_and_instruction_forms(province, work):
    """The leader sees areas with trajectories, the top risks, and a form to write an instruction on each."""
    services.update_task(province.supervisor, work["health"], blocked=True)  # red
    html = home_of(province.leader)
    assert "Stocktake" in html and "Top risks" in html and "By priority area" in html
    assert reverse("write_instruction", args=[work["health"].pk]) in html
    assert 'class="mark w' in html  # the expected-progress marker
    assert "Tasks to sign for" not in html and ECHARTS not in html


def test_it_shows_the_secretary_meetings_and_no_tasks(province, work):
    """The meeting secretary sees recent meetings and no task."""
    html = home_of(province.secretary)
    assert province.meeting.title in html and "Recent meetings" in html
    assert "EMERG-TASK" not in html and "HEALTH-TASK" not in html


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin"])
def test_it_shows_administrators_their_role_and_no_business_data(province, work, persona):
    """The three administrators see what their role does, and no task or meeting content."""
    html = home_of(getattr(province, persona))
    assert "What your role does here" in html
    for secret in ("EMERG-TASK", "HEALTH-TASK", "CITY-TASK", province.meeting.title, province.directive.text):
        assert secret not in html


def test_the_login_page_hides_the_demo_hint_unless_asked(db, settings):
    """The demo hint appears only on a debug or demo server, and never shows a password."""
    settings.DEBUG = False
    html = Client().get(reverse("login")).content.decode()
    assert "demonstration server" not in html and "落实" in html and "LUOSHI" in html
    settings.LUOSHI_DEMO = True
    html = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "demonstration server" in html and "luoshi-demo-2022" not in html


def test_the_login_page_sends_signed_in_users_home(province):
    """A signed-in user who opens the login page goes straight home."""
    response = client_for(province.leader).get(reverse("login"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
