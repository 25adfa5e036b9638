from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadersConfig(AppConfig):
    name = "luoshi.leaders"
    verbose_name = _("Leaders")
    default_auto_field = "django.db.models.BigAutoField"
