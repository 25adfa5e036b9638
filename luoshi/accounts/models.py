from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with exactly one role; liaisons and unit heads belong to a unit."""

    class Role(models.TextChoices):
        SUPERVISOR = "supervisor", _("supervision officer")
        LIAISON = "liaison", _("unit liaison")
        LEADER = "leader", _("leader")
        SECRETARY = "secretary", _("meeting secretary")
        SYSTEM_ADMIN = "sysadmin", _("system administrator")
        SECURITY_ADMIN = "secadmin", _("security administrator")
        AUDIT_ADMIN = "auditadmin", _("audit administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="members",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The head of the unit (单位主要负责人): receives escalations of level 2 and above.
    heads_unit = models.BooleanField(_("heads the unit"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        """One of the three administrators (三员), who touch no business data."""
        return self.role in {self.Role.SYSTEM_ADMIN, self.Role.SECURITY_ADMIN, self.Role.AUDIT_ADMIN}

    @property
    def reads_everything(self) -> bool:
        return self.role in {self.Role.SUPERVISOR, self.Role.LEADER}
