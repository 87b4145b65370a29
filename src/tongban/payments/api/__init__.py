"""Payments API, mounted at /api/v1/payments/."""

from ninja import Router

from tongban.payments.api import finance, orders, receipts

router = Router(tags=["payments"])
router.add_router("", orders.router)
router.add_router("", finance.router)
router.add_router("", receipts.router)
