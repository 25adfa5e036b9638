"""Calendar feeds of deadlines and milestones (RFC 5545), behind secret, revocable URLs.

A feed shows what its owner may see today, not what they could see when they made it: a
liaison moved to another unit, or deactivated, stops seeing the old unit's deadlines."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.services import record_event
from luoshi.lib import Forbidden, InvalidInput, NotFound
from luoshi.tasks.lifecycle import WORKING
from luoshi.tasks.models import Milestone, Task
from luoshi.tasks.permissions import read_scope, visible_tasks
from luoshi.units.models import Unit

from .models import CalendarFeed

MAX_ACTIVE_FEEDS = 20


def may_subscribe(user: User) -> bool:
    """Whoever reads tasks (permissions.read_scope): the office, leaders, and liaisons who
    belong to a unit."""
    return not read_scope(user).nothing


def subscribable_units(user: User) -> QuerySet[Unit]:
    """The units whose feed `user` may have: all for readers of everything, else their own tree."""
    scope = read_scope(user)
    if scope.nothing:
        return Unit.objects.none()
    if scope.everything:
        return Unit.objects.all()
    return Unit.objects.filter(path__startswith=scope.path)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _snapshot(feed: CalendarFeed) -> dict[str, object]:
    return {"scope": feed.scope, "unit": feed.unit.code if feed.unit else None, "language": feed.language,
            "revoked_at": feed.revoked_at}


def _revoke(user: User, feed: CalendarFeed) -> None:
    before = _snapshot(feed)
    feed.revoked_at = lib.now()
    feed.save(update_fields=["revoked_at"])
    record_event(user, "revoke_calendar_feed", feed, before=before, after=_snapshot(feed))


@transaction.atomic
def create_calendar_feed(user: User, *, scope: str, unit: Unit | None = None,
                         language: str = "zh-hans") -> tuple[CalendarFeed, str]:
    """Make a feed and return it with its secret token (shown once, stored only hashed).
    An active feed of the same scope and unit is revoked: making it again regenerates it."""
    if not may_subscribe(user):
        raise Forbidden(_("Only users who follow tasks may subscribe to deadlines."))
    if scope not in CalendarFeed.Scope.values:
        raise InvalidInput(_("Unknown calendar scope: %(scope)s") % {"scope": scope})
    if scope == CalendarFeed.Scope.UNIT:
        if unit is None:
            raise InvalidInput(_("Choose the unit whose deadlines the calendar shows."))
        if not subscribable_units(user).filter(pk=unit.pk).exists():
            raise Forbidden(_("You may not follow this unit's deadlines."))
    else:
        unit = None
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    active = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    for old in active.filter(scope=scope, unit=unit):
        _revoke(user, old)
    if active.count() >= MAX_ACTIVE_FEEDS:
        raise InvalidInput(_("You have %(n)s calendar feeds; revoke one before making another.")
                           % {"n": MAX_ACTIVE_FEEDS})
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, scope=scope, unit=unit, token_hash=hash_token(token),
                                       language=language, created_at=lib.now())
    record_event(user, "create_calendar_feed", feed, after=_snapshot(feed))
    return feed, token


def get_feed_for_owner(user: User, pk: int | str) -> CalendarFeed:
    """One of the user's active feeds; anybody else's looks as if it did not exist."""
    try:
        return CalendarFeed.objects.select_related("unit").get(user=user, pk=pk, revoked_at__isnull=True)
    except (CalendarFeed.DoesNotExist, ValueError):
        raise NotFound("calendar feed") from None


@transaction.atomic
def revoke_calendar_feed(user: User, pk: int | str) -> CalendarFeed:
    feed = get_feed_for_owner(user, pk)
    feed = CalendarFeed.objects.select_for_update(of=("self",)).select_related("unit").get(pk=feed.pk)
    if feed.revoked_at is not None:
        raise NotFound("calendar feed")
    _revoke(user, feed)
    return feed


@transaction.atomic
def regenerate_calendar_feed(user: User, pk: int | str) -> tuple[CalendarFeed, str]:
    """A new secret URL for the same feed; the old URL stops working."""
    feed = get_feed_for_owner(user, pk)
    return create_calendar_feed(user, scope=feed.scope, unit=feed.unit, language=feed.language)


# --- the feed itself ---------------------------------------------------------------------


def feed_for_token(token: str) -> CalendarFeed:
    """The active feed behind a token, if its owner may still have it; else NotFound."""
    feed = (CalendarFeed.objects.select_related("user__unit", "unit")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True).first())
    if feed is None or not may_subscribe(feed.user):
        raise NotFound("calendar feed")
    scope = read_scope(feed.user)
    if feed.unit is not None and not scope.everything and not feed.unit.path.startswith(scope.path):
        raise NotFound("calendar feed")
    return feed


def feed_tasks(feed: CalendarFeed) -> QuerySet[Task]:
    """The open tasks with a deadline the owner may see (of the feed's unit, if it has one)."""
    tasks = visible_tasks(feed.user).filter(status__in=WORKING, deadline__isnull=False)
    if feed.unit is not None:
        path = feed.unit.path
        tasks = tasks.filter(Q(lead_unit__path__startswith=path) | Q(
            pk__in=Task.cooperating_units.through.objects.filter(unit__path__startswith=path).values("task_id")))
    return tasks.select_related("lead_unit").order_by("deadline", "id")


def _day_event(uid: str, day: dt.date, summary: str, description: str, url: str, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anybody busy
    return event


def render_feed(feed: CalendarFeed, site: str) -> bytes:
    """The feed as an iCalendar file; `site` is the scheme and host for links and UIDs."""
    with translation.override(feed.language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Luoshi//Deadlines//" + feed.language.upper())
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = (_("Luoshi deadlines: %(unit)s") % {"unit": feed.unit.name} if feed.unit
                else _("Luoshi deadlines: my tasks"))
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        host = site.split("://", 1)[-1]
        stamp = lib.now()
        tasks = list(feed_tasks(feed)[: settings.LUOSHI_CALENDAR_MAX_EVENTS])
        for task in tasks:
            if task.deadline is None:  # feed_tasks keeps only tasks with a deadline
                continue
            url = site + task.get_absolute_url()
            description = _("Lead unit: %(unit)s\nStatus: %(status)s\nProgress: %(progress)s%%\nLight: %(light)s\n%(url)s") % {
                "unit": task.lead_unit.name, "status": task.get_status_display(), "progress": task.progress,
                "light": task.get_light_display(), "url": url}
            calendar.add_component(_day_event(
                f"task-{task.pk}-deadline@{host}", task.deadline,
                _("Deadline: %(task)s") % {"task": task.title}, description, url, stamp))
        by_id = {task.pk: task for task in tasks}
        milestones = Milestone.objects.filter(task_id__in=list(by_id), done_at__isnull=True).order_by("due", "id")
        for milestone in milestones:
            task = by_id[milestone.task_id]
            url = site + task.get_absolute_url()
            calendar.add_component(_day_event(
                f"milestone-{milestone.pk}@{host}", milestone.due,
                _("Milestone: %(milestone)s (%(task)s)") % {"milestone": milestone.title, "task": task.title},
                _("Lead unit: %(unit)s\n%(url)s") % {"unit": task.lead_unit.name, "url": url}, url, stamp))
        return calendar.to_ical()
