from django.urls import path

from luoshi.ledgers import views

urlpatterns = [
    path("ledgers/import/", views.ledger_import, name="ledger_import"),
    path("ledgers/import/<int:pk>/", views.ledger_import_review, name="ledger_import_review"),
    path("ledgers/import/<int:pk>/confirm/", views.ledger_import_confirm, name="ledger_import_confirm"),
]
