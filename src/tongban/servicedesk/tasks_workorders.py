"""Background tasks of 12345 work orders.

``escalate_overdue_work_orders`` runs every 15 minutes (``settings.PERIODIC_TASKS``): open
orders past their deadline get the 督办 flag once, with an audit event and notices to the
department and the 12345 centre.
"""

from django_tasks import task

from tongban.servicedesk.services import workorders


@task()
def escalate_overdue_work_orders() -> list[str]:
    """Flag the overdue orders not yet escalated; returns their numbers."""
    return workorders.escalate_overdue_work_orders()
