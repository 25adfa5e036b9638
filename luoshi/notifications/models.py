from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's in-app inbox. Every notification lands here; e-mail and
    webhooks are extra channels the user chooses (see NotificationPreference)."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("deadline approaching")
        REPORT_DUE = "report_due", _("progress report due")
        ASSIGNMENT = "assignment", _("task assigned")
        URGE = "urge", _("urged")
        ESCALATION = "escalation", _("escalated")
        RETURN = "return", _("returned")
        INSTRUCTION = "instruction", _("instruction")
        REQUEST = "request", _("request from a unit")
        DECISION = "decision", _("decision on a request")
        MILESTONE = "milestone", _("milestone due or missed")
        INPUT = "input", _("request for input due or unanswered")
        SIGN_FOR = "sign_for", _("not signed for in time")
        REPLY = "reply", _("reply to a leader's instruction")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set by the daily pass: the notification goes out in that day's digest (one message per
    # person), not by itself.
    digest_day = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   models.Index(fields=["digest_day", "recipient"], name="notifications_digest_idx",
                                condition=models.Q(digest_day__isnull=False))]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """The channels a user wants besides the inbox, which is always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference",
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    webhook = models.BooleanField(_("in the group chat (WeCom, DingTalk, Feishu)"), default=True)
    work_app = models.BooleanField(_("as a work notification (WeCom, DingTalk, Feishu)"), default=True)
    sms = models.BooleanField(_("by SMS"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class WebhookEndpoint(models.Model):
    """A group robot or JSON endpoint that the system administrator connects."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk robot (钉钉)")
        FEISHU = "feishu", _("Feishu robot (飞书)")
        GENERIC = "generic", _("generic JSON endpoint")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("URL"), max_length=500)
    # Needed in clear to sign each message (HMAC); shown masked, never in the audit trail.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("only for this unit and below"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("webhooks")

    @property
    def masked_url(self) -> str:
        """The URL without its query string, which often holds the robot's access key."""
        return self.url.split("?", 1)[0] + ("?…" if "?" in self.url else "")


class Delivery(models.Model):
    """One outgoing e-mail or webhook message: an outbox row, written in the transaction of
    the event and sent after it commits, retried with exponential backoff."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("webhook")
        WECOM = "wecom", _("WeCom work notification")
        DINGTALK = "dingtalk", _("DingTalk work notification")
        FEISHU = "feishu", _("Feishu message")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # What to send, fixed when the event happens: e-mail {to, subject, body}; webhook
    # {kind, task, title, url, text, recipients}; work apps {to, title, text, url}; SMS {to, params}.
    message = models.JSONField(_("message"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.state}"


class DigestClaim(models.Model):
    """A day's digest for one person (or one group chat) was sent: claimed in the transaction
    that queues it, so that two workers or a second run never send it twice."""

    key = models.CharField(max_length=80, unique=True)  # "user:12:2026-12-07", "endpoint:3:2026-12-07"
    claimed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class SmsCount(models.Model):
    """How many text messages went to one number (or to everyone: "all") on one day, counted up
    with a conditional UPDATE so that the limits hold with several workers."""

    key = models.CharField(max_length=80, unique=True)  # "13800000000:2026-12-07", "all:2026-12-07"
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} {self.count}"
