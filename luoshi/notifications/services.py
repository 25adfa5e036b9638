"""Telling people: the inbox, e-mail and group-chat webhooks.

`notify` runs inside the transaction of the event it announces (an urge, an escalation, a
reminder of the daily pass…): the inbox rows and the outbox rows (Delivery) commit with
the event or not at all, and the sending is queued only once the transaction commits
(`transaction.on_commit`). The task services call `notify`; this module imports only
models from the other apps, so the import graph stays acyclic.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.accounts.validators import mask_mobile
from luoshi.audit.services import record_event
from luoshi.leaders import portfolio
from luoshi.lib import Forbidden, InvalidInput, NotFound
from luoshi.notifications import delivery as sending
from luoshi.notifications import targets, workapps
from luoshi.notifications.models import (
    Delivery,
    DigestClaim,
    Notification,
    NotificationPreference,
    SmsCount,
    WebhookEndpoint,
)
from luoshi.tasks.models import Escalation, Task
from luoshi.units.models import Unit

Kind = Notification.Kind
logger = logging.getLogger(__name__)


# --- who hears about what ----------------------------------------------------------------------


def _active() -> Q:
    return Q(is_active=True)


def liaisons_of(units: Iterable[Unit]) -> list[User]:
    """The working liaisons of `units`; their head hears only from escalation level 2 up."""
    return list(User.objects.filter(_active(), role=User.Role.LIAISON, heads_unit=False, unit__in=list(units))
                .order_by("pk"))


def recipients(kind: str, task: Task, level: int | None = None) -> list[User]:
    """Escalation goes up by level: 1 → the lead unit's liaisons, 2 → the lead unit's head
    and the supervision office, 3 → the leaders. Assignments also reach the cooperating
    units; instructions also reach the office. Everything else goes to the lead unit.
    Level 3 goes to the leaders in charge of the task's areas or lead unit, or to every leader
    when none is (luoshi/leaders/portfolio.py)."""
    if kind == Kind.ESCALATION:
        if level == Escalation.Level.LIAISON:
            return liaisons_of([task.lead_unit])
        if level == Escalation.Level.UNIT_HEAD:
            return list(User.objects.filter(_active()).filter(
                Q(unit=task.lead_unit, heads_unit=True) | Q(role=User.Role.SUPERVISOR)).order_by("pk"))
        return portfolio.leaders_for_task(task)
    if kind == Kind.ASSIGNMENT:
        return liaisons_of([task.lead_unit, *task.cooperating_units.all()])
    if kind == Kind.INSTRUCTION:
        return list(User.objects.filter(_active()).filter(
            Q(role=User.Role.LIAISON, heads_unit=False, unit=task.lead_unit) | Q(role=User.Role.SUPERVISOR))
            .order_by("pk"))
    return liaisons_of([task.lead_unit])


def preference_for(user: User) -> NotificationPreference:
    """The user's choices; the defaults (every channel on) until they save their own."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def task_url(task: Task) -> str:
    return settings.LUOSHI_SITE_URL + task.get_absolute_url()


# --- announcing ----------------------------------------------------------------------------------


# While the daily pass runs, notifications go to the inbox only; the pass then sends each
# person one digest (send_digests). A context variable, so the services the pass calls
# (urge_task, escalate_task) need no parameter for it.
_DIGEST_DAY: ContextVar[dt.date | None] = ContextVar("luoshi_digest_day", default=None)


@contextlib.contextmanager
def digesting(day: dt.date) -> Iterator[None]:
    """Within this block, notify() collects for `day`'s digest instead of sending."""
    token = _DIGEST_DAY.set(day)
    try:
        yield
    finally:
        _DIGEST_DAY.reset(token)


