from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RepeatedMention(models.Model):
    """A directive of a later meeting that repeats the demand of an existing task: the office
    attached it to that task instead of making a new one (checks.services.attach_directive)."""

    directive = models.OneToOneField("meetings.Directive", verbose_name=_("directive"), on_delete=models.CASCADE,
                                     related_name="repeat_of")
    task = models.ForeignKey("tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="repeated_mentions")
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["task", "created_at"]
        verbose_name = _("repeated mention")
        verbose_name_plural = _("repeated mentions")

    def __str__(self) -> str:
        return f"{self.task_id} ← {self.directive_id}"


class DismissedMark(models.Model):
    """The office read a report's mark (checks.reports) and judged it unfounded."""

    report = models.ForeignKey("tasks.ProgressReport", on_delete=models.CASCADE, related_name="dismissed_marks")
    code = models.CharField(_("mark"), max_length=20)
    note = models.TextField(_("note"), blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(_("dismissed at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="checks_dismissed_mark_unique")]
        verbose_name = _("dismissed mark")
        verbose_name_plural = _("dismissed marks")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.code}"
