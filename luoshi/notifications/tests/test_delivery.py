"""Sending: e-mail to a local SMTP sink, webhooks to a local HTTP receiver, signatures, retries."""

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse

import pytest

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.notifications import delivery, services
from luoshi.notifications.models import Delivery, Notification
from luoshi.notifications.tests.servers import http_receiver, smtp_sink
from luoshi.tasks import services as task_services


def endpoint(province, kind, url, secret="s3cret", unit=None):  # type: ignore[no-untyped-def]
    return services.create_endpoint(province.sysadmin, name=f"{kind} robot", kind=kind, url=url, secret=secret,
                                    unit=unit)


def urge(province, django_capture_on_commit_callbacks, task):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        task_services.urge_task(province.supervisor, task, text="Please hurry up")
    return task


def test_it_emails_through_smtp(province, settings, django_capture_on_commit_callbacks):
    """An urge reaches the liaison's mailbox through a real SMTP conversation."""
    task = province.in_progress()
    User.objects.filter(pk=province.liaison.pk).update(email="liaison@example.gov.cn")
    with smtp_sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.server_address[1], False
        urge(province, django_capture_on_commit_callbacks, task)
    assert len(sink.messages) == 1
    _sender, recipients, message = sink.messages[0]
    assert recipients == ["liaison@example.gov.cn"]
    body = message.get_payload(decode=True).decode()
    assert "Please hurry up" in body and f"/tasks/{task.pk}/" in body
    assert Delivery.objects.get(channel="email").state == Delivery.State.SENT


def test_it_respects_the_users_choice_of_channels(province, django_capture_on_commit_callbacks):
    """No e-mail and no group-chat message for a user who turned them off; the inbox always."""
    task = province.in_progress()
    User.objects.filter(pk=province.liaison.pk).update(email="liaison@example.gov.cn")
    services.save_preferences(province.liaison, email=False, webhook=False)
    with http_receiver() as receiver:
        endpoint(province, "generic", receiver.url)
        urge(province, django_capture_on_commit_callbacks, task)
    assert Notification.objects.filter(recipient=province.liaison, kind="urge").count() == 1
    assert not Delivery.objects.exists() and not receiver.requests


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "generic"])
def test_it_posts_to_each_platform_signed_as_it_expects(province, kind, django_capture_on_commit_callbacks, settings):
    """WeCom unsigned text; DingTalk timestamp+sign in the query; Feishu in the body; generic in a header."""
    settings.LUOSHI_WEBHOOK_TASK_TEXT = True
    task = province.in_progress()
    with http_receiver() as receiver:
        endpoint(province, kind, receiver.url + "?key=abc", secret="" if kind == "wecom" else "s3cret")
        urge(province, django_capture_on_commit_callbacks, task)
    [request] = receiver.requests
    body = request.json()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.path).query))
    assert query["key"] == "abc"
    if kind in {"wecom", "dingtalk"}:
        assert body["msgtype"] == "text" and "Please hurry up" in body["text"]["content"]
    if kind == "dingtalk":
        expected = hmac.new(b"s3cret", f"{query['timestamp']}\ns3cret".encode(), hashlib.sha256).digest()
        assert query["sign"] == base64.b64encode(expected).decode()
        assert abs(int(query["timestamp"]) / 1000 - lib.now().timestamp()) < 60
    if kind == "feishu":
        expected = hmac.new(f"{body['timestamp']}\ns3cret".encode(), b"", hashlib.sha256).digest()
        assert body["sign"] == base64.b64encode(expected).decode()
        assert body["msg_type"] == "text" and "Please hurry up" in body["content"]["text"]
    if kind == "generic":
        expected = "sha256=" + hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
        assert request.headers["X-Luoshi-Signature"] == expected
        assert body["event"] == "urge" and body["text"] == "Please hurry up" and body["recipients"] == ["liaison"]
    if kind == "wecom":
        assert "X-Luoshi-Signature" not in request.headers
    assert Delivery.objects.get().state == Delivery.State.SENT


def test_it_retries_with_backoff_until_the_receiver_accepts(province, settings, django_capture_on_commit_callbacks):
    """The receiver fails twice then succeeds: three attempts, waits of 60 s then 120 s."""
    settings.LUOSHI_DELIVERY_RETRY_SECONDS = 60
    task, start = province.in_progress(), lib.now()
    with http_receiver(script=[503, 500]) as receiver:
        endpoint(province, "generic", receiver.url)
        with lib.clock_at(start):
            urge(province, django_capture_on_commit_callbacks, task)
        row = Delivery.objects.get()
        assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 1, start + dt.timedelta(seconds=60))
        assert "HTTP 503" in row.last_error
        with lib.clock_at(start + dt.timedelta(seconds=30)):
            assert delivery.send_due() == 0  # not yet due
        with lib.clock_at(start + dt.timedelta(seconds=61)):
            assert delivery.send_due() == 0
        row.refresh_from_db()
        assert (row.attempts, row.next_attempt_at) == (2, start + dt.timedelta(seconds=61 + 120))
        with lib.clock_at(start + dt.timedelta(seconds=61 + 121)):
            assert delivery.send_due() == 1
            assert delivery.send_due() == 0  # nothing is sent twice
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 3)
    assert len(receiver.requests) == 3
    for request in receiver.requests:  # each attempt signed afresh over its own body
        expected = "sha256=" + hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
        assert request.headers["X-Luoshi-Signature"] == expected


