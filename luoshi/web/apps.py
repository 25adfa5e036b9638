import mimetypes

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "luoshi.web"
    label = "web"
    verbose_name = _("web")

    def ready(self) -> None:
        # The web app manifest (web/manifest.webmanifest), served by the static files with
        # its own type; Python's table does not know the extension.
        mimetypes.add_type("application/manifest+json", ".webmanifest")
