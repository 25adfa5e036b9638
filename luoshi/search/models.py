from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One searchable meeting, directive, task or progress report, as luoshi/search/indexing.py
    writes it in the transaction that changes the object.

    `segmented` is what the database's full-text index covers (an FTS5 table on SQLite, a
    generated tsvector column on PostgreSQL: see the migrations). `unit_paths` holds the
    paths of the units whose liaisons may read the object ("|/P/EMERG/|/P/SY/|"), empty for
    meetings and directives, which every business role reads.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", _("meetings")
        DIRECTIVE = "directive", _("directives")
        TASK = "task", _("tasks")
        REPORT = "report", _("progress reports")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    unit_paths = models.TextField(blank=True)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(blank=True)
    segmented = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title[:60]}"
