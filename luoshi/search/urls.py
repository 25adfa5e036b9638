from django.urls import path

from luoshi.search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
