"""Payments models, one module per aggregate: orders (orders, payment attempts, callbacks),
finance (refunds, statements, reconciliation), receipts (财政电子票据)."""

from tongban.payments.models.finance import *  # noqa: F403
from tongban.payments.models.orders import *  # noqa: F403
from tongban.payments.models.receipts import *  # noqa: F403
