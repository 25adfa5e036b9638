from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.tasks import lights
from luoshi.tasks.lifecycle import FINISHED, LIT, WORKING, Status


class Task(models.Model):
    """Work that follows from a directive, led by one unit, until it is completed."""

    class Cadence(models.TextChoices):
        NONE = "", _("no regular report")
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")

    class Grade(models.TextChoices):
        # The office's grade of a closure (办结评价); it feeds the units' scores (luoshi/scoring).
        EXCELLENT = "excellent", _("excellent")
        GOOD = "good", _("good")
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")

    class Light(models.TextChoices):
        # Drafts, suspended, completed and cancelled tasks have no light (lifecycle.LIT).
        NONE = "", _("no light")
        GREEN = "green", _("on track")
        AMBER = "amber", _("at risk")
        RED = "red", _("overdue")

    class Source(models.TextChoices):
        MEETING = "meeting", _("meeting")
        INSTRUCTION = "instruction", _("leader's instruction")
        LEDGER = "ledger", _("imported ledger")

    # Where the work comes from: a meeting's directive, a leader's instruction document
    # (批示件), or a row of an imported ledger. The ledger and the stocktake filter by it.
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MEETING,
                              db_index=True)
    directive = models.ForeignKey(
        "meetings.Directive", verbose_name=_("directive"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="tasks",
    )
    instruction_document = models.ForeignKey(
        "leaders.InstructionDocument", verbose_name=_("instruction document"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="tasks",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent task"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_tasks",
    )
    cooperating_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("cooperating units"), blank=True, related_name="cooperating_tasks",
    )
    person_responsible = models.CharField(_("person responsible"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    cadence = models.CharField(_("reporting cadence"), max_length=20, choices=Cadence.choices, blank=True, default="")
    priority_areas = models.ManyToManyField("meetings.PriorityArea", verbose_name=_("priority areas"), blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_before_suspension = models.CharField(max_length=30, choices=Status.choices, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress %"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight = models.PositiveSmallIntegerField(_("weight in its parent"), default=1)
    blocked = models.BooleanField(_("blocked"), default=False)
    # How often later meetings demanded it again (checks.services.attach_directive): leaders
    # repeat themselves when work does not move, so the stocktake lists these first.
    repeat_count = models.PositiveIntegerField(_("times demanded again"), default=0)
    public = models.BooleanField(_("public"), default=False)
    # Stored so ledgers can filter and count by light in SQL; every service write and the
    # daily pass refresh it (see luoshi/tasks/lights.py for the rules). Empty for a task
    # whose status has no light (lifecycle.LIT).
    light = models.CharField(_("light"), max_length=10, choices=Light.choices, default=Light.NONE, blank=True,
                             db_index=True)
    # Its reason, stored in the same writes: the rule that set it and by how much (days or points).
    light_rule = models.CharField(_("light rule"), max_length=40, blank=True, default="")
    light_amount = models.PositiveIntegerField(_("light amount"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_report_at = models.DateTimeField(_("last report at"), null=True, blank=True)
    # The due date of the earliest milestone not yet done (kept by the milestone services), so
    # the light can follow missed milestones without reading them.
    next_milestone_due = models.DateField(_("next milestone due"), null=True, blank=True)
    # The worst outcome indicator's lag behind its trajectory (percent) and its name, kept by the
    # indicator services so the light can follow the indicators without reading them.
    indicator_lag = models.PositiveIntegerField(_("indicator lag %"), null=True, blank=True)
    indicator_lag_name = models.CharField(_("indicator behind plan"), max_length=200, blank=True, default="")
    # Given when the office approves the completion (empty for a task closed before grades).
    grade = models.CharField(_("closure grade"), max_length=10, choices=Grade.choices, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    # Optimistic concurrency: every write bumps it; a write based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    # Not a column: set for the templates by ledger.mark_overdue, as on a ledger TaskRow.
    days_overdue: int = 0

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "status"]),
            models.Index(fields=["light", "status"]),
            # The oldest completion requests on the supervision dashboard.
            models.Index(fields=["status", "updated_at"]),
            # The ledger's default order (ledger.SORTS["deadline"], undated last): its first
            # page is read off this index instead of sorting every task.
            models.Index(Coalesce("deadline", models.Value(dt.date(9999, 12, 31))), "id", name="tasks_deadline_sort_idx"),
            # Counting one unit's tasks of one light when the stored counts do not apply.
            models.Index(fields=["lead_unit", "light"]),
            # The most severe working tasks, by deadline (the leader's stocktake and risks, the
            # liaison's list): only the working tasks are indexed.
            models.Index(fields=["light", "deadline", "id"], name="tasks_working_light_idx",
                         condition=models.Q(status__in=sorted(WORKING))),
            # The ledger sorted by "recently updated" (ledger.SORTS["updated"], read backwards):
            # its first page comes off this index instead of sorting every task.
            models.Index(fields=["updated_at", "id"], name="tasks_updated_sort_idx"),
            # The ledger sorted by progress, either way (ledger.SORTS["progress"], ["-progress"]).
            models.Index(fields=["progress", "deadline", "id"], name="tasks_progress_sort_idx"),
            models.Index(fields=["-progress", "deadline", "id"], name="tasks_progress_desc_sort_idx"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("task_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Not finished: it may still be edited. A suspended task is open (it can be resumed)
        but its clock is stopped: it has no light and is never overdue (`has_light`)."""
        return self.status not in FINISHED

    @property
    def has_light(self) -> bool:
        return self.status in LIT

    @property
    def light_reason(self) -> lights.Reason | None:
        """Why the task has its stored light (render it with lights.describe)."""
        return lights.stored_reason(self.light, self.light_rule, self.light_amount, self.indicator_lag_name)


def plain_number(value: Decimal | None) -> str:
    """A stored indicator value without its trailing zeros: 6000.0000 → 6000, 92.5000 → 92.5."""
    return "" if value is None else format(value.normalize(), "f")


class Indicator(models.Model):
    """An outcome indicator of a task (指标): what is measured, from a baseline to a target,
    along a planned trajectory, with the actuals reported (docs/indicators.md)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    measure = models.CharField(_("unit of measure"), max_length=50, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    # The latest actual's lag behind the trajectory, percent (lights.indicator_lag); None
    # before there is an actual to compare. Kept by the services with its points.
    lag = models.PositiveIntegerField(_("behind plan %"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["task", "pk"]
        constraints = [models.UniqueConstraint(fields=["task", "name"], name="tasks_indicator_unique_name")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class IndicatorPoint(models.Model):
    """A point of an indicator's planned trajectory, or an actual reported for a day."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("planned")
        ACTUAL = "actual", _("actual")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    day = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    # The progress report it came with, if any (else an import or the office's plan).
    report = models.ForeignKey("ProgressReport", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="actuals")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["indicator", "kind", "day"]
        constraints = [models.UniqueConstraint(fields=["indicator", "kind", "day"], name="tasks_indicator_point_unique_day")]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.indicator} {self.day} {self.value}"


class TaskCount(models.Model):
    """How many tasks share one key: (lead unit, status, light), (priority area, status, light),
    (deadline, status) or (completion day). The dashboards read these few thousand rows instead
    of counting the tasks table; luoshi/tasks/counts.py keeps them exact (docs/decisions.md)."""

    class Kind(models.TextChoices):
        UNIT = "unit", "unit"
        AREA = "area", "area"
        DEADLINE = "deadline", "deadline"
        COMPLETED = "completed", "completed"

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("units.Unit", null=True, on_delete=models.CASCADE, related_name="task_counts")
    area = models.ForeignKey("meetings.PriorityArea", null=True, on_delete=models.CASCADE, related_name="task_counts")
    day = models.DateField(null=True)
    status = models.CharField(max_length=30, blank=True)
    light = models.CharField(max_length=10, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "day"])]

    def __str__(self) -> str:
        return f"{self.key} = {self.n}"


class Milestone(models.Model):
    """A step of a task with its own due date (反馈节点): added by the office or the lead unit, or
    from a node template when the task is assigned; done with a report and its evidence."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # The report that says it is done, with its evidence.
    report = models.ForeignKey("ProgressReport", verbose_name=_("report"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="milestones")

    class Meta:
        ordering = ["task", "due"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=20, blank=True)
    text = models.TextField(_("progress"))
    progress = models.PositiveSmallIntegerField(
        _("progress %"), validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    asks_completion = models.BooleanField(_("asks for completion"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"))
    outcome = models.CharField(_("review"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "-submitted_at"]
        indexes = [
            # The oldest reports awaiting review (dashboard): only the pending ones are indexed.
            models.Index(fields=["submitted_at", "id"], name="tasks_report_pending_idx",
                         condition=models.Q(outcome="pending", asks_completion=False)),
            # The reports returned to a liaison's units, or on the tasks they lead (their inbox).
            models.Index(fields=["unit", "reviewed_at"], name="tasks_report_returned_unit_idx",
                         condition=models.Q(outcome="returned")),
            models.Index(fields=["task", "reviewed_at"], name="tasks_report_returned_task_idx",
                         condition=models.Q(outcome="returned")),
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.task} · {self.progress}%"


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class Urge(models.Model):
    """A reminder to the lead unit that work is slipping (催办)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="urges")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["task", "-created_at"]
        indexes = [
            # A liaison's home: the latest urges to the units of their subtree.
            models.Index(fields=["to_unit", "created_at"], name="tasks_urge_unit_time_idx"),
        ]
        verbose_name = _("urge")
        verbose_name_plural = _("urges")

    def __str__(self) -> str:
        return self.text[:60]


class Escalation(models.Model):
    """Supervision raised a level (提级督办): to the unit's head, the office, a leader."""

    class Level(models.IntegerChoices):
        LIAISON = 1, _("unit liaison")
        UNIT_HEAD = 2, _("unit head and supervision office")
        LEADER = 3, _("leader")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="escalations")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["task", "-created_at"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.task} → {self.get_level_display()}"


class Instruction(models.Model):
    """A leader's written instruction on a task (批示)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="instructions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["task", "-created_at"]
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")

    def __str__(self) -> str:
        return self.text[:60]
