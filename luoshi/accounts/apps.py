from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "luoshi.accounts"
    label = "accounts"
    verbose_name = _("accounts")

    def ready(self) -> None:
        from luoshi.accounts import signals  # noqa: F401  (connects the login receivers)

        checks.register(check_totp_roles)


def check_totp_roles(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """LUOSHI_TOTP_REQUIRED_ROLES must name real roles: a typo would silently require nothing."""
    from django.conf import settings

    from luoshi.accounts.models import User

    unknown = sorted(set(settings.LUOSHI_TOTP_REQUIRED_ROLES) - set(User.Role.values))
    if unknown:
        return [checks.Error(f"LUOSHI_TOTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
                             hint=f"Roles are {', '.join(User.Role.values)}.", id="luoshi.E701")]
    return []
