"""Sharing pages mounted at /console/sharing/."""

app_name = "sharing_console"
urlpatterns: list = []
