from django.urls import path

from luoshi.notifications import views

urlpatterns = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/read/", views.mark_all_read, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.mark_one_read, name="notification_read"),
    path("notifications/preferences/", views.preferences, name="notification_preferences"),
    path("notifications/webhooks/", views.webhooks, name="webhooks"),
    path("notifications/webhooks/<int:pk>/active/", views.webhook_active, name="webhook_active"),
    path("notifications/deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
