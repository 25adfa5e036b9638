from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """A named way to read a ledger's columns, kept for the next file in the same layout.

    `columns` maps a Luoshi field to the header text of the column that feeds it, so the
    mapping applies to any file with the same headers, wherever the columns sit."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.name


class LedgerImport(models.Model):
    """An uploaded ledger on its way in: the file, how to read it, and whether it went in."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        IMPORTED = "imported", _("imported")

    file = models.FileField(_("file"), upload_to="ledger-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    sheet_name = models.CharField(_("sheet"), max_length=100)
    header_row = models.PositiveIntegerField(_("header row"), default=1)  # as Excel numbers it
    columns = models.JSONField(_("columns"), default=dict)  # field → column index
    default_year = models.PositiveIntegerField(_("year for dates without one"))
    # The outcome of the latest check, so pages and the import need not read the file again:
    # sheets, the top rows, headers, the parsed rows and every error (see services.check_and_store).
    checked = models.JSONField(default=dict)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    # Issued with each checked preview and spent by the import: a second submission of the
    # same confirmation, or one made before the latest check, is refused.
    token = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    task_count = models.PositiveIntegerField(_("tasks"), default=0)
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("ledger_import_review", args=[self.pk])
