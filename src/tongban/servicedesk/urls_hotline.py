"""Service-desk pages mounted at /workbench/workorders/."""

app_name = "servicedesk_hotline"
urlpatterns: list = []
