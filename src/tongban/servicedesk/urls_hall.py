"""Service-desk pages mounted at /hall/."""

app_name = "servicedesk_hall"
urlpatterns: list = []
