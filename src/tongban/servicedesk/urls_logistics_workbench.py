"""Service-desk pages mounted at /workbench/deliveries/."""

app_name = "servicedesk_logistics_workbench"
urlpatterns: list = []
