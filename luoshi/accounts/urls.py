from django.urls import path

from luoshi.accounts import views

urlpatterns = [
    path("login/code/", views.login_totp, name="login_totp"),
    path("login/oidc/", views.oidc_login, name="oidc_login"),
    path("login/oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-step/", views.totp_setup, name="totp_setup"),
    path("account/contact/", views.account_contact, name="account_contact"),
    path("security/accounts/", views.account_list, name="account_list"),
    path("security/accounts/new/", views.account_create, name="account_create"),
    path("security/accounts/<int:pk>/", views.account_detail, name="account_detail"),
    # Before the actions below, whose <slug:action> would take "contact" too.
    path("security/accounts/<int:pk>/contact/", views.account_contact_edit, name="account_contact_edit"),
    path("security/accounts/<int:pk>/sign-on/", views.account_sign_on, name="account_sign_on"),
    path("security/accounts/<int:pk>/<slug:action>/", views.account_action, name="account_action"),
    path("security/approvals/", views.account_requests, name="account_requests"),
    path("security/approvals/<int:pk>/<slug:decision>/", views.account_request_decide, name="account_request_decide"),
]
