"""The first pages: home, meeting and task detail, for each persona."""

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.testing.fixtures import PASSWORD


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_home_requires_login(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "leader", "secretary", "sysadmin", "auditadmin"])
def test_home_renders_for_every_role(province, persona, django_assert_max_num_queries):
    """Every role gets a home page in a bounded number of queries. (The liaison's takes the
    most: stored and live counts, then its lists light by light, each small at any size; the
    office's adds two for the checks' marks on the reports awaiting review.)"""
    province.in_progress()
    province.signed(deadline_days=2)
    client = client_for(getattr(province, persona))
    with django_assert_max_num_queries(14 if persona == "supervisor" else 12):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_home_refuses_post(province):
    """The home page is read-only."""
    assert client_for(province.supervisor).post(reverse("home")).status_code == 405


def test_task_detail_is_shown_to_its_unit_and_hidden_from_others(province):
    """The lead unit sees its task; another unit's liaison gets 404, as for a missing task."""
    task = province.in_progress()
    url = reverse("task_detail", args=[task.pk])
    assert client_for(province.liaison).get(url).status_code == 200
    assert client_for(province.leader).get(url).status_code == 200
    assert client_for(province.other_liaison).get(url).status_code == 404
    assert client_for(province.auditadmin).get(url).status_code == 404
    assert client_for(province.liaison).get(reverse("task_detail", args=[99999])).status_code == 404


def test_meeting_detail_shows_directives_but_not_to_administrators(province):
    """Business readers see the meeting; the three administrators do not."""
    url = reverse("meeting_detail", args=[province.meeting.pk])
    response = client_for(province.supervisor).get(url)
    assert response.status_code == 200 and province.directive.text in response.content.decode()
    assert client_for(province.sysadmin).get(url).status_code == 404


def test_the_pages_speak_english_and_chinese(province):
    """The language switch changes the interface language."""
    client = client_for(province.supervisor)
    assert "概览" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Overview" in client.get(reverse("home")).content.decode()
