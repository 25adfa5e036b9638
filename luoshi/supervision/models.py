from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Claim(models.Model):
    """The daily pass's promise not to repeat itself: one row per (task, kind, level, day, subject),
    inserted, in the transaction of the action, before anything is sent. A second pass on
    the same day, or a re-run after a crash, finds the row and does nothing.

    `day` is the day the action is about, not the day of the run: the deadline for a
    deadline reminder and for escalations, the due date for a report reminder, the day of
    the urge round for urges. A pass that missed a day therefore catches up exactly once."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("deadline reminder")
        REPORT_DUE = "report_due", _("report reminder")
        URGE = "urge", _("urge")
        ESCALATION = "escalation", _("escalation")
        MILESTONE_DUE = "milestone_due", _("milestone reminder")
        MILESTONE_MISSED = "milestone_missed", _("missed milestone urge")
        INPUT_DUE = "input_due", _("request for input reminder")
        INPUT_MISSED = "input_missed", _("unanswered request for input reminder")
        SIGN_FOR = "sign_for", _("sign-for time limit reminder")

    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    day = models.DateField(_("day"))
    # What within the task the claim is about: the milestone or the request for input (their
    # id), or 0 for the task itself. `level` is the escalation level (a small number) and a
    # task's milestones may share a due day, so neither can tell two milestones apart.
    subject = models.PositiveBigIntegerField(_("subject"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "level", "day", "subject"],
                                    name="supervision_claim_once_per_subject"),
        ]
        verbose_name = _("daily pass claim")
        verbose_name_plural = _("daily pass claims")

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.level} {self.day} {self.subject}"


class Reminder(models.Model):
    """A reminder the daily pass sent to a task's lead unit (or, for a request for input, to the
    cooperating unit asked): on the task's timeline."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("deadline approaching")
        REPORT_DUE = "report_due", _("progress report due")
        MILESTONE = "milestone", _("milestone due or missed")
        INPUT = "input", _("request for input due or unanswered")
        SIGN_FOR = "sign_for", _("not signed for in time")

    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    to_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["task", "-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.text[:60]