def notify(kind: str, task: Task, text: str, *, level: int | None = None,
           to: Sequence[User] | None = None) -> list[Notification]:
    """Put `text` in the inbox of everyone concerned, and queue their e-mails and the group
    chat messages (or, during the daily pass, keep them for the day's digest). Call it inside
    the transaction of the event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the transaction of the event it announces")
    people = list(to) if to is not None else recipients(kind, task, level)
    if not people:
        return []
    now = lib.now()
    digest_day = _DIGEST_DAY.get()
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, task=task, text=text, created_at=now, digest_day=digest_day)
         for user in people]
    )
    if digest_day is not None:
        return notifications
    choices = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=people)}
    label = Kind(kind).label
    subject = f"[{_('Luoshi')}] {label}: {task.title[:80]}"
    body = f"{text}\n\n{task.title}\n{task_url(task)}\n"
    deliveries = [
        Delivery(channel=Delivery.Channel.EMAIL, notification=n, created_at=now, next_attempt_at=now,
                 message={"to": n.recipient.email, "subject": subject, "body": body})
        for n in notifications
        if n.recipient.email and choices.get(n.recipient.pk, NotificationPreference()).email
    ]
    chat = [user for user in people if choices.get(user.pk, NotificationPreference()).webhook]
    if chat:
        message = {"kind": kind, "label": str(label), "task": task.pk, "title": task.title, "url": task_url(task),
                   "text": text, "recipients": [str(user) for user in chat]}
        for endpoint in WebhookEndpoint.objects.filter(active=True).select_related("unit"):
            if endpoint.unit is None or task.lead_unit.is_within(endpoint.unit):
                deliveries.append(Delivery(channel=Delivery.Channel.WEBHOOK, endpoint=endpoint, created_at=now,
                                           next_attempt_at=now, message=message))
    personal = {"kind": kind, "label": str(label), "task": task.pk, "title": task.title, "url": task_url(task),
                "text": text}
    for n in notifications:
        deliveries += person_to_person(n.recipient, choices.get(n.recipient.pk, NotificationPreference()), personal,
                                       now, n)
    if deliveries:
        ids = [d.pk for d in Delivery.objects.bulk_create(deliveries)]
        transaction.on_commit(lambda: _send_later(ids))
    return notifications


def person_to_person(user: User, choice: NotificationPreference, message: dict[str, object],
                     now: dt.datetime, notification: Notification) -> list[Delivery]:
    """The work notifications (WeCom, DingTalk, Feishu: each one configured and holding the user's
    id there) and the SMS (within its limits) that `user` gets for `message`. The task's title and
    text go only when LUOSHI_WORK_APP_TASK_TEXT=True; an SMS carries the kind and the number only."""
    out = []
    if choice.work_app:
        sent = message if settings.LUOSHI_WORK_APP_TASK_TEXT else sending.redacted(message)
        for channel, app in workapps.WORK_APPS.items():
            to = getattr(user, app.account_field)
            if to and app.configured():
                out.append(Delivery(channel=channel, notification=notification, created_at=now,
                                    next_attempt_at=now, message={**sent, "to": to}))
    if (choice.sms and user.phone and message.get("kind") in settings.LUOSHI_SMS_KINDS
            and workapps.sms_provider().configured() and take_sms_quota(user.phone, now.date())):
        number = f"#{message['task']}" if message.get("task") else str(message.get("count", ""))
        out.append(Delivery(channel=Delivery.Channel.SMS, notification=notification, created_at=now,
                            next_attempt_at=now,
                            message={"to": user.phone, "params": [str(message["label"])[:12], number[:12]]}))
    return out


def take_sms_quota(number: str, day: dt.date) -> bool:
    """Count one text message to `number` on `day`, if neither that number's daily limit
    (LUOSHI_SMS_PER_NUMBER_PER_DAY) nor everyone's (LUOSHI_SMS_PER_DAY) is reached. A conditional
    UPDATE, so that concurrent events cannot pass a limit; it rolls back with the event."""
    limits = {f"{number}:{day.isoformat()}": settings.LUOSHI_SMS_PER_NUMBER_PER_DAY,
              f"all:{day.isoformat()}": settings.LUOSHI_SMS_PER_DAY}
    for key in limits:
        SmsCount.objects.get_or_create(key=key)
    taken: list[str] = []
    for key, limit in limits.items():
        if not SmsCount.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1):
            SmsCount.objects.filter(key__in=taken).update(count=F("count") - 1)  # not sent: not counted
            logger.warning("SMS to %s not sent: the daily limit %s (%s) is reached", mask_mobile(number), limit,
                           "everyone" if key.startswith("all:") else "this number")
            return False
        taken.append(key)
    return True


# --- the daily digest ------------------------------------------------------------------------------

DIGEST_MAX_LINES = 200  # tasks listed in one message; the rest are counted and linked


def send_digests(day: dt.date) -> int:
    """Send `day`'s digests: one e-mail per person who chose e-mail, listing every task the
    pass told them about, and one message per group chat endpoint. Each is claimed
    (DigestClaim) in the transaction that queues it: safe to repeat and to run twice at once.
    Returns how many digests were queued now."""
    queued = 0
    people = (Notification.objects.filter(digest_day=day).order_by("recipient_id")
              .values_list("recipient_id", flat=True).distinct())
    for user_id in list(people):
        queued += _digest_for(user_id, day)
    queued += _chat_digests(day)
    return queued


def _lines(notifications: Iterable[Notification], total: int | None = None) -> list[str]:
    """The digest's lines: the first DIGEST_MAX_LINES by kind and task, and how many more.
    `total` is how many there are, when the caller read only the first lines."""
    rows = sorted(notifications, key=lambda n: (n.kind, n.task_id or 0))
    total = len(rows) if total is None else total
    lines = [f"【{Kind(n.kind).label}】{n.task.title[:80] if n.task else ''}\n  {n.text}\n  {task_url(n.task)}"
             for n in rows[:DIGEST_MAX_LINES] if n.task is not None]
    if total > DIGEST_MAX_LINES:
        lines.append(_("… and %(n)s more: see your inbox.") % {"n": total - DIGEST_MAX_LINES})
    return lines


@transaction.atomic
def _digest_for(user_id: int, day: dt.date) -> int:
    user = User.objects.get(pk=user_id)
    choice = NotificationPreference.objects.filter(user=user).first() or NotificationPreference()
    by_email = bool(user.email and choice.email)
    apps = [channel for channel, app in workapps.WORK_APPS.items()
            if choice.work_app and getattr(user, app.account_field) and app.configured()]
    if not (user.is_active and (by_email or apps)):
        return 0
    _claim, created = DigestClaim.objects.get_or_create(key=f"user:{user_id}:{day.isoformat()}",
                                                        defaults={"claimed_at": lib.now()})
    if not created:
        return 0
    # A liaison may have thousands of tasks in one day's digest: count them, read the listed ones.
    theirs = Notification.objects.filter(recipient=user, digest_day=day)
    total = theirs.count()
    tasks = theirs.order_by().values("task_id").distinct().count()  # a task may be urged and escalated
    notifications = list(theirs.select_related("task").order_by("kind", "task_id", "pk")[:DIGEST_MAX_LINES])
    subject = f"[{_('Luoshi')}] " + ngettext("%(n)s task needs your attention (%(day)s)",
                                              "%(n)s tasks need your attention (%(day)s)",
                                              tasks) % {"n": tasks, "day": day.isoformat()}
    body = "\n\n".join(_lines(notifications, total)) + "\n"
    now = lib.now()
    queued = []
    if by_email:
        queued.append(Delivery(channel=Delivery.Channel.EMAIL, notification=notifications[0], created_at=now,
                               next_attempt_at=now, message={"to": user.email, "subject": subject, "body": body}))
    message = {"kind": "digest", "label": str(_("Daily supervision")), "task": 0, "digest": True, "title": subject,
               "url": settings.LUOSHI_SITE_URL.rstrip("/") + "/notifications/", "text": body}
    if not settings.LUOSHI_WORK_APP_TASK_TEXT:
        message = sending.redacted(message)
    queued += [Delivery(channel=channel, notification=notifications[0], created_at=now, next_attempt_at=now,
                        message={**message, "to": getattr(user, workapps.WORK_APPS[channel].account_field)})
               for channel in apps]
    ids = [d.pk for d in Delivery.objects.bulk_create(queued)]
    transaction.on_commit(lambda: _send_later(ids))
    return 1


def _chat_digests(day: dt.date) -> int:
    queued = 0
    for endpoint in WebhookEndpoint.objects.filter(active=True).select_related("unit"):
        queued += _chat_digest(endpoint, day)
    return queued


@transaction.atomic
def _chat_digest(endpoint: WebhookEndpoint, day: dt.date) -> int:
    """One message per group chat: the day's tasks within its unit, for the people who chose chat."""
    chat_off = NotificationPreference.objects.filter(webhook=False).values("user_id")
    notifications = Notification.objects.filter(digest_day=day).exclude(recipient_id__in=chat_off)
    if endpoint.unit is not None:
        notifications = notifications.filter(task__lead_unit__path__startswith=endpoint.unit.path)
    # The day's tasks may be hundreds of thousands: count them in SQL, read only the listed ones.
    count = notifications.order_by().values("task_id").distinct().count()
    if not count:
        return 0
    _claim, created = DigestClaim.objects.get_or_create(key=f"endpoint:{endpoint.pk}:{day.isoformat()}",
                                                        defaults={"claimed_at": lib.now()})
    if not created:
        return 0
    listed: dict[int | None, Notification] = {}
    for n in notifications.select_related("task").order_by("kind", "task_id", "pk").iterator(chunk_size=1000):
        listed.setdefault(n.task_id, n)
        if len(listed) >= DIGEST_MAX_LINES:
            break
    people = sorted(str(user) for user in User.objects.filter(pk__in=notifications.values("recipient_id")))
    now = lib.now()
    message = {"kind": "digest", "label": str(_("Daily supervision")), "task": 0, "digest": True,
               "title": ngettext("%(n)s task needs attention (%(day)s)", "%(n)s tasks need attention (%(day)s)",
                                 count) % {"n": count, "day": day.isoformat()},
               "url": settings.LUOSHI_SITE_URL.rstrip("/") + "/notifications/",
               "text": "\n".join(_lines(listed.values(), count)), "recipients": people}
    delivery = Delivery.objects.create(channel=Delivery.Channel.WEBHOOK, endpoint=endpoint, created_at=now,
                                       next_attempt_at=now, message=message)
    transaction.on_commit(lambda: _send_later([delivery.pk]))
    return 1


