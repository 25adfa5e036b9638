from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("luoshi.web.urls")),
    path("", include("luoshi.accounts.urls")),
    path("", include("luoshi.meetings.urls")),
    path("", include("luoshi.tasks.urls")),
    path("", include("luoshi.checks.urls")),
    path("", include("luoshi.taskrequests.urls")),
    path("", include("luoshi.leaders.urls")),
    path("", include("luoshi.notifications.urls")),
    path("", include("luoshi.ledgers.urls")),
    path("", include("luoshi.scoring.urls")),
    path("", include("luoshi.documents.urls")),
    path("", include("luoshi.notices.urls")),
    path("", include("luoshi.commitments.urls")),
    path("", include("luoshi.calendars.urls")),
    path("", include("luoshi.portal.urls")),
    path("", include("luoshi.api.urls")),
    path("", include("luoshi.search.urls")),
    path("", include("luoshi.audit.urls")),
    path("", include("luoshi.units.urls")),
]
