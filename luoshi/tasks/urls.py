from django.urls import path

from luoshi.tasks import indicator_views, milestone_views, report_views, views

urlpatterns = [
    path("tasks/", views.ledger, name="ledger"),
    path("tasks/export.xlsx", views.ledger_export, name="ledger_export"),
    path("tasks/meetings/", views.ledger_meetings, name="ledger_meetings"),
    path("tasks/reports/", report_views.report_many, name="report_many"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/reports/<int:report_pk>/review/", views.review_report, name="review_report"),
    path("tasks/<int:pk>/milestones/add/", milestone_views.add_milestone, name="milestone_add"),
    path("tasks/milestones/<int:pk>/done/", milestone_views.complete_milestone, name="milestone_done"),
    path("tasks/<int:pk>/indicators/add/", indicator_views.add_indicator, name="indicator_add"),
    path("tasks/<int:pk>/indicators/import/", indicator_views.import_actuals, name="indicator_import"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("tasks/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
