from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskRequestsConfig(AppConfig):
    name = "luoshi.taskrequests"
    verbose_name = _("Requests from units")
    default_auto_field = "django.db.models.BigAutoField"
