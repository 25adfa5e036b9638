from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("luoshi.web.urls")),
    path("", include("luoshi.meetings.urls")),
    path("", include("luoshi.tasks.urls")),
]
