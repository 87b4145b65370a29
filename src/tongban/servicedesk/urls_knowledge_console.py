"""Service-desk pages mounted at /console/knowledge/: the FAQ entries of the Q&A assistant."""

from django.urls import path

from tongban.servicedesk.views import knowledge as views

app_name = "servicedesk_knowledge_console"
urlpatterns = [
    path("", views.faq_list, name="faq_list"),
    path("new/", views.faq_create, name="faq_create"),
    path("<int:pk>/", views.faq_edit, name="faq_edit"),
    path("<int:pk>/retire/", views.faq_retire, name="faq_retire"),
]
