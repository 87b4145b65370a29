"""Reads of 12345 work orders, always within the reader's reach.

* citizens: their own orders (``submitter``);
* the 12345 centre: orders of its city (``hotline_unit``, ``servicedesk.dispatch_work_order``);
* departments: orders dispatched to their units (``org_unit``, ``servicedesk.handle_work_order``)
  — a returned order leaves the department's list at once.

Rows out of reach are "not found" (404), never "forbidden", so numbers cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q

from tongban.core.models import OrgUnit
from tongban.core.permissions import SERVICEDESK_HANDLE_WORK_ORDER, restrict, units_for
from tongban.servicedesk.errors_workorders import WorkOrderError, error
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.permissions_workorders import SERVICEDESK_DISPATCH_WORK_ORDER

_RELATED = ("hotline_unit", "org_unit__parent", "suggested_unit__parent", "master")

HOTLINE_FILTERS = {
    "todo": Q(status=WorkOrder.Status.ACCEPTED),
    "in_progress": Q(status=WorkOrder.Status.DISPATCHED),
    "replied": Q(status=WorkOrder.Status.REPLIED),
    "callback": Q(
        status__in=(WorkOrder.Status.CONCLUDED, WorkOrder.Status.RATED), called_back_at__isnull=True
    ),
    "supervised": Q(is_supervised=True, status__in=WorkOrder.OPEN_STATUSES),
    "linked": Q(status=WorkOrder.Status.LINKED),
    "all": Q(),
}


def citizen_orders(user):
    if not getattr(user, "is_authenticated", False):
        return WorkOrder.objects.none()
    return WorkOrder.objects.filter(submitter=user).select_related(*_RELATED)


def citizen_order(user, number: str) -> WorkOrder:
    try:
        return citizen_orders(user).get(number=number)
    except WorkOrder.DoesNotExist:
        raise error(WorkOrderError.NOT_FOUND) from None


def hotline_orders(user, status_filter: str = "all", query: str = ""):
    queryset = restrict(
        WorkOrder.objects.select_related(*_RELATED),
        user,
        SERVICEDESK_DISPATCH_WORK_ORDER,
        field="hotline_unit",
    ).filter(HOTLINE_FILTERS.get(status_filter, Q()))
    query = (query or "").strip()
    if query:
        queryset = queryset.filter(
            Q(number__icontains=query) | Q(title__icontains=query) | Q(contact_mobile=query)
        )
    return queryset.order_by("deadline", "accepted_at", "id")


def hotline_order(user, number: str) -> WorkOrder:
    try:
        return hotline_orders(user).get(number=number)
    except WorkOrder.DoesNotExist:
        raise error(WorkOrderError.NOT_FOUND) from None


def department_orders(user, *, open_only: bool = False):
    queryset = restrict(
        WorkOrder.objects.select_related(*_RELATED), user, SERVICEDESK_HANDLE_WORK_ORDER
    ).exclude(status=WorkOrder.Status.LINKED)
    if open_only:
        queryset = queryset.filter(status=WorkOrder.Status.DISPATCHED)
    return queryset.order_by("deadline", "accepted_at", "id")


def department_order(user, number: str) -> WorkOrder:
    try:
        return restrict(
            WorkOrder.objects.select_related(*_RELATED), user, SERVICEDESK_HANDLE_WORK_ORDER
        ).get(number=number)
    except WorkOrder.DoesNotExist:
        raise error(WorkOrderError.NOT_FOUND) from None


def department_choices(hotline_unit: OrgUnit):
    """Active departments of the centre's city and its counties, city first."""
    return (
        OrgUnit.objects.filter(
            path__startswith=hotline_unit.path, kind=OrgUnit.Kind.DEPARTMENT, is_active=True
        )
        .select_related("parent")
        .order_by("path")
    )


def timeline(order: WorkOrder):
    return list(order.events.all())


def linked_orders(order: WorkOrder):
    return list(order.duplicates.order_by("accepted_at", "id"))


def hotline_units(user):
    return units_for(user, SERVICEDESK_DISPATCH_WORK_ORDER)


def department_units(user):
    return units_for(user, SERVICEDESK_HANDLE_WORK_ORDER)
