from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A subscription to deadlines and milestones behind a secret URL.

    Only the SHA-256 of the secret is stored: the URL is shown once, when it is made, and
    a leaked database does not leak the feeds. Revoking keeps the row, for the record."""

    class Scope(models.TextChoices):
        MINE = "mine", _("my tasks")
        UNIT = "unit", _("one unit's tasks")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # The language the feed is written in: the one the user had when making it.
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} · {self.describe()}"

    def describe(self) -> str:
        return str(self.unit) if self.scope == self.Scope.UNIT and self.unit else str(self.Scope.MINE.label)

    @staticmethod
    def url_for(token: str) -> str:
        return reverse("calendar_feed", args=[token])
