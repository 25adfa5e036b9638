from django.urls import path

from luoshi.commitments import views

urlpatterns = [
    path("agenda/<int:pk>/commitments/", views.commitments, name="commitments"),
    path("commitments/<int:pk>/advance/", views.commitment_advance, name="commitment_advance"),
    path("commitments/<int:pk>/milestones/", views.commitment_milestone_add, name="commitment_milestone_add"),
    path("commitment-milestones/<int:pk>/done/", views.commitment_milestone_done, name="commitment_milestone_done"),
]
