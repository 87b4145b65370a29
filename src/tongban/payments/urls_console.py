"""Payments pages mounted at /console/payments/."""

app_name = "payments_console"
urlpatterns: list = []
