"""Sending what the outbox holds: e-mail through Django's backend, webhooks over HTTPS, work
notifications and SMS through their platforms' APIs (workapps.py).

Each attempt first claims its row with a conditional UPDATE (the attempt count it read must
still be there), so two workers, or the worker and the retry sweep, never send one message
twice. A claimed row is leased for a few minutes: if the worker dies mid-send, the sweep
picks it up again once the lease runs out. Failures wait `backoff(n)` (doubling) until
LUOSHI_DELIVERY_ATTEMPTS is used up; then the row is marked failed for the system admin.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import urllib.parse
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from luoshi import lib
from luoshi.notifications import targets, workapps
from luoshi.notifications.models import Delivery, WebhookEndpoint
from luoshi.notifications.workapps import DeliveryError

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)
Kind = WebhookEndpoint.Kind


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: the base, doubled each time."""
    return dt.timedelta(seconds=settings.LUOSHI_DELIVERY_RETRY_SECONDS * 2 ** (attempts - 1))


# --- signatures (each platform's documented scheme) ----------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), sent in the query."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """Feishu: base64(HMAC-SHA256(key="timestamp\\nsecret", empty message)), sent in the body."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def luoshi_signature(secret: str, body: bytes) -> str:
    """Generic endpoints: "sha256=" + hex HMAC-SHA256 of the exact body, keyed by the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def chat_text(message: dict[str, Any]) -> str:
    lines = [f"【{message['label']}】{message['title']}", message["text"]]
    if message.get("recipients"):
        lines.append("→ " + "、".join(message["recipients"]))
    lines.append(message["url"])
    return "\n".join(lines)


def redacted(message: dict[str, Any]) -> dict[str, Any]:
    """The message without the task's title or text (issue 16, item 12): a group chat or an
    endpoint the system administrator connects is outside the system, and the system
    administrator reads no business data. Readers follow the link and sign in."""
    from django.utils.translation import gettext as _

    if message.get("digest"):  # its title is a count; its text lists the tasks
        return {**message, "text": _("Sign in to Luoshi to read them.")}
    return {**message, "title": _("Task #%(id)s") % {"id": message["task"]},
            "text": _("There is news on this task. Sign in to Luoshi to read it.")}


def build_request(endpoint: WebhookEndpoint, message: dict[str, Any]) -> tuple[str, bytes, dict[str, str]]:
    """The URL, body and headers of one webhook call, signed as the platform expects. Task
    titles and texts leave only when LUOSHI_WEBHOOK_TASK_TEXT=True."""
    if not settings.LUOSHI_WEBHOOK_TASK_TEXT:
        message = redacted(message)
    url, headers = endpoint.url, {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Luoshi"}
    moment = lib.now()
    if endpoint.kind == Kind.GENERIC:
        payload: dict[str, Any] = {"event": message["kind"], "task": {"id": message["task"], "title": message["title"],
                                                                    "url": message["url"]},
                                   "text": message["text"], "recipients": message["recipients"],
                                   "sent_at": moment.isoformat()}
    elif endpoint.kind == Kind.FEISHU:
        timestamp = str(int(moment.timestamp()))
        payload = {"timestamp": timestamp, "sign": feishu_sign(endpoint.secret, timestamp), "msg_type": "text",
                   "content": {"text": chat_text(message)}}
    else:  # WeCom and DingTalk take the same text message
        payload = {"msgtype": "text", "text": {"content": chat_text(message)}}
    body = json.dumps(payload, ensure_ascii=False).encode()
    if endpoint.kind == Kind.DINGTALK:
        timestamp = str(int(moment.timestamp() * 1000))
        query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(endpoint.secret, timestamp)})
        url += ("&" if "?" in url else "?") + query
    if endpoint.kind == Kind.GENERIC and endpoint.secret:
        headers["X-Luoshi-Signature"] = luoshi_signature(endpoint.secret, body)
    return url, body, headers


def post_webhook(endpoint: WebhookEndpoint, message: dict[str, Any]) -> None:
    url, body, headers = build_request(endpoint, message)
    try:
        # Resolves the host, checks every address (luoshi/notifications/targets.py) and connects
        # to the checked one; redirects are not followed.
        status, reply = targets.post(url, body, headers, settings.LUOSHI_WEBHOOK_TIMEOUT)
    except targets.UnsafeTarget as error:
        raise DeliveryError(f"refused: {error}") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from None
    if 300 <= status < 400:
        raise DeliveryError(f"HTTP {status}: the receiver redirects; Luoshi does not follow redirects "
                            "(enter the final URL)")
    if status >= 400 or status < 200:
        raise DeliveryError(f"HTTP {status}: {reply[:300].decode(errors='replace')}")
    # The robots answer 200 with an error code in the body when they refuse a message.
    try:
        answer = json.loads(reply or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict):
        code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
        if code not in (0, "0", None):
            raise DeliveryError(f"refused: {json.dumps(answer, ensure_ascii=False)[:300]}")


def send_email(message: dict[str, Any]) -> None:
    try:
        EmailMessage(message["subject"], message["body"], settings.DEFAULT_FROM_EMAIL, [message["to"]]).send()
    except Exception as error:  # SMTP, socket and backend errors all mean "try again later"
        raise DeliveryError(f"{type(error).__name__}: {error}") from None


# --- attempts ----------------------------------------------------------------------------------


def claim(delivery_id: int, seen_attempts: int) -> bool:
    """Take the row for one attempt, if nobody took it since we read `seen_attempts`."""
    return bool(Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING, attempts=seen_attempts)
                .update(attempts=seen_attempts + 1, next_attempt_at=lib.now() + LEASE))


def attempt(delivery_id: int) -> str | None:
    """Try to send one due delivery. Returns its new state, or None when it was not due
    or another worker holds it."""
    now = lib.now()
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id, state=Delivery.State.PENDING).first()
    if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
        return None
    if not claim(delivery.pk, delivery.attempts):
        return None
    tries = delivery.attempts + 1
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            send_email(delivery.message)
        elif delivery.channel == Delivery.Channel.SMS:
            workapps.sms_provider().send(delivery.message["to"], delivery.message["params"])
        elif delivery.channel in workapps.WORK_APPS:
            workapps.WORK_APPS[delivery.channel].send(delivery.message["to"], delivery.message)
        else:
            assert delivery.endpoint is not None
            post_webhook(delivery.endpoint, delivery.message)
    except DeliveryError as error:
        failed = tries >= settings.LUOSHI_DELIVERY_ATTEMPTS
        logger.warning("delivery %s attempt %s failed: %s", delivery.pk, tries, error)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.FAILED if failed else Delivery.State.PENDING,
            next_attempt_at=None if failed else lib.now() + backoff(tries), last_error=str(error)[:2000])
        return Delivery.State.FAILED if failed else Delivery.State.PENDING
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.SENT, sent_at=lib.now(), next_attempt_at=None)
    return Delivery.State.SENT


def send_due(limit: int = 500) -> int:
    """Attempt every delivery whose time has come (the retry sweep). Returns how many were sent."""
    due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=lib.now())
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(attempt(pk) == Delivery.State.SENT for pk in ids)
