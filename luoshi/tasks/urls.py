from django.urls import path

from luoshi.tasks import views

urlpatterns = [
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
]
