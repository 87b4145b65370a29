"""Permissions of fiscal electronic receipts (财政电子票据).

* ``payments.view_receipt`` — 财务人员, 审计员: the receipts their units issued (staff API
  ``GET /api/v1/payments/receipts``), with the payer's details unmasked.

Payers need no permission: "我的票据" shows a person their own receipts only
(``services.receipts.receipts_of``), and the public verification needs 票据代码 + 号码 + 校验码.
"""

from tongban.core.permissions import Role, register_permissions

PAYMENTS_VIEW_RECEIPT = "payments.view_receipt"

GRANTS = {
    Role.FINANCE: [PAYMENTS_VIEW_RECEIPT],
    Role.AUDITOR: [PAYMENTS_VIEW_RECEIPT],
}


def register() -> None:
    register_permissions(GRANTS)


register()  # at import time too, so modules importing the constant see a complete table
