"""Service-desk pages mounted at /open311/v2/."""

app_name = "servicedesk_open311"
urlpatterns: list = []
