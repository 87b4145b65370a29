"""Payments pages mounted at /my/receipts/: "我的票据", the payer's own receipts."""

from django.urls import path

from tongban.payments.views import receipts

app_name = "payments_receipts"
urlpatterns = [
    path("", receipts.receipt_list, name="receipt_list"),
    path("<str:code>/<str:number>/", receipts.receipt_detail, name="receipt_detail"),
    path("<str:code>/<str:number>/pdf/", receipts.receipt_pdf_download, name="receipt_pdf"),
    path("<str:code>/<str:number>/bundle/", receipts.receipt_bundle, name="receipt_bundle"),
]
