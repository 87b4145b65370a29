"""Refunds (退款): requested by finance staff, approved by a second person, executed through the
channel adapter; automatic refund records for late callbacks. (Contract; being implemented.)"""


def record_automatic_refund(payment, *, reason: str):
    """Called inside the callback transaction when money arrives for an order that can no
    longer take it (expired, cancelled, already paid): records a refund of the whole payment.
    Returns the Refund."""
    raise NotImplementedError
