from django.urls import path, re_path

from luoshi.calendars import views

urlpatterns = [
    path("calendar/", views.calendars, name="calendars"),
    path("calendar/new/", views.create_feed, name="calendar_create"),
    path("calendar/<int:pk>/revoke/", views.revoke_feed, name="calendar_revoke"),
    path("calendar/<int:pk>/regenerate/", views.regenerate_feed, name="calendar_regenerate"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$", views.feed, name="calendar_feed"),
]
