"""Fiscal electronic receipts (财政电子票据). (Contract; being implemented.)"""


def issue_receipt(order, *, actor):
    """Issue the signed receipt of a successfully paid order (idempotent: an order has at
    most one receipt). Called from ``transaction.on_commit`` after the order succeeds."""
    raise NotImplementedError
