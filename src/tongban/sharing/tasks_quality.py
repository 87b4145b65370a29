"""Background tasks of data quality and error reports (django-tasks).

``run_quality_checks`` checks every published resource against its rules (daily);
``escalate_overdue_corrections`` sends error reports the provider has not answered or
corrected by their deadline to the platform operator (hourly). Both are idempotent and
listed in ``settings.PERIODIC_TASKS``.
"""

from django_tasks import task

from tongban.sharing.services import corrections, quality

PERIODIC_TASKS = {
    "tongban.sharing.tasks_quality.run_quality_checks": 86400,
    "tongban.sharing.tasks_quality.escalate_overdue_corrections": 3600,
}


@task()
def run_quality_checks() -> dict:
    return {"checked": quality.run_all_checks()}


@task()
def run_quality_check(resource_id: int) -> dict:
    from tongban.sharing.models import Resource

    resource = Resource.objects.filter(pk=resource_id).select_related("provider").first()
    if resource is None:
        return {"checked": 0}
    report = quality.run_check(resource)
    return {"checked": 1, "report": report.pk}


@task()
def escalate_overdue_corrections() -> dict:
    return {"escalated": corrections.escalate_overdue()}
