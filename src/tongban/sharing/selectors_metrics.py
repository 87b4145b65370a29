"""Sharing metrics per department (the metrics hook, issue §5), computed from records.

Definitions (per providing department ``unit``, ``today`` = the local date):

* **Information sharing rate (信息共享率)** = provided ÷ catalogued, where
  *catalogued* = the department's **published** resources (its entries in the sharing
  catalogue; drafts are not yet catalogued, retired ones no longer are), and *provided* = those
  of them that are shareable (share type 无条件 or 有条件, not 不予共享) **and** actually have
  data behind them: a registry; an uploaded dataset with an accepted current version; a
  provider HTTP API with its address set. ``None`` when nothing is catalogued.
* **Request turnaround (申请办理用时)** = working days (core calendar,
  ``working_days_between(created, decided)``) from a request's submission to its decision,
  over the requests to the department's resources decided by the provider or by
  arbitration (unconditional requests granted at once by the platform are left out: they
  take no one's time), optionally only those decided within ``[since, until]``. Reported as
  count, average, median and maximum.
* **Overdue requests (逾期申请)** = *open overdue*: requests still undecided past their
  ``due_on`` (submitted past due, or escalated to the operator) on ``today``; and *decided
  late*: decided requests whose decision day is after their ``due_on``.

``department_metrics(unit)`` returns one ``DepartmentMetrics``; ``all_department_metrics()``
those of every department that provides a resource or received a request.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from tongban.core import calendar
from tongban.core.models import OrgUnit
from tongban.sharing.models import DatasetVersion, Resource, ShareRequest


@dataclass
class DepartmentMetrics:
    unit: OrgUnit
    catalogued: int
    provided: int
    sharing_rate: float | None
    decided: int
    turnaround_average: float | None
    turnaround_median: float | None
    turnaround_max: int | None
    open_overdue: int
    decided_late: int

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.code,
            "unit_name": self.unit.full_name,
            "catalogued": self.catalogued,
            "provided": self.provided,
            "sharing_rate": self.sharing_rate,
            "decided": self.decided,
            "turnaround_average": self.turnaround_average,
            "turnaround_median": self.turnaround_median,
            "turnaround_max": self.turnaround_max,
            "open_overdue": self.open_overdue,
            "decided_late": self.decided_late,
        }


def _provided(resources) -> int:
    with_data = set(
        DatasetVersion.objects.filter(
            resource__in=resources, is_current=True, status=DatasetVersion.Status.ACCEPTED
        ).values_list("resource_id", flat=True)
    )
    count = 0
    for resource in resources:
        if resource.share_type == Resource.ShareType.NONE:
            continue
        if resource.backing == Resource.Backing.DATASET and resource.pk not in with_data:
            continue
        if resource.backing == Resource.Backing.HTTP_API and not resource.api_url:
            continue
        count += 1
    return count


def department_metrics(
    unit: OrgUnit,
    *,
    today: date | None = None,
    since: date | None = None,
    until: date | None = None,
) -> DepartmentMetrics:
    today = today or timezone.localdate()
    resources = list(Resource.objects.filter(provider=unit, status=Resource.Status.PUBLISHED))
    catalogued = len(resources)
    provided = _provided(resources)
    requests = ShareRequest.objects.filter(resource__provider=unit)
    decided = requests.filter(
        decided_by_kind__in=[ShareRequest.DecidedBy.PROVIDER, ShareRequest.DecidedBy.ARBITRATION],
        decided_at__isnull=False,
    ).values_list("created_at", "decided_at", "due_on")
    days, late = [], 0
    for created_at, decided_at, due_on in decided:
        decided_on = timezone.localtime(decided_at).date()
        if since and decided_on < since or until and decided_on > until:
            continue
        days.append(
            calendar.working_days_between(timezone.localtime(created_at).date(), decided_on)
        )
        if due_on and decided_on > due_on:
            late += 1
    open_overdue = requests.filter(
        Q(status=ShareRequest.Status.ESCALATED)
        | Q(status=ShareRequest.Status.SUBMITTED, due_on__lt=today)
    ).count()
    return DepartmentMetrics(
        unit=unit,
        catalogued=catalogued,
        provided=provided,
        sharing_rate=provided / catalogued if catalogued else None,
        decided=len(days),
        turnaround_average=sum(days) / len(days) if days else None,
        turnaround_median=float(statistics.median(days)) if days else None,
        turnaround_max=max(days) if days else None,
        open_overdue=open_overdue,
        decided_late=late,
    )


def all_department_metrics(*, today=None, since=None, until=None) -> list[DepartmentMetrics]:
    ids = set(
        Resource.objects.exclude(status=Resource.Status.RETIRED).values_list(
            "provider_id", flat=True
        )
    ) | set(ShareRequest.objects.values_list("resource__provider_id", flat=True))
    units = OrgUnit.objects.filter(pk__in=ids).select_related("parent").order_by("code")
    return [department_metrics(u, today=today, since=since, until=until) for u in units]
