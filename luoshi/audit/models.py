from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.audit.chain import GENESIS


class JSONText(models.TextField):
    """A JSON document kept as its canonical text (sorted keys, no spaces), read back as Python values.

    The chain's MAC covers the stored text: kept as text, PostgreSQL hands it over as it is,
    where a jsonb column would be re-serialised for every event the verifier reads (three quarters
    of the verifier's time on PostgreSQL). Nothing queries inside these documents."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> object:
        return None if value is None else json.loads(value)

    def to_python(self, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: object) -> str | None:
        if value is None:
            return None
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""


class AuditEvent(models.Model):
    """One change: who, when, what, before and after. Written by the change's transaction with no
    `seq` and no `mac`; the sealer numbers and chains it a moment later (luoshi/audit/chain.py)."""

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
    before = JSONText(_("before"), null=True, blank=True)
    after = JSONText(_("after"), null=True, blank=True)
    # Null until sealed: the place in the chain (1, 2, 3 … with no gap) and the keyed MAC.
    seq = models.BigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The sealer's queue: only the few unsealed events are in it.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_label} {self.verb} {self.object_type}:{self.object_id}"

    @property
    def sealed(self) -> bool:
        return self.seq is not None


class AuditHead(models.Model):
    """The single row that holds the number of sealed events and the newest MAC, signed with the
    audit key. Only the sealer locks it, for the length of one short sealing transaction."""

    count = models.BigIntegerField(default=0)
    last_mac = models.CharField(max_length=64, default=GENESIS)
    sealed_at = models.DateTimeField(null=True, blank=True)
    signature = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit chain head")


class AuditCheck(models.Model):
    """One run of the chain check started from the web page: a background job fills in its
    progress and result, and the page polls it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.BigIntegerField(default=0)
    checked = models.BigIntegerField(default=0)
    ok = models.BooleanField(null=True)
    message = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("audit chain check")

    def __str__(self) -> str:
        return f"check #{self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.checked * 100 // self.total) if self.total else 0
