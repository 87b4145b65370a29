"""Background tasks of data sharing (django-tasks).

``escalate_overdue_share_requests`` sends requests the provider has not answered within 10
working days to the platform operator (协调、仲裁). Idempotent; listed in
``settings.PERIODIC_TASKS`` (hourly).
"""

from django_tasks import task

from tongban.sharing.services import requests

PERIODIC_TASKS = {"tongban.sharing.tasks.escalate_overdue_share_requests": 3600}


@task()
def escalate_overdue_share_requests() -> dict:
    return {"escalated": requests.escalate_overdue_requests()}
