"""Calendar feeds: the page to make, regenerate and revoke them, and the .ics feed."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.calendars import services
from luoshi.calendars.models import CalendarFeed
from luoshi.tasks.models import Milestone
from luoshi.testing.fixtures import PASSWORD

SUBSCRIBERS = ["supervisor", "leader", "liaison", "city_liaison", "county_liaison", "other_liaison"]
OTHERS = ["secretary", "sysadmin", "secadmin", "auditadmin"]


def client_for(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make_feed(client: Client, **data: object) -> str:
    """Make a feed through the page and return the secret path it shows once."""
    response = client.post(reverse("calendar_create"), {"scope": "mine", **data})
    assert response.status_code == 302
    page = client.get(reverse("calendars")).content.decode()
    match = re.search(r'value="https?://[^/"]+(/calendar/[A-Za-z0-9_-]+\.ics)"', page)
    assert match, page
    return match.group(1)


def parse(response) -> icalendar.Calendar:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar: icalendar.Calendar) -> set[str]:
    return {str(event["summary"]) for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize("persona", SUBSCRIBERS)
def test_it_shows_the_calendar_page(province, persona, django_assert_max_num_queries):
    """Whoever follows tasks gets the page and its list in a bounded number of queries."""
    client = client_for(getattr(province, persona))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("calendars"))
    assert response.status_code == 200 and "Make a feed" in response.content.decode()


@pytest.mark.parametrize("persona", OTHERS)
def test_it_hides_the_page_from_roles_without_tasks(province, persona):
    """Secretaries and administrators follow no task: 404 for the page and its actions."""
    client = client_for(getattr(province, persona))
    assert client.get(reverse("calendars")).status_code == 404
    assert client.post(reverse("calendar_create"), {"scope": "mine"}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_it_sends_anonymous_visitors_to_log_in(db):
    """The page and its actions ask an anonymous visitor to log in."""
    for url in (reverse("calendars"),):
        response = Client().get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    response = Client().post(reverse("calendar_create"), {"scope": "mine"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_the_wrong_method(province):
    """The page is GET only; making, regenerating and revoking are POST only; the feed is GET only."""
    client = client_for(province.supervisor)
    assert client.post(reverse("calendars")).status_code == 405
    assert client.get(reverse("calendar_create")).status_code == 405
    path = make_feed(client)
    feed = CalendarFeed.objects.get()
    assert client.get(reverse("calendar_revoke", args=[feed.pk])).status_code == 405
    assert client.get(reverse("calendar_regenerate", args=[feed.pk])).status_code == 405
    assert Client().post(path).status_code == 405


def test_it_makes_a_feed_stores_only_its_hash_and_audits_it(province):
    """The token is shown once, stored hashed, and the making is in the audit trail."""
    client = client_for(province.liaison)
    path = make_feed(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == services.hash_token(token) and token not in feed.token_hash
    assert len(token) >= 40
    assert token not in client.get(reverse("calendars")).content.decode()  # shown once only
    event = AuditEvent.objects.get(verb="create_calendar_feed")
    assert event.actor == province.liaison and event.object_id == str(feed.pk)
    assert token not in str(event.after)


def test_it_serves_a_valid_feed_of_the_users_deadlines_and_milestones(province):
    """The feed parses as iCalendar, with an all-day event per deadline and open milestone."""
    task = province.in_progress(title="Inspect mines; report, then close\\ them")
    Milestone.objects.create(task=task, title="Half the mines", due=task.deadline - dt.timedelta(days=10))
    path = make_feed(client_for(province.liaison))
    calendar = parse(Client().get(path))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    deadline = next(e for uid, e in events.items() if uid.startswith(f"task-{task.pk}-deadline@"))
    assert str(deadline["summary"]) == f"Deadline: {task.title}"
    assert deadline.decoded("dtstart") == task.deadline
    assert deadline.decoded("dtend") == task.deadline + dt.timedelta(days=1)
    assert f"/tasks/{task.pk}/" in str(deadline["url"])
    assert "Emergency Management" in str(deadline["description"])
    assert any(str(e["summary"]).startswith("Milestone: Half the mines") for e in events.values())
    assert all(len(line) <= 75 for line in Client().get(path).content.split(b"\r\n"))


def test_it_gives_a_liaison_only_their_units_tasks(province):
    """A liaison's feed holds their unit's tasks and not another unit's."""
    mine = province.in_progress(title="Emergency task")
    province.in_progress(province.health, title="Health task")
    cooperating = province.in_progress(province.health, title="Shared task", cooperating_units=[province.emergency])
    calendar = parse(Client().get(make_feed(client_for(province.liaison))))
    assert summaries(calendar) == {f"Deadline: {mine.title}", f"Deadline: {cooperating.title}"}


