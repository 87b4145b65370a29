"""Sharing pages mounted at /workbench/sharing/."""

app_name = "sharing_workbench"
urlpatterns: list = []
