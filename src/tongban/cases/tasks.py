"""Background tasks of the cases app (django-tasks).

``deliver_webhook`` makes one attempt of a webhook delivery (enqueued after the status
change commits); ``retry_webhook_deliveries`` sends the retries that are due — add it to
``settings.PERIODIC_TASKS`` (every minute) so ``tongban worker`` runs it.
"""

from django_tasks import task

from tongban.cases.services import webhooks

PERIODIC_TASKS = {"tongban.cases.tasks.retry_webhook_deliveries": 60}


@task()
def deliver_webhook(delivery_id: int) -> dict | None:
    delivery = webhooks.attempt_delivery(delivery_id)
    if delivery is None:
        return None
    return {
        "status": delivery.status,
        "attempts": delivery.attempts,
        "code": delivery.last_response_code,
    }


@task()
def retry_webhook_deliveries() -> dict:
    return webhooks.retry_due_deliveries()
