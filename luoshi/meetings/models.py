from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PriorityArea(models.Model):
    """A field of work leaders follow as one (重点领域): safe production, livelihood, …"""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    keywords_zh = models.JSONField(_("Chinese keywords"), default=list, blank=True)
    keywords_en = models.JSONField(_("English keywords"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Meeting(models.Model):
    class Kind(models.TextChoices):
        EXECUTIVE = "executive", _("executive meeting")
        PARTY_GROUP = "party_group", _("Party Group meeting")
        ENLARGED = "enlarged", _("enlarged meeting")
        SPECIAL_TOPIC = "special_topic", _("special-topic meeting")
        OTHER = "other", _("other meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        PUBLISHED = "published", _("published")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    number = models.PositiveIntegerField(_("number in its series"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    chair_name = models.CharField(_("chair"), max_length=100, blank=True)
    chair_title = models.CharField(_("chair's title"), max_length=300, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    readout = models.TextField(_("readout or minutes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.HELD)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))
    # Optimistic concurrency, as for tasks: every correction bumps it; a correction based on an
    # older one is refused (meetings.services.update_meeting).
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        STUDY = "study", _("study")
        REPORT = "report", _("report")
        PLAN = "plan", _("plan")
        AGREEMENT = "agreement", _("agreement")
        REGULATION = "regulation", _("regulation")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        NONE = "", _("not recorded")
        ADOPTED = "adopted", _("adopted")
        ADOPTED_REVISED = "adopted_revised", _("adopted after revision")
        DEFERRED = "deferred", _("deferred")
        NOTED = "noted", _("noted")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=500)
    presenting_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("presenting unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        unique_together = [("meeting", "order")]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class AgendaDocument(models.Model):
    """A document attached to an agenda item (the plan, the draft regulation, …)."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="agenda/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)

    class Meta:
        verbose_name = _("agenda document")
        verbose_name_plural = _("agenda documents")

    def __str__(self) -> str:
        return self.original_name


class Directive(models.Model):
    """A requirement the meeting set, with the characters of the readout it came from."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="directives")
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="directives",
    )
    order = models.PositiveIntegerField(_("order"))
    text = models.TextField(_("text"))
    priority_areas = models.ManyToManyField(PriorityArea, verbose_name=_("priority areas"), blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    # Why the review left it without a task (a principle, not supervisable as written).
    principle_reason = models.TextField(_("why it stays a principle"), blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        unique_together = [("meeting", "order")]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return self.text[:80]

    def source_text(self) -> str:
        """The characters of the readout this directive came from ('' if typed by hand)."""
        if self.span_start is None or self.span_end is None:
            return ""
        return self.meeting.readout[self.span_start:self.span_end]
