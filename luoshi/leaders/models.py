"""The leaders' side: who is in charge of what (分管领导), and the instruction documents
(批示件) the office registers, with the reply owed to the leader (办理情况报告)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LeaderInCharge(models.Model):
    """One piece of a leader's portfolio: a priority area, or a unit and the units below it,
    from one date to another (portfolios change; both dates are included)."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT,
                               related_name="portfolio", limit_choices_to={"role": "leader"})
    area = models.ForeignKey("meetings.PriorityArea", verbose_name=_("priority area"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="leaders_in_charge")
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="leaders_in_charge")
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["leader", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(area__isnull=False, unit__isnull=True)
                           | models.Q(area__isnull=True, unit__isnull=False)),
                name="leaders_in_charge_area_or_unit",
            ),
        ]
        verbose_name = _("leader in charge")
        verbose_name_plural = _("leaders in charge")

    def __str__(self) -> str:
        return f"{self.leader} · {self.area or self.unit}"


class InstructionDocument(models.Model):
    """A leader's written instruction on a document or a letter (批示件), registered by the
    office; its tasks refer to it (Task.instruction_document), and the lead unit owes the
    leader a reply that the office reviews and sends."""

    class Reply(models.TextChoices):
        AWAITING_DRAFT = "awaiting_draft", _("awaiting the lead unit's draft")
        DRAFTED = "drafted", _("draft awaiting the office's review")
        APPROVED = "approved", _("approved, to be sent")
        SENT = "sent", _("report sent")

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", limit_choices_to={"role": "leader"})
    # A leader without an account (or one who has left) is named instead.
    leader_name = models.CharField(_("leader's name"), max_length=100, blank=True)
    date = models.DateField(_("date of the instruction"), db_index=True)
    title = models.CharField(_("document or letter"), max_length=300)
    text = models.TextField(_("instruction"))
    file = models.FileField(_("source document"), upload_to="instructions/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The source document's text, as the intake readers read it (luoshi/extraction/readers.py).
    document_text = models.TextField(_("text of the document"), blank=True)
    lead_unit = models.ForeignKey("units.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT,
                                  related_name="+")
    units = models.ManyToManyField("units.Unit", verbose_name=_("other units named"), blank=True, related_name="+")
    priority_areas = models.ManyToManyField("meetings.PriorityArea", verbose_name=_("priority areas"), blank=True,
                                            related_name="+")
    reply_due = models.DateField(_("reply due"), db_index=True)
    reply_state = models.CharField(_("reply"), max_length=20, choices=Reply.choices, default=Reply.AWAITING_DRAFT,
                                   db_index=True)
    reply_text = models.TextField(_("draft reply"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered at"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("instruction document")
        verbose_name_plural = _("instruction documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("instruction_detail", args=[self.pk])

    @property
    def leader_label(self) -> str:
        return str(self.leader) if self.leader is not None else self.leader_name
