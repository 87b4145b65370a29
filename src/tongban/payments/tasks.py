"""Background tasks of payments orders (django-tasks).

Periodic (``settings.PERIODIC_TASKS``, added in the payments section of the settings):

* ``expire_orders`` — every 5 minutes: orders past their deadline become ``expired``;
* ``retry_order_webhooks`` — every minute: due retries of webhooks to department systems;
* ``send_simulated_callbacks`` — every 10 seconds, only with simulators: delayed or retried
  callbacks of the built-in channel simulators.

On demand (enqueued after commit): ``deliver_order_webhook``, ``deliver_simulated_callback``.
"""

from django_tasks import task

from tongban.payments.services import orders, webhooks


@task()
def expire_orders() -> int:
    return orders.expire_due_orders()


@task()
def deliver_order_webhook(delivery_id: int) -> dict | None:
    delivery = webhooks.attempt_delivery(delivery_id)
    if delivery is None:
        return None
    return {"status": delivery.status, "attempts": delivery.attempts}


@task()
def retry_order_webhooks() -> dict:
    return webhooks.retry_due_deliveries()


@task()
def deliver_simulated_callback(callback_id: int) -> dict | None:
    from tongban.payments.channels import simulator

    row = simulator.deliver(callback_id)
    if row is None:
        return None
    return {"state": row.state, "code": row.response_code}


@task()
def send_simulated_callbacks() -> int:
    from django.conf import settings

    from tongban.payments.channels import simulator

    if not getattr(settings, "SIMULATORS_ENABLED", False):
        return 0
    return simulator.deliver_due()
