"""Payments pages mounted at /pay/sim/."""

app_name = "payments_simulator"
urlpatterns: list = []
