"""Console pages for operators: OIDC clients (mount at ``console/oidc/``)."""

from django.urls import path

from tongban.identity.oidc import views

app_name = "oidc_console"
urlpatterns = [
    path("", views.client_list, name="client_list"),
    path("new/", views.client_create, name="client_create"),
    path("<str:client_id>/", views.client_detail, name="client_detail"),
    path("<str:client_id>/rotate-secret/", views.client_rotate_secret, name="client_rotate_secret"),
]
