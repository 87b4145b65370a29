"""Sharing pages mounted at /opendata/."""

app_name = "sharing_opendata"
urlpatterns: list = []
