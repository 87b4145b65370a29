"""Permissions of payments finance (财务): refunds, reconciliation, the finance console.

* ``payments.view_finance`` — 财务人员, 审计员: the finance console of their units (orders with
  payments and refunds, reconciliation reports, the dashboard).
* ``payments.request_refund`` — 财务人员: ask for a refund of a paid order, with a reason.
* ``payments.approve_refund`` — 财务人员: approve or reject another person's refund request
  (four-eyes: never one's own).
* ``payments.resolve_difference`` — 财务人员: resolve a reconciliation difference with a note.
* ``payments.run_reconciliation`` — 财务人员, 平台运营: fetch a channel's statement and
  reconcile a day now (the worker does it every day anyway).

All are held in org units: a finance officer of 广州市公安局 acts on that department's orders
only (``restrict``/``has_perm_in`` on the order's ``org_unit``).
"""

from tongban.core.permissions import Role, register_permissions

PAYMENTS_VIEW_FINANCE = "payments.view_finance"
PAYMENTS_REQUEST_REFUND = "payments.request_refund"
PAYMENTS_APPROVE_REFUND = "payments.approve_refund"
PAYMENTS_RESOLVE_DIFFERENCE = "payments.resolve_difference"
PAYMENTS_RUN_RECONCILIATION = "payments.run_reconciliation"

GRANTS = {
    Role.FINANCE: [
        PAYMENTS_VIEW_FINANCE,
        PAYMENTS_REQUEST_REFUND,
        PAYMENTS_APPROVE_REFUND,
        PAYMENTS_RESOLVE_DIFFERENCE,
        PAYMENTS_RUN_RECONCILIATION,
    ],
    Role.AUDITOR: [PAYMENTS_VIEW_FINANCE],
    Role.OPERATOR: [PAYMENTS_RUN_RECONCILIATION],
}


def register() -> None:
    register_permissions(GRANTS)


def register_tools() -> None:
    """Console cards of the finance pages (called from ``PaymentsConfig.ready``)."""
    from django.utils.translation import gettext_lazy as _

    from tongban.core.views_areas import Tool, register_tool

    cards = [
        ("payments_console:order_list", _("缴费订单"), _("本单位缴费订单查询：支付流水、退款")),
        (
            "payments_console:refund_list",
            _("退款复核"),
            _("退款申请与复核（双人复核），查看退款进度"),
        ),
        (
            "payments_console:run_list",
            _("对账"),
            _("渠道对账单与平台流水核对，处理长款、短款和金额不符"),
        ),
        ("payments_console:dashboard", _("收缴看板"), _("按单位、按日的收款、退款与对账差异")),
    ]
    for url_name, title, description in cards:
        register_tool("console", Tool(url_name, title, description, PAYMENTS_VIEW_FINANCE))


register()  # at import time too, so modules importing the constants see a complete table