def test_it_gives_up_after_the_last_attempt_and_shows_the_failure(province, settings,
                                                                  django_capture_on_commit_callbacks):
    """After LUOSHI_DELIVERY_ATTEMPTS failures the delivery is failed, with its error, for the admin."""
    settings.LUOSHI_DELIVERY_ATTEMPTS = 2
    task = province.in_progress()
    with http_receiver(reply=b'{"errcode": 310000, "errmsg": "sign not match"}') as receiver:
        endpoint(province, "dingtalk", receiver.url)
        with lib.clock_at(lib.now()):
            urge(province, django_capture_on_commit_callbacks, task)
        with lib.clock_at(lib.now() + dt.timedelta(hours=1)):
            delivery.send_due()
    row = Delivery.objects.get()
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 2, None)
    assert "sign not match" in row.last_error


def test_an_unreachable_receiver_is_a_failure_not_a_crash(province, django_capture_on_commit_callbacks):
    """A refused connection is recorded on the delivery and retried later."""
    task = province.in_progress()
    endpoint(province, "generic", "http://127.0.0.1:9/nothing-listens-here")
    urge(province, django_capture_on_commit_callbacks, task)
    row = Delivery.objects.get()
    assert row.state == "pending" and row.attempts == 1 and row.last_error


def test_two_workers_never_send_one_message_twice(province, django_capture_on_commit_callbacks):
    """The claim is a conditional UPDATE: a second attempt on a claimed row does nothing."""
    task = province.in_progress()
    with http_receiver() as receiver:
        endpoint(province, "generic", receiver.url)
        with django_capture_on_commit_callbacks(execute=False):
            task_services.urge_task(province.supervisor, task, text="Once only")
        row = Delivery.objects.get()
        assert delivery.claim(row.pk, 0)  # one worker takes it…
        assert not delivery.claim(row.pk, 0)  # …the other, who read the same row, cannot
        assert delivery.attempt(row.pk) is None  # and the sweep leaves it alone while it is leased
        assert not receiver.requests


def test_a_unit_scoped_webhook_hears_only_about_its_units_tasks(province, django_capture_on_commit_callbacks):
    """A robot for Shenyang receives Shenyang's and its districts' tasks, not the health commission's."""
    county_task, health_task = province.in_progress(province.county), province.in_progress(province.health)
    with http_receiver() as receiver:
        endpoint(province, "generic", receiver.url, unit=province.city)
        urge(province, django_capture_on_commit_callbacks, county_task)
        urge(province, django_capture_on_commit_callbacks, health_task)
    assert len(receiver.requests) == 1 and receiver.requests[0].json()["recipients"] == ["county"]


@pytest.mark.parametrize("event", ["assignment", "return", "instruction", "escalation"])
def test_each_task_event_notifies_the_people_concerned(province, event):
    """Assignment → lead and cooperating liaisons; return → lead; instruction → lead and office;
    escalation level 2 → the unit's head and the office."""
    head = User.objects.create(username="head", role=User.Role.LIAISON, unit=province.emergency, heads_unit=True)
    if event == "assignment":
        task_services.assign_task(province.supervisor, province.draft(cooperating_units=[province.health]))
        expected = {"liaison", "other"}
    elif event == "return":
        task_services.return_task(province.supervisor, province.completion_requested(), reason="Evidence missing")
        expected = {"liaison"}
    elif event == "instruction":
        task_services.write_instruction(province.leader, province.in_progress(), text="Speed it up")
        expected = {"liaison", "supervisor"}
    else:
        task_services.escalate_task(province.supervisor, province.in_progress(), level=2, reason="Stuck")
        expected = {head.username, "supervisor"}
    got = set(Notification.objects.filter(kind=event).values_list("recipient__username", flat=True))
    assert got == expected


@pytest.mark.parametrize("kind", ["wecom", "generic"])
def test_item_12_webhooks_carry_no_task_text_by_default(province, kind, django_capture_on_commit_callbacks):
    """Issue 16, item 12: without LUOSHI_WEBHOOK_TASK_TEXT the title and text stay inside."""
    task = province.in_progress(title="绝密：某项目拆迁补偿标准")
    with http_receiver() as receiver:
        endpoint(province, kind, receiver.url + "?key=abc", secret="" if kind == "wecom" else "s3cret")
        urge(province, django_capture_on_commit_callbacks, task)
    [request] = receiver.requests
    body = request.json()
    text = str(body)
    assert "绝密" not in text and "Please hurry up" not in text
    assert f"/tasks/{task.pk}/" in text
