"""What a lead unit asks of the office about a task it was given: more time (申请延期), or to
hand the task back because it is not theirs (退回). The office decides; see services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRequest(models.Model):
    class Kind(models.TextChoices):
        EXTENSION = "extension", _("extension of the deadline")
        RETURN = "return", _("return to the office")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        SHORTENED = "shortened", _("approved with a shorter extension")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    task = models.ForeignKey("tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    # The unit that asked: the lead unit when the request was made.
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("reason"))
    # An extension: the deadline when asked, and the one asked for.
    deadline_before = models.DateField(_("deadline when asked"), null=True, blank=True)
    requested_deadline = models.DateField(_("deadline asked for"), null=True, blank=True)
    # A return: the unit the requester thinks should lead instead.
    suggested_unit = models.ForeignKey("units.Unit", verbose_name=_("suggested lead unit"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # An approved extension: the deadline granted (the one asked for, or a shorter one).
    # An extension beyond LUOSHI_EXTENSION_LEADER_DAYS on a top-level task: the leader in
    # charge decides it, not the office (docs/instructions.md).
    for_leader = models.BooleanField(_("decided by the leader in charge"), default=False)
    granted_deadline = models.DateField(_("deadline granted"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open question about a task at a time: a second waits for the first's answer.
            models.UniqueConstraint(fields=["task"], condition=models.Q(state="pending"),
                                    name="taskrequests_one_pending_per_task"),
        ]
        indexes = [models.Index(fields=["state", "requested_at"])]
        verbose_name = _("request from a unit")
        verbose_name_plural = _("requests from units")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def granted(self) -> bool:
        return self.state in (self.State.APPROVED, self.State.SHORTENED)


class InputRequest(models.Model):
    """The lead unit asks a cooperating unit for its share of the work (协办反馈), by a date. A
    progress report of that unit on the task after the question answers it."""

    task = models.ForeignKey("tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="input_requests")
    to_unit = models.ForeignKey("units.Unit", verbose_name=_("cooperating unit"), on_delete=models.PROTECT,
                                related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
                                 related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    text = models.TextField(_("what is needed"))
    due = models.DateField(_("due"))

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("request for input")
        verbose_name_plural = _("requests for input")

    def __str__(self) -> str:
        return f"{self.to_unit} · {self.due}"
