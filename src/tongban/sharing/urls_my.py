"""Sharing pages mounted at /my/data-usage/."""

app_name = "sharing_my"
urlpatterns: list = []
