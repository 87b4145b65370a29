"""Payments pages mounted at /receipts/verify/."""

app_name = "payments_receipt_verify"
urlpatterns: list = []
