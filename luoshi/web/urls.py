from django.contrib.auth import views as auth_views
from django.urls import include, path

from luoshi.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("stocktake/tasks/<int:pk>/instruction/", views.write_instruction, name="write_instruction"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
]
