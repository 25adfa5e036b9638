"""Numbered notices (交办单, 督办通知单, 催办通知书): paper-trail documents the office issues on a
task, each with a number in its kind's yearly sequence (辽督办〔2026〕7号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class NoticeCounter(models.Model):
    """The last number given in one (kind, year) sequence. Issuing locks this row
    (SELECT … FOR UPDATE) in its own transaction, so two notices never share a number, and a
    notice that fails rolls its number back with it, so none is skipped."""

    kind = models.CharField(_("kind"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="notices_counter_once_per_year")]
        verbose_name = _("notice counter")
        verbose_name_plural = _("notice counters")

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Notice(models.Model):
    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("assignment sheet")
        SUPERVISION = "supervision", _("supervision notice")
        URGING = "urging", _("urging notice")

    class Level(models.IntegerChoices):
        """The colour of a supervision notice follows the escalation level."""

        BLUE = 1, _("blue")
        YELLOW = 2, _("yellow")
        RED = 3, _("red")

    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("colour"), choices=Level.choices, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("requirements"))
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    # The document as issued: a numbered official document does not change afterwards, even
    # when the task does. About 40 KB; kept in the row so that it commits with its number.
    content = models.BinaryField(_("document"))
    # The issuing form's one-time key: posting the same form twice issues one notice.
    form_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["task", "-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "serial"], name="notices_number_once"),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}-{self.serial}"

    def get_absolute_url(self) -> str:
        return reverse("notice_download", args=[self.pk])
