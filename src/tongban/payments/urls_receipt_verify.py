"""Payments pages mounted at /receipts/verify/: public verification of receipts (no login)."""

from django.urls import path

from tongban.payments.views import receipts

app_name = "payments_receipt_verify"
urlpatterns = [
    path("", receipts.verify_form, name="receipt_verify_form"),
    path(
        "<str:code>/<str:number>/<str:check_code>/",
        receipts.verify_result,
        name="receipt_verify_result",
    ),
]
