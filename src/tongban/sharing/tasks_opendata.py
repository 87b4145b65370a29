"""Background tasks of uploaded datasets (django-tasks).

``run_dataset_import`` runs one queued import (``services.imports.run_import``); it is
enqueued after the upload's transaction commits. ``sweep_dataset_imports`` fails imports
whose worker died and re-queues forgotten ones; ``settings.PERIODIC_TASKS`` runs it every
10 minutes.
"""

from django_tasks import task

from tongban.sharing.services import imports

PERIODIC_TASKS = {"tongban.sharing.tasks_opendata.sweep_dataset_imports": 600}


@task()
def run_dataset_import(job_id: int) -> dict | None:
    job = imports.run_import(job_id)
    if job is None:
        return None
    return {"job": job.pk, "status": job.status, "rows_read": job.rows_read}


@task()
def sweep_dataset_imports() -> dict:
    return {"touched": imports.sweep_stale_imports()}
