"""The inbox, the preferences form and the system administrator's webhook page."""

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.notifications import services
from luoshi.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    WebhookEndpoint,
)
from luoshi.tasks import services as task_services
from luoshi.testing.fixtures import PASSWORD

PERSONAS = ["supervisor", "liaison", "city_liaison", "leader", "secretary", "sysadmin", "secadmin", "auditadmin"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def urge_many(province, n: int) -> None:  # type: ignore[no-untyped-def]
    task = province.in_progress()
    for i in range(n):
        task_services.urge_task(province.supervisor, task, text=f"Urge number {i}")


# --- inbox ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["notifications", "notification_preferences"])
def test_it_sends_anonymous_visitors_to_log_in(db, url_name):
    """An anonymous visitor is redirected to the login page."""
    response = Client().get(reverse(url_name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_every_user_their_inbox(province, persona):
    """Every active user has an inbox and a preferences page."""
    client = client_for(getattr(province, persona))
    assert client.get(reverse("notifications")).status_code == 200
    assert client.get(reverse("notification_preferences")).status_code == 200


def test_it_lists_unread_first_and_counts_them_in_the_header(province):
    """Unread messages come first; the header badge shows how many."""
    urge_many(province, 3)
    first = Notification.objects.filter(recipient=province.liaison, kind="urge").order_by("created_at", "id").first()
    services.mark_read(province.liaison, first.pk)
    response = client_for(province.liaison).get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert html.index("Urge number 2") < html.index("Urge number 1") < html.index("Urge number 0")
    unread = Notification.objects.filter(recipient=province.liaison, read_at__isnull=True).count()
    assert f'<span class="badge danger" aria-label="{unread} unread">{unread}</span>' in html


def test_it_shows_nobody_elses_notifications(province):
    """Another unit's liaison sees none of the liaison's messages and cannot mark them read."""
    urge_many(province, 1)
    note = Notification.objects.filter(recipient=province.liaison).first()
    client = client_for(province.other_liaison)
    assert "Urge number 0" not in client.get(reverse("notifications")).content.decode()
    assert client.post(reverse("notification_read", args=[note.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[999999])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_it_marks_one_read_with_an_audit_row(province):
    """POST marks one message read, writes the audit trail, and redirects to the inbox."""
    urge_many(province, 1)
    note = Notification.objects.filter(recipient=province.liaison, kind="urge").get()
    response = client_for(province.liaison).post(reverse("notification_read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    note.refresh_from_db()
    assert note.read_at is not None
    event = AuditEvent.objects.get(verb="mark_notifications_read")
    assert event.actor == province.liaison and event.after == {"notifications": [note.pk]}


def test_it_answers_htmx_with_the_item_and_the_new_badge(province):
    """With htmx, the answer is the read item plus the header badge swapped out of band."""
    urge_many(province, 1)
    note = Notification.objects.filter(recipient=province.liaison, kind="urge").get()
    response = client_for(province.liaison).post(reverse("notification_read", args=[note.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="note-{note.pk}"' in html and "Mark read" not in html
    assert 'id="inbox-link"' in html and 'hx-swap-oob="true"' in html


def test_it_marks_all_read(province):
    """"Mark all read" leaves nothing unread."""
    urge_many(province, 3)
    client_for(province.liaison).post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(recipient=province.liaison, read_at__isnull=True).exists()


@pytest.mark.parametrize(("url_name", "method"), [("notifications", "post"), ("notifications_read_all", "get"),
                                                   ("webhooks", "put")])
def test_it_refuses_the_wrong_method(province, url_name, method):
    """Each page answers only its methods."""
    response = getattr(client_for(province.sysadmin), method)(reverse(url_name))
    assert response.status_code == 405


def test_mark_read_refuses_get(province):
    """Marking read is a POST."""
    urge_many(province, 1)
    note = Notification.objects.filter(recipient=province.liaison).first()
    assert client_for(province.liaison).get(reverse("notification_read", args=[note.pk])).status_code == 405


@pytest.mark.parametrize("rows", [1, 50])
def test_the_inbox_runs_a_bounded_number_of_queries(province, rows, django_assert_num_queries):
    """The same queries for 1 and for 50 messages."""
    urge_many(province, rows)
    client = client_for(province.liaison)
    with django_assert_num_queries(5):  # session, user with their unit, count for pages, the page, the badge
        response = client.get(reverse("notifications"))
    assert response.status_code == 200


# --- preferences -----------------------------------------------------------------------------------


def test_it_saves_preferences_with_an_audit_row(province):
    """Turning e-mail off is saved and audited."""
    response = client_for(province.liaison).post(reverse("notification_preferences"),
                                                 {"webhook": "on", "work_app": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=province.liaison)
    assert (preference.email, preference.webhook, preference.work_app, preference.sms) == (False, True, True, False)
    event = AuditEvent.objects.get(verb="save_notification_preferences")
    assert event.before == {"email": True, "webhook": True, "work_app": True, "sms": True}
    assert event.after == {"email": False, "webhook": True, "work_app": True, "sms": False}


def test_preferences_start_with_every_channel_on(province):
    """A user who never saved gets the boxes ticked."""
    html = client_for(province.liaison).get(reverse("notification_preferences")).content.decode()
    assert html.count("checked") >= 3


# --- webhooks (system administrator) ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "leader", "secretary", "secadmin", "auditadmin"])
def test_only_the_system_administrator_sees_the_webhook_page(province, persona):
    """Everyone else gets 404 on every webhook URL, as for a page that does not exist."""
    endpoint = services.create_endpoint(province.sysadmin, name="Group", kind="wecom", url="https://example.com/x")
    client = client_for(getattr(province, persona))
    assert client.get(reverse("webhooks")).status_code == 404
    assert client.post(reverse("webhooks"), {"name": "x", "kind": "wecom", "url": "https://e.com"}).status_code == 404
    assert client.post(reverse("webhook_active", args=[endpoint.pk]), {"active": "false"}).status_code == 404
    assert WebhookEndpoint.objects.get().active and WebhookEndpoint.objects.count() == 1


def test_the_system_administrator_connects_a_webhook(province):
    """The form creates the endpoint, audits it without its secret, and lists it with its URL masked."""
    client = client_for(province.sysadmin)
    response = client.post(reverse("webhooks"), {"name": "督查群", "kind": "dingtalk",
                                                 "url": "https://oapi.dingtalk.com/robot/send?access_token=TOKEN",
                                                 "secret": "SECxyz"})
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.kind, endpoint.secret) == ("dingtalk", "SECxyz")
    event = AuditEvent.objects.get(verb="create_webhook")
    assert "SECxyz" not in str(event.after) and "TOKEN" not in str(event.after)
    html = client.get(reverse("webhooks")).content.decode()
    assert "督查群" in html and "TOKEN" not in html and "SECxyz" not in html


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "kind": "wecom", "url": "https://e.com/x"}, "This field is required"),
    ({"name": "x", "kind": "dingtalk", "url": "https://e.com/x"}, "enter the robot"),
    ({"name": "x", "kind": "wecom", "url": "ftp://e.com/x"}, "must start with https://"),
    ({"name": "x", "kind": "telegram", "url": "https://e.com/x"}, "Select a valid choice"),
])
def test_it_explains_bad_input_and_keeps_what_was_typed(province, data, message):
    """A bad form is shown again with the reason; nothing is saved."""
    response = client_for(province.sysadmin).post(reverse("webhooks"), data, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert message in html and not WebhookEndpoint.objects.exists()
    if data["name"]:
        assert f'value="{data["name"]}"' in html


def test_it_turns_a_webhook_off_and_on(province):
    """The toggle is audited; an inactive endpoint receives nothing."""
    endpoint = services.create_endpoint(province.sysadmin, name="Group", kind="wecom", url="https://example.com/x")
    client = client_for(province.sysadmin)
    client.post(reverse("webhook_active", args=[endpoint.pk]), {"active": "false"})
    endpoint.refresh_from_db()
    assert not endpoint.active and AuditEvent.objects.filter(verb="disable_webhook").exists()
    urge_many(province, 1)
    assert not Delivery.objects.filter(channel="webhook").exists()


def test_it_lists_failures_and_retries_them(province):
    """A failed delivery is listed with its error; "Retry" puts it back in the queue, audited."""
    endpoint = services.create_endpoint(province.sysadmin, name="Group", kind="generic", url="http://127.0.0.1:9/x")
    urge_many(province, 1)
    delivery = Delivery.objects.get(endpoint=endpoint, message__kind="urge")
    Delivery.objects.filter(pk=delivery.pk).update(state="failed", attempts=6, last_error="HTTP 502: bad gateway")
    client = client_for(province.sysadmin)
    html = client.get(reverse("webhooks") + "?state=failed").content.decode()
    assert "HTTP 502: bad gateway" in html
    assert client.post(reverse("delivery_retry", args=[delivery.pk])).status_code == 302
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(verb="retry_delivery").exists()
    # Not failed any more: a clear message.
    client.post(reverse("delivery_retry", args=[delivery.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Only a failed delivery" in client.get(reverse("webhooks"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_webhook_page_runs_a_bounded_number_of_queries(province, rows, django_assert_num_queries):
    """The same queries for 1 and for 50 deliveries."""
    services.create_endpoint(province.sysadmin, name="Group", kind="wecom", url="https://example.com/x")
    urge_many(province, rows)
    client = client_for(province.sysadmin)
    with django_assert_num_queries(7):
        assert client.get(reverse("webhooks")).status_code == 200
