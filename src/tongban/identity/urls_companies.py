from django.urls import path

from tongban.identity.views import companies as views

app_name = "companies"
urlpatterns = [
    path("", views.company_list, name="company_list"),
    path("bind/", views.company_bind, name="company_bind"),
    path("<str:uscc>/", views.company_detail, name="company_detail"),
    path("<str:uscc>/agents/new/", views.agent_add, name="agent_add"),
    path(
        "<str:uscc>/agents/<int:authorisation_id>/revoke/", views.agent_revoke, name="agent_revoke"
    ),
]
