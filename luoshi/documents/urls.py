from django.urls import path

from luoshi.documents import views

urlpatterns = [
    path("documents/", views.documents, name="documents"),
    path("documents/bulletin.docx", views.bulletin_docx, name="bulletin_docx"),
    path("documents/stocktake.docx", views.stocktake_docx, name="stocktake_docx"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_minutes_docx, name="meeting_minutes_docx"),
    path("meetings/<int:pk>/look-back.docx", views.meeting_look_back_docx, name="meeting_look_back_docx"),
]
