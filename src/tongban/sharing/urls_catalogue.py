"""Sharing pages mounted at /data/."""

app_name = "sharing_catalogue"
urlpatterns: list = []
