from django.urls import path

from luoshi.units import views

urlpatterns = [
    path("system/units/", views.unit_list, name="unit_list"),
    path("system/units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("system/units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("system/areas/", views.area_list, name="area_list"),
    path("system/areas/<int:pk>/", views.area_edit, name="area_edit"),
]
