"""Service-desk pages mounted at /help/: the Q&A assistant (智能问答)."""

from django.urls import path

from tongban.servicedesk.views import help as views

app_name = "servicedesk_help"
urlpatterns = [
    path("", views.help_page, name="help"),
    path("answers/<uuid:answer_id>/feedback/", views.answer_feedback, name="answer_feedback"),
    path("answers/<uuid:answer_id>/human/", views.answer_human, name="answer_human"),
]
