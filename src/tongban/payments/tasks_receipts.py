"""Background tasks of receipts (django-tasks).

``issue_missing_receipts`` issues the receipt of every succeeded order that has none — the
safety net behind the ``transaction.on_commit`` hook that normally issues it at once (a worker
restart between the commit and the hook, a refused signature) — and the reversal receipt
(红字票据) of every succeeded refund of a receipted payment that has none. Idempotent;
scheduled in ``settings.PERIODIC_TASKS``::

    "tongban.payments.tasks_receipts.issue_missing_receipts": 600,
"""

from django_tasks import task

from tongban.payments.services import receipt_reversals, receipts


@task()
def issue_missing_receipts() -> dict:
    return {
        "issued": receipts.issue_missing_receipts(actor="worker"),
        "reversed": receipt_reversals.issue_missing_reversals(actor="worker"),
    }
