from django.urls import path

from luoshi.leaders import views

urlpatterns = [
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("instructions/new/", views.instruction_new, name="instruction_new"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/document/", views.instruction_document, name="instruction_document"),
    path("instructions/<int:pk>/reply/draft/", views.reply_draft, name="instruction_reply_draft"),
    path("instructions/<int:pk>/reply/review/", views.reply_review, name="instruction_reply_review"),
    path("instructions/<int:pk>/reply/send/", views.reply_send, name="instruction_reply_send"),
    path("leaders/portfolios/", views.portfolios, name="leader_portfolios"),
    path("leaders/portfolios/<int:pk>/end/", views.portfolio_end, name="leader_portfolio_end"),
]
