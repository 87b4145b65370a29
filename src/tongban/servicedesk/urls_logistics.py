"""Service-desk pages mounted at /my/deliveries/."""

app_name = "servicedesk_logistics"
urlpatterns: list = []
