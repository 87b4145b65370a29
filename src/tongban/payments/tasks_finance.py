"""Background tasks of payments finance (django-tasks).

- ``submit_refund(refund_id)``: enqueued on commit when a refund is approved; sends it to the
  channel (one worker wins the claim ``approved → submitted``).
- ``reconcile_statements()`` (periodic, ``settings.PERIODIC_TASKS``): for every configured
  channel and each of the last ``PAYMENTS_RECONCILE_DAYS`` days before today that has no
  completed run, fetch the statement and reconcile it; a channel that has not delivered yet
  or a malformed file leaves a failed run (visible in the console) and is tried again next
  time. Also re-submits approved refunds whose enqueue was lost.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from tongban.core.exceptions import DomainError
from tongban.payments.models import ReconciliationRun
from tongban.payments.services import reconciliation, refunds

WORKER = "worker"


@task()
def submit_refund(refund_id: int) -> str | None:
    refund = refunds.submit_refund(refund_id, actor=WORKER)
    return refund.status if refund is not None else None


def _channels() -> list[str]:
    from tongban.payments.channels.base import adapters

    return [adapter.key for adapter in adapters()]


def reconcile_recent_days(today=None) -> dict:
    """The work of ``reconcile_statements`` (callable without the task machinery)."""
    today = today or timezone.localdate()
    days = max(1, int(getattr(settings, "PAYMENTS_RECONCILE_DAYS", 3)))
    result = {"completed": [], "failed": []}
    for channel in _channels():
        for back in range(days, 0, -1):
            day = today - timedelta(days=back)
            if ReconciliationRun.objects.filter(
                channel=channel, statement_date=day, status=ReconciliationRun.Status.COMPLETED
            ).exists():
                continue
            try:
                run = reconciliation.reconcile(channel, day, actor=WORKER)
            except DomainError as exc:
                reconciliation.record_failed_run(channel, day, exc, actor=WORKER)
                result["failed"].append(f"{channel} {day}: {exc.code}")
            else:
                result["completed"].append(f"{channel} {day}: run {run.pk}")
    result["refunds_resubmitted"] = refunds.submit_approved_refunds()
    return result


@task()
def reconcile_statements() -> dict:
    return reconcile_recent_days()
