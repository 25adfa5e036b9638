from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "luoshi.tasks"
    label = "tasks"
    verbose_name = _("tasks")

    def ready(self) -> None:
        from luoshi.lib.files import check_store
        from luoshi.tasks import counts  # noqa: F401  (connects the signals that keep the counts exact)

        checks.register(check_store, deploy=True)  # evidence is the main thing stored
