"""Consumers' error reports (数据纠错), routed to the providing department — a closed loop
with deadlines::

    reported ──accept──▶ accepted ──correct──▶ corrected ──confirm──▶ confirmed
        └──reject (with reasons)──▶ rejected

A department holding an active grant on a resource reports an error in one record (its key,
optionally the item, a description and the value it believes right). The provider answers
— accepts or rejects with reasons — within ``SHARING_CORRECTION_ANSWER_WORKING_DAYS``
working days (core calendar) and corrects an accepted report within
``SHARING_CORRECTION_FIX_WORKING_DAYS`` more; the reporter confirms the correction. An open
report past its ``due_on`` is escalated to the platform operator (``escalate_overdue``,
periodic); it stays with the provider, the operator follows it up. Every change is audited
(``sharing.correction_*``); record keys are masked in the audit data.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core import audit, calendar, masking
from tongban.core import permissions as core_permissions
from tongban.sharing import permissions
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error as sharing_error
from tongban.sharing.errors_exchange import ExchangeError as X
from tongban.sharing.errors_exchange import error
from tongban.sharing.models import CorrectionReport, Grant, Resource
from tongban.sharing.permissions_quality import (
    SHARING_ANSWER_CORRECTION,
    SHARING_REPORT_CORRECTION,
)

S = CorrectionReport.Status


def answer_days() -> int:
    return int(getattr(settings, "SHARING_CORRECTION_ANSWER_WORKING_DAYS", 5))


def fix_days() -> int:
    return int(getattr(settings, "SHARING_CORRECTION_FIX_WORKING_DAYS", 10))


def _text(value, code, field, limit) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise error(code, field=field)
    return value


def _data(report: CorrectionReport, **extra) -> dict:
    key = report.resource.lookup_key or "key"
    return {
        "number": report.number,
        "resource": report.resource.code,
        "record_key": masking.mask_data({key: report.record_key})[key],
        "status": report.status,
        **extra,
    }


def report_error(
    *,
    actor,
    resource: Resource,
    reporter_unit,
    record_key: str,
    description: str,
    item_key: str = "",
    suggested_value: str = "",
) -> CorrectionReport:
    core_permissions.check_perm(actor, SHARING_REPORT_CORRECTION, reporter_unit)
    if not Grant.objects.filter(
        resource=resource,
        consumer_unit=reporter_unit,
        status=Grant.Status.ACTIVE,
        expires_on__gte=timezone.localdate(),
    ).exists():
        raise error(X.CORRECTION_NOT_ALLOWED)
    record_key = _text(record_key, X.CORRECTION_RECORD_REQUIRED, "record_key", 64)
    description = _text(description, X.CORRECTION_DESCRIPTION_REQUIRED, "description", 1000)
    item_key = (item_key or "").strip()
    if item_key and item_key not in set(resource.item_keys()):
        raise sharing_error(E.ITEM_UNKNOWN, field="item_key")
    suggested_value = (suggested_value or "").strip()[:200]
    today = timezone.localdate()
    with transaction.atomic():
        report = CorrectionReport.objects.create(
            number=f"JC{today:%Y%m%d}{secrets.token_hex(3).upper()}",
            resource=resource,
            provider=resource.provider,
            reporter_unit=reporter_unit,
            reporter=actor if getattr(actor, "pk", None) else None,
            record_key=record_key,
            item_key=item_key,
            description=description,
            suggested_value=suggested_value,
            due_on=calendar.add_working_days(today, answer_days()),
        )
        audit.record(
            "sharing.correction_reported",
            actor=actor,
            target=report,
            org_unit=resource.provider,
            data=_data(
                report,
                reporter_unit=reporter_unit.code,
                item_key=item_key,
                due_on=report.due_on.isoformat(),
            ),
        )
    return report


def _claim(report: CorrectionReport, from_status, to_status, **fields) -> None:
    updated = CorrectionReport.objects.filter(pk=report.pk, status=from_status).update(
        status=to_status, **fields
    )
    if updated != 1:
        raise error(X.CORRECTION_ILLEGAL_TRANSITION)
    report.refresh_from_db()


def _check_provider(actor, report) -> None:
    core_permissions.check_perm(actor, SHARING_ANSWER_CORRECTION, report.provider)


def accept(*, actor, report: CorrectionReport, reason: str = "") -> CorrectionReport:
    _check_provider(actor, report)
    reason = (reason or "").strip()[:1000]
    today = timezone.localdate()
    with transaction.atomic():
        _claim(
            report,
            S.REPORTED,
            S.ACCEPTED,
            answer_reason=reason,
            answered_at=timezone.now(),
            due_on=calendar.add_working_days(today, fix_days()),
        )
        audit.record(
            "sharing.correction_accepted",
            actor=actor,
            target=report,
            org_unit=report.provider,
            data=_data(report, reason=reason, due_on=report.due_on.isoformat()),
        )
    return report


def reject(*, actor, report: CorrectionReport, reason: str) -> CorrectionReport:
    _check_provider(actor, report)
    reason = _text(reason, X.CORRECTION_REASON_REQUIRED, "reason", 1000)
    with transaction.atomic():
        _claim(report, S.REPORTED, S.REJECTED, answer_reason=reason, answered_at=timezone.now())
        audit.record(
            "sharing.correction_rejected",
            actor=actor,
            target=report,
            org_unit=report.provider,
            data=_data(report, reason=reason),
        )
    return report


def correct(*, actor, report: CorrectionReport, note: str) -> CorrectionReport:
    _check_provider(actor, report)
    note = _text(note, X.CORRECTION_REASON_REQUIRED, "note", 1000)
    with transaction.atomic():
        _claim(report, S.ACCEPTED, S.CORRECTED, correction_note=note, corrected_at=timezone.now())
        audit.record(
            "sharing.correction_corrected",
            actor=actor,
            target=report,
            org_unit=report.provider,
            data=_data(report, note=note),
        )
    return report


def confirm(*, actor, report: CorrectionReport) -> CorrectionReport:
    core_permissions.check_perm(actor, SHARING_REPORT_CORRECTION, report.reporter_unit)
    with transaction.atomic():
        _claim(report, S.CORRECTED, S.CONFIRMED, confirmed_at=timezone.now())
        audit.record(
            "sharing.correction_confirmed",
            actor=actor,
            target=report,
            org_unit=report.provider,
            data=_data(report),
        )
    return report


def escalate_overdue(*, today: date | None = None) -> int:
    """Open reports past their ``due_on`` (not yet escalated) go to the platform operator."""
    today = today or timezone.localdate()
    count = 0
    overdue = CorrectionReport.objects.filter(
        status__in=CorrectionReport.OPEN, due_on__lt=today, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            claimed = CorrectionReport.objects.filter(
                pk=pk, status__in=CorrectionReport.OPEN, escalated_at__isnull=True
            ).update(escalated_at=timezone.now())
            if claimed != 1:
                continue
            report = CorrectionReport.objects.select_related("resource", "provider").get(pk=pk)
            audit.record(
                "sharing.correction_escalated",
                actor=None,
                target=report,
                org_unit=report.provider,
                data=_data(
                    report,
                    due_on=report.due_on.isoformat(),
                    working_days_overdue=calendar.working_days_between(report.due_on, today),
                ),
            )
            count += 1
    return count


# --- reading -----------------------------------------------------------------------------------
def _qs():
    return CorrectionReport.objects.select_related(
        "resource", "provider", "provider__parent", "reporter_unit", "reporter_unit__parent"
    )


def as_provider(user):
    return core_permissions.restrict(_qs(), user, SHARING_ANSWER_CORRECTION, field="provider")


def as_reporter(user):
    return core_permissions.restrict(_qs(), user, SHARING_REPORT_CORRECTION, field="reporter_unit")


def escalated(user):
    if not core_permissions.has_perm(user, permissions.SHARING_ARBITRATE_SHARE):
        return CorrectionReport.objects.none()
    return _qs().filter(escalated_at__isnull=False, status__in=CorrectionReport.OPEN)


def access_report(user, number: str) -> CorrectionReport:
    """A report the user may see: either side, or the platform operator."""
    report = (
        as_provider(user).filter(number=number).first()
        or as_reporter(user).filter(number=number).first()
    )
    if report is None and core_permissions.has_perm(user, permissions.SHARING_ARBITRATE_SHARE):
        report = _qs().filter(number=number).first()
    if report is None:
        raise error(X.CORRECTION_NOT_FOUND)
    return report
