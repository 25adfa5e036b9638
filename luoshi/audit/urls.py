from django.urls import path

from luoshi.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("audit/checks/<int:pk>/", views.audit_check, name="audit_check"),
    path("audit/export.<str:fmt>", views.audit_export, name="audit_export"),
]
