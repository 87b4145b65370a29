"""Sharing pages mounted at /data/: the government information resource catalogue."""

from django.urls import path

from tongban.sharing.views import catalogue

app_name = "sharing_catalogue"
urlpatterns: list = [
    path("", catalogue.resource_list, name="list"),
    path("<str:code>/", catalogue.resource_detail, name="detail"),
]
