"""Sharing pages mounted at /my/data-usage/."""

from django.urls import path

from tongban.sharing.views import my

app_name = "sharing_my"
urlpatterns: list = [
    path("", my.data_usage, name="data_usage"),
]
