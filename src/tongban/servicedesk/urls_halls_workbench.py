"""Service-desk pages mounted at /workbench/halls/."""

app_name = "servicedesk_halls_workbench"
urlpatterns: list = []
