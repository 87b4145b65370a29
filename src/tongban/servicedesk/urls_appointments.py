"""Service-desk pages mounted at /my/appointments/."""

app_name = "servicedesk_appointments"
urlpatterns: list = []
