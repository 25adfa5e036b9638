"""The Django admin, closed by default (issue 16, item 2).

It is mounted only when LUOSHI_ADMIN=True, and even then it has no sign-in of its own: its
login page sends people to Luoshi's, which asks for the second factor, and only an active
superuser passes. Superusers are created deliberately (`luoshi createuser … --superuser`
is not offered; `createsuperuser` is refused), so in a normal deployment nobody reaches it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse


class LuoshiAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(settings.LUOSHI_ADMIN and user.is_active and user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def closed_unless_enabled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not settings.LUOSHI_ADMIN:
                raise Http404
            return inner(request, *args, **kwargs)

        return closed_unless_enabled

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Luoshi's own sign-in asks for the second factor; Django's admin login would not.
        if not settings.LUOSHI_ADMIN:
            raise Http404
        return redirect_to_login(request.GET.get("next") or self.index_url())

    def index_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:index", current_app=self.name)