def test_it_serves_a_units_feed(province):
    """A supervisor's feed of one unit lists that unit's tasks and those below it."""
    province.in_progress(province.city, title="City task")
    province.in_progress(province.county, title="County task")
    province.in_progress(title="Emergency task")
    client = client_for(province.supervisor)
    path = make_feed(client, scope="unit", unit=province.city.pk)
    assert summaries(parse(Client().get(path))) == {"Deadline: City task", "Deadline: County task"}


def test_it_refuses_a_unit_feed_outside_the_liaisons_tree(province):
    """A liaison may not follow another unit's deadlines; the form says so and nothing is made."""
    client = client_for(province.county_liaison)
    response = client.post(reverse("calendar_create"), {"scope": "unit", "unit": province.health.pk})
    assert response.status_code == 400 and not CalendarFeed.objects.exists()
    response = client.post(reverse("calendar_create"), {"scope": "unit"})
    assert response.status_code == 400 and "Choose the unit" in response.content.decode()


def test_it_revokes_a_feed(province):
    """A revoked feed's URL is 404, and the revocation is audited."""
    client = client_for(province.leader)
    path = make_feed(client)
    feed = CalendarFeed.objects.get()
    assert client.post(reverse("calendar_revoke", args=[feed.pk])).status_code == 302
    assert Client().get(path).status_code == 404
    assert AuditEvent.objects.filter(verb="revoke_calendar_feed", object_id=str(feed.pk)).exists()
    # Revoking twice is not an error page with a traceback: it is gone.
    assert client.post(reverse("calendar_revoke", args=[feed.pk])).status_code == 404


def test_it_regenerates_a_feed(province):
    """A new address works and the old one stops working."""
    client = client_for(province.supervisor)
    old = make_feed(client)
    feed = CalendarFeed.objects.get()
    client.post(reverse("calendar_regenerate", args=[feed.pk]))
    page = client.get(reverse("calendars")).content.decode()
    new = re.search(r'(/calendar/[A-Za-z0-9_-]+\.ics)"', page).group(1)  # type: ignore[union-attr]
    assert new != old
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_it_replaces_a_duplicate_feed(province):
    """Making the same feed twice leaves one working address, the newer one."""
    client = client_for(province.liaison)
    first = make_feed(client)
    second = make_feed(client)
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200


def test_it_keeps_feeds_private_to_their_owner(province):
    """Another user cannot revoke or regenerate someone's feed: 404, and the feed still works."""
    path = make_feed(client_for(province.liaison))
    feed = CalendarFeed.objects.get()
    other = client_for(province.other_liaison)
    assert other.post(reverse("calendar_revoke", args=[feed.pk])).status_code == 404
    assert other.post(reverse("calendar_regenerate", args=[feed.pk])).status_code == 404
    assert Client().get(path).status_code == 200


def test_it_gives_404_for_unknown_tokens_and_deactivated_owners(province):
    """An unknown token is 404; so is the feed of a user who has been deactivated."""
    assert Client().get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    path = make_feed(client_for(province.liaison))
    type(province.liaison).objects.filter(pk=province.liaison.pk).update(is_active=False)
    assert Client().get(path).status_code == 404


def test_it_follows_a_liaison_who_moves_unit(province):
    """A unit feed stops when its owner no longer belongs to that unit's tree."""
    client = client_for(province.city_liaison)
    path = make_feed(client, scope="unit", unit=province.county.pk)
    assert Client().get(path).status_code == 200
    type(province.city_liaison).objects.filter(pk=province.city_liaison.pk).update(unit=province.health)
    assert Client().get(path).status_code == 404


def test_it_serves_the_feed_in_bounded_queries(province, django_assert_max_num_queries):
    """The feed costs the same number of queries for 1 task and for 50."""
    province.in_progress()
    path = make_feed(client_for(province.liaison))
    anonymous = Client()
    with django_assert_max_num_queries(4):
        anonymous.get(path)
    for _ in range(49):
        province.assigned()
    with django_assert_max_num_queries(4):
        response = anonymous.get(path)
    assert len(parse(response).walk("VEVENT")) == 50


def test_it_writes_the_feed_in_the_language_it_was_made_in(province):
    """A feed made from the Chinese interface is written in Chinese (its name and labels)."""
    province.in_progress()
    path = make_feed(client_for(province.liaison, "zh-hans"))
    assert CalendarFeed.objects.get().language == "zh-hans"
    assert parse(Client().get(path)).get("x-wr-calname")
