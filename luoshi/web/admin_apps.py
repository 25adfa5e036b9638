"""The admin app with Luoshi's closed admin site (luoshi/web/admin_site.py). Kept apart from the
site itself: an AppConfig module must import nothing that needs the app registry."""

from django.contrib.admin.apps import AdminConfig


class LuoshiAdminConfig(AdminConfig):
    default_site = "luoshi.web.admin_site.LuoshiAdminSite"
