"""Notices about work orders: site messages now, SMS to the caller after commit.

Citizens get a ``WorkOrderNotice`` (when they filed online) and an SMS to the contact mobile;
departments and the 12345 centre get unit notices shown in their workbench. Texts carry the
order number and no personal data.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from tongban.servicedesk.models import WorkOrder, WorkOrderNotice

logger = logging.getLogger(__name__)

SMS_PURPOSE = "work_order"


def _send_sms_after_commit(mobile: str, text: str) -> None:
    def send():
        from tongban.identity.sms import send_sms

        try:
            with transaction.atomic():
                send_sms(mobile, text, purpose=SMS_PURPOSE)
        except Exception:  # noqa: BLE001 - an SMS outage must not undo the order's change
            logger.exception("work order SMS failed")

    transaction.on_commit(send)


def notify_submitter(order: WorkOrder, text: str) -> None:
    if order.submitter_id:
        WorkOrderNotice.objects.create(order=order, user_id=order.submitter_id, text=text[:500])
    mobile = order.contact_mobile or (order.submitter.mobile if order.submitter_id else "")
    if mobile:
        _send_sms_after_commit(mobile, text)


def notify_unit(order: WorkOrder, unit, text: str) -> None:
    if unit is not None:
        WorkOrderNotice.objects.create(order=order, org_unit=unit, text=text[:500])


def unit_notices(units, limit: int = 20):
    return (
        WorkOrderNotice.objects.filter(org_unit__in=units, read_at__isnull=True)
        .select_related("order")
        .order_by("-created_at", "-id")[:limit]
    )


def citizen_notices(user, limit: int = 20):
    return WorkOrderNotice.objects.filter(user=user, read_at__isnull=True).select_related("order")[
        :limit
    ]


def mark_read(order: WorkOrder, *, user=None, units=None) -> int:
    """Mark the order's notices to ``user`` or to ``units`` read (the reader opened it)."""
    notices = WorkOrderNotice.objects.filter(order=order, read_at__isnull=True)
    if user is not None:
        notices = notices.filter(user=user)
    elif units is not None:
        notices = notices.filter(org_unit__in=units)
    else:
        return 0
    return notices.update(read_at=timezone.now())
