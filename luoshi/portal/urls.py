from django.urls import path

from luoshi.portal import views

urlpatterns = [
    path("public/", views.portal, name="portal"),
    path("public/tasks/<int:pk>/", views.portal_task, name="portal_task"),
]
