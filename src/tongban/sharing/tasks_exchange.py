"""Background tasks of exchange jobs (django-tasks).

``run_due_exchanges`` starts the runs of subscriptions that are due and sends the webhook
retries that are due (``services.exchange.run_due``); ``settings.PERIODIC_TASKS`` runs it
every minute; ``run_exchange`` starts one subscription's run at once ("立即交付"). Runs are
claimed atomically, so overlapping workers never deliver twice.
"""

from django_tasks import task

from tongban.sharing.services import exchange

PERIODIC_TASKS = {"tongban.sharing.tasks_exchange.run_due_exchanges": 60}


@task()
def run_due_exchanges() -> dict:
    return exchange.run_due()


@task()
def run_exchange(subscription_id: int) -> dict | None:
    run = exchange.run_subscription(subscription_id)
    if run is None:
        return None
    return {"run": run.pk, "status": run.status, "rows": run.rows}
