"""Service-desk pages mounted at /courier/sim/."""

app_name = "servicedesk_courier_sim"
urlpatterns: list = []