def _send_later(ids: list[int]) -> None:
    from luoshi.notifications import jobs  # the queue is set up only when something is sent

    jobs.send_deliveries(ids)


# --- the inbox -------------------------------------------------------------------------------------


def unread_count(user: User) -> int:
    """The user's unread notifications (served by the (recipient, read_at) index)."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


@transaction.atomic
def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them (None). Returns how many."""
    mine = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        if not Notification.objects.filter(recipient=user, pk=notification_id).exists():
            raise NotFound("notification")
        mine = mine.filter(pk=notification_id)
    ids = list(mine.values_list("pk", flat=True))
    if ids:
        Notification.objects.filter(pk__in=ids).update(read_at=lib.now())
        record_event(user, "mark_notifications_read", user, after={"notifications": ids})
    return len(ids)


@transaction.atomic
def save_preferences(user: User, *, email: bool, webhook: bool, work_app: bool = True,
                     sms: bool = True) -> NotificationPreference:
    if not user.is_active:
        raise Forbidden(_("Inactive users have no notification preferences."))
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    before = {"email": preference.email, "webhook": preference.webhook, "work_app": preference.work_app,
              "sms": preference.sms}
    preference.email, preference.webhook, preference.work_app, preference.sms = email, webhook, work_app, sms
    preference.save()
    record_event(user, "save_notification_preferences", preference, before=before,
                 after={"email": email, "webhook": webhook, "work_app": work_app, "sms": sms})
    return preference


