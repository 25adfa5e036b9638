from django.urls import path

from luoshi.checks import views

urlpatterns = [
    path("tasks/<int:pk>/reports/<int:report_pk>/marks/<slug:code>/dismiss/", views.dismiss_mark,
         name="dismiss_report_mark"),
]
