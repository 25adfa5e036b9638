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
    # The person's id on each work platform, for person-to-person work notifications
    # (luoshi/notifications/workapps.py): WeCom's userid, DingTalk's userid, Feishu's user_id.
    wecom_userid = models.CharField(_("WeCom user id"), max_length=64, blank=True)
    dingtalk_userid = models.CharField(_("DingTalk user id"), max_length=64, blank=True)
    feishu_user_id = models.CharField(_("Feishu user id"), max_length=64, blank=True)
    # Single sign-on (luoshi/accounts/oidc.py): the identity provider's issuer and its stable
    # subject id for this person; linked by the security administrator, never guessed from a name.
    oidc_issuer = models.CharField(_("sign-on issuer"), max_length=255, blank=True)
    oidc_subject = models.CharField(_("sign-on subject id"), max_length=255, blank=True)
    # The head of the unit (单位主要负责人): receives escalations of level 2 and above.
    heads_unit = models.BooleanField(_("heads the unit"), default=False)
    # Authentication (luoshi/accounts/security.py): set by an administrator's create or reset,
    # cleared when the user chooses a password; rotation counts from password_changed_at.
    must_change_password = models.BooleanField(_("must change the password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    # The TOTP secret, encrypted (luoshi/accounts/totp.py); TOTP is on once confirmed.
    totp_secret = models.TextField(_("TOTP secret (encrypted)"), blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(_("TOTP confirmed"), null=True, blank=True, editable=False)
    # The last time step accepted, so that a code is never accepted twice.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(fields=["oidc_issuer", "oidc_subject"], name="accounts_one_oidc_link",
                                               condition=~models.Q(oidc_subject=""))]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        """One of the three administrators (三员), who touch no business data."""
        return self.role in {self.Role.SYSTEM_ADMIN, self.Role.SECURITY_ADMIN, self.Role.AUDIT_ADMIN}

    @property
    def has_totp(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def reads_everything(self) -> bool:
        return self.role in {self.Role.SUPERVISOR, self.Role.LEADER}


class LoginThrottle(models.Model):
    """Recent failed logins for one username, and whether it is locked.

    Keyed by the username typed, whether or not an account has it, so that the login page
    says "locked" for unknown names exactly as for real ones and reveals nothing. Kept in
    the database (not the cache) so that every app server counts the same failures."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    # ISO timestamps of the most recent failures (at most LUOSHI_LOCKOUT_ATTEMPTS).
    failures = models.JSONField(default=list)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return self.username


class AccountRequest(models.Model):
    """A change to an account that one administrator asks for and a second one approves
    (issue 16, item 12, 三员分立): resetting another administrator's password or second
    factor, and giving anyone a role that reads every task (supervision officer, leader)."""

    class Kind(models.TextChoices):
        RESET_PASSWORD = "reset_password", _("reset the password")
        RESET_TOTP = "reset_totp", _("reset two-step sign-in")
        GRANT_ROLE = "grant_role", _("give a role")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    subject = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=User.Role.choices, blank=True)
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("asked at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_by = models.ForeignKey(User, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("account change awaiting approval")
        verbose_name_plural = _("account changes awaiting approval")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject}"
