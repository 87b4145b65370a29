"""Payments pages mounted at /my/receipts/."""

app_name = "payments_receipts"
urlpatterns: list = []
