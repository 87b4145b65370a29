"""Service-desk pages mounted at /my/workorders/."""

app_name = "servicedesk_workorders"
urlpatterns: list = []
