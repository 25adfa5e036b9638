"""Two-sided commitments under an agreement or a plan heard at a meeting: what the province
side and the counterparty side undertook, its milestones, and where it stands in the
signed → started → delivered funnel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Commitment(models.Model):
    class Stage(models.TextChoices):
        SIGNED = "signed", pgettext_lazy("commitment stage", "signed")
        STARTED = "started", pgettext_lazy("commitment stage", "started")
        DELIVERED = "delivered", pgettext_lazy("commitment stage", "delivered")

    agenda_item = models.ForeignKey("meetings.AgendaItem", on_delete=models.CASCADE, related_name="commitments")
    title = models.CharField(_("commitment"), max_length=300)
    province_unit = models.ForeignKey("units.Unit", verbose_name=_("province side"), on_delete=models.PROTECT,
                                      related_name="+")
    counterparty = models.CharField(_("counterparty side"), max_length=200)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SIGNED)
    signed_on = models.DateField(_("signed on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["agenda_item", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.title


class CommitmentMilestone(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["commitment", "due", "id"]
        verbose_name = _("commitment milestone")
        verbose_name_plural = _("commitment milestones")

    def __str__(self) -> str:
        return self.title
