"""Service-desk pages mounted at /help/."""

app_name = "servicedesk_help"
urlpatterns: list = []
