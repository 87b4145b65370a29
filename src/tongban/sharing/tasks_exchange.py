"""Background tasks of exchange jobs (django-tasks).

``run_due_exchanges`` starts the runs of subscriptions that are due and sends the webhook
retries that are due (``services.exchange.run_due``); ``settings.PERIODIC_TASKS`` runs it
every minute. Runs are claimed atomically, so overlapping workers never deliver twice.
"""

from django_tasks import task

from tongban.sharing.services import exchange

PERIODIC_TASKS = {"tongban.sharing.tasks_exchange.run_due_exchanges": 60}


@task()
def run_due_exchanges() -> dict:
    return exchange.run_due()