# --- webhook endpoints (system administrator) -------------------------------------------------------


def may_manage_webhooks(user: User) -> bool:
    return user.is_active and user.role == User.Role.SYSTEM_ADMIN


def _endpoint_snapshot(endpoint: WebhookEndpoint) -> dict[str, object]:
    # Never the secret, nor the URL's query string (robots carry their access key there).
    return {"name": endpoint.name, "kind": endpoint.kind, "url": endpoint.masked_url,
            "unit": endpoint.unit.code if endpoint.unit else None, "active": endpoint.active,
            "signed": bool(endpoint.secret)}


@transaction.atomic
def create_endpoint(user: User, *, name: str, kind: str, url: str, secret: str = "",
                    unit: Unit | None = None) -> WebhookEndpoint:
    if not may_manage_webhooks(user):
        raise Forbidden(_("Only the system administrator connects webhooks."))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Please name the webhook."))
    if kind not in WebhookEndpoint.Kind.values:
        raise InvalidInput(_("Unknown kind of webhook: %(kind)s") % {"kind": kind})
    url = (url or "").strip()
    targets.check_on_save(url)  # https only, no internal address (checked again at every send)
    if kind in {WebhookEndpoint.Kind.DINGTALK, WebhookEndpoint.Kind.FEISHU} and not secret:
        raise InvalidInput(_("DingTalk and Feishu robots sign their messages: enter the robot's secret."))
    endpoint = WebhookEndpoint.objects.create(name=name, kind=kind, url=url, secret=secret.strip(), unit=unit,
                                              created_at=lib.now())
    record_event(user, "create_webhook", endpoint, after=_endpoint_snapshot(endpoint))
    return endpoint


@transaction.atomic
def set_endpoint_active(user: User, endpoint_id: int, *, active: bool) -> WebhookEndpoint:
    if not may_manage_webhooks(user):
        raise Forbidden(_("Only the system administrator connects webhooks."))
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("webhook")
    before = _endpoint_snapshot(endpoint)
    endpoint.active = active
    endpoint.save(update_fields=["active"])
    record_event(user, "enable_webhook" if active else "disable_webhook", endpoint, before=before,
                 after=_endpoint_snapshot(endpoint))
    return endpoint


@transaction.atomic
def retry_delivery(user: User, delivery_id: int) -> Delivery:
    """Give a failed message another round of attempts (after the receiver was fixed)."""
    if not may_manage_webhooks(user):
        raise Forbidden(_("Only the system administrator retries deliveries."))
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound("delivery")
    if delivery.state != Delivery.State.FAILED:
        raise InvalidInput(_("Only a failed delivery can be retried."))
    now = lib.now()
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.PENDING, attempts=0, next_attempt_at=now)
    record_event(user, "retry_delivery", delivery, before={"state": delivery.state, "attempts": delivery.attempts},
                 after={"state": Delivery.State.PENDING, "attempts": 0})
    transaction.on_commit(lambda: _send_later([delivery.pk]))
    delivery.refresh_from_db()
    return delivery
