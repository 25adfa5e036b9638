from django.urls import path

from luoshi.taskrequests import views

urlpatterns = [
    path("requests/", views.queue, name="task_requests"),
    path("requests/<int:pk>/decide/", views.decide, name="decide_task_request"),
    path("requests/<int:pk>/withdraw/", views.withdraw, name="withdraw_task_request"),
    path("tasks/<int:pk>/ask/<slug:kind>/", views.ask, name="ask_task_request"),
    path("tasks/<int:pk>/input/ask/", views.ask_input, name="ask_input"),
]
