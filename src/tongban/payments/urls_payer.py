"""Payments pages mounted at /my/payments/."""

app_name = "payments_payer"
urlpatterns: list = []
