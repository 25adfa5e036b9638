from django.urls import path

from luoshi.scoring import views

urlpatterns = [
    path("scoring/", views.scoring, name="scoring"),
    path("scoring/export.xlsx", views.scoring_export, name="scoring_export"),
]
