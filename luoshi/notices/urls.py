from django.urls import path

from luoshi.notices import views

urlpatterns = [
    path("tasks/<int:pk>/notices/issue/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>.docx", views.notice_download, name="notice_download"),
]
