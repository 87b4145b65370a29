"""Background tasks of the licences app (django-tasks).

``expire_licences`` moves valid licences whose ``valid_to`` has passed to ``expired``. It is
idempotent (a second run the same day finds nothing), so ``tongban worker`` may run it hourly;
add it to ``settings.PERIODIC_TASKS``::

    "tongban.licences.tasks.expire_licences": 3600,
"""

from django_tasks import task

from tongban.licences.services import revocation

PERIODIC_TASKS = {"tongban.licences.tasks.expire_licences": 3600}


@task()
def expire_licences() -> dict:
    return {"expired": revocation.expire_due_licences()}
