from django.urls import path

from luoshi.meetings import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/from-readout/", views.meeting_from_readout, name="meeting_from_readout"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish"),
    path("meetings/<int:pk>/directives/<int:directive_pk>/tasks/", views.directive_task_new,
         name="directive_task_new"),
]
