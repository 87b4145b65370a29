"""Payments pages mounted at /console/payments/: the finance console (财务)."""

from django.urls import path

from tongban.payments.views import finance, finance_reconciliation

app_name = "payments_console"
urlpatterns = [
    path("", finance.dashboard, name="dashboard"),
    path("orders/", finance.order_list, name="order_list"),
    path("orders/<str:code>/", finance.order_detail, name="order_detail"),
    path("orders/<str:code>/refund/", finance.refund_request, name="refund_request"),
    path("refunds/", finance.refund_list, name="refund_list"),
    path("refunds/<str:refund_no>/", finance.refund_detail, name="refund_detail"),
    path("refunds/<str:refund_no>/decide/", finance.refund_decide, name="refund_decide"),
    path("reconciliation/", finance_reconciliation.run_list, name="run_list"),
    path("reconciliation/run/", finance_reconciliation.run_start, name="run_start"),
    path(
        "reconciliation/upload/", finance_reconciliation.statement_upload, name="statement_upload"
    ),
    path("reconciliation/<int:run_id>/", finance_reconciliation.run_detail, name="run_detail"),
    path(
        "reconciliation/<int:run_id>/export.csv",
        finance_reconciliation.run_export,
        name="run_export",
    ),
    path(
        "reconciliation/items/<int:item_id>/resolve/",
        finance_reconciliation.item_resolve,
        name="item_resolve",
    ),
]
