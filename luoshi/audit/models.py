from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.lib import canonical_json

GENESIS = "0" * 64


class AuditEvent(models.Model):
    """One change: who, when, what, before and after, chained to the event before it."""

    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # Kept as text too, so the chain never depends on a row elsewhere.
    actor_label = models.CharField(_("actor"), max_length=200)
    verb = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_label} {self.verb} {self.object_type}:{self.object_id}"

    def payload(self) -> dict[str, object]:
        """What the hash covers: everything but the hashes themselves."""
        return {
            "id": self.pk,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "verb": self.verb,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
        }

    def compute_hash(self) -> str:
        data = self.prev_hash + canonical_json(self.payload())
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """The single row that holds the chain's newest hash; locking it serialises appends."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    last_id = models.BigIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")
