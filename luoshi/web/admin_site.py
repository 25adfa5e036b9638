"""The Django admin (read-only tables) is for superusers only: a superuser is created
deliberately (`luoshi createsuperuser`), and no role, not even the supervision office, is
staff by default. Django's own rule (active staff) would let any staff account in."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class LuoshiAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class LuoshiAdminConfig(AdminConfig):
    default_site = "luoshi.web.admin_site.LuoshiAdminSite"
