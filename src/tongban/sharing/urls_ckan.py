"""Sharing pages mounted at /api/3/action/."""

app_name = "sharing_ckan"
urlpatterns: list = []
