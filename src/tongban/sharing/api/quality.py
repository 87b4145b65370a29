"""Data quality and error reports API (数据治理、数据纠错) — staff sessions.

- ``GET /quality/resources/{code}`` — the resource's effective rules and latest report
  (``sharing.view_quality``: the provider's admins, the platform).
- ``POST /corrections`` — report a data error (``sharing.report_correction``; the reporting
  department must hold an active grant on the resource);
  ``GET /corrections?side=reporter|provider``, ``GET /corrections/{number}``.
- ``POST /corrections/{number}/accept`` / ``reject`` (reason required) / ``correct`` (note
  required) — the provider; ``POST /corrections/{number}/confirm`` — the reporter.

- ``GET /metrics?since=&until=`` — every department's sharing metrics
  (``selectors_metrics``; ``sharing.view_metrics``: platform operator, auditor).

Error codes: 400 ``correction_description_required``, ``correction_record_required``,
``correction_reason_required``, ``item_unknown``; 403 ``permission_denied``,
``correction_not_allowed``; 404 ``resource_not_found``, ``correction_not_found``; 409
``correction_illegal_transition``.
"""

import datetime
from typing import Any

from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from tongban.core import permissions as core_permissions
from tongban.core.permissions import require_perm
from tongban.core.schemas import ErrorOut
from tongban.sharing import selectors, selectors_metrics
from tongban.sharing.errors_exchange import ExchangeError as X
from tongban.sharing.errors_exchange import error
from tongban.sharing.models import CorrectionReport, Grant
from tongban.sharing.permissions_quality import SHARING_REPORT_CORRECTION, SHARING_VIEW_METRICS
from tongban.sharing.services import corrections, quality

router = Router(tags=["sharing: quality"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ReportOut(Schema):
    checked_at: datetime.datetime
    rows_checked: int
    rows_failed: int
    rows_checkable: bool
    fresh: bool | None
    last_updated_at: datetime.datetime | None
    results: list[dict[str, Any]]


class QualityOut(Schema):
    resource: str
    rules: list[dict[str, Any]]
    report: ReportOut | None


class CorrectionIn(Schema):
    resource: str
    record_key: str = Field(..., max_length=200)
    item_key: str = Field("", max_length=64)
    description: str = Field(..., max_length=5000)
    suggested_value: str = Field("", max_length=200)


class TextIn(Schema):
    reason: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)


class CorrectionOut(Schema):
    number: str
    resource: str
    provider: str
    reporter_unit: str
    record_key: str
    item_key: str
    description: str
    suggested_value: str
    status: str
    due_on: datetime.date | None
    escalated: bool
    answer_reason: str
    correction_note: str
    created_at: datetime.datetime


class CorrectionPageOut(Schema):
    count: int
    page: int
    items: list[CorrectionOut]


class CorrectionFilterIn(Schema):
    side: str = Field("reporter", description="reporter | provider")
    status: str = ""
    page: int = Field(1, ge=1)


def correction_out(r: CorrectionReport) -> dict:
    return {
        "number": r.number,
        "resource": r.resource.code,
        "provider": r.provider.full_name,
        "reporter_unit": r.reporter_unit.full_name,
        "record_key": r.record_key,
        "item_key": r.item_key,
        "description": r.description,
        "suggested_value": r.suggested_value,
        "status": r.status,
        "due_on": r.due_on,
        "escalated": r.escalated_at is not None,
        "answer_reason": r.answer_reason,
        "correction_note": r.correction_note,
        "created_at": r.created_at,
    }


@router.get(
    "/quality/resources/{code}",
    response={200: QualityOut, **ERRORS},
    operation_id="sharing_get_quality",
    summary="资源的质量规则和最近一次质量报告",
)
def get_quality(request, code: str):
    resource = quality.access_resource(request.user, code)
    return {
        "resource": resource.code,
        "rules": quality.effective_rules(resource),
        "report": quality.latest_report(resource),
    }


@router.get(
    "/corrections",
    response={200: CorrectionPageOut, **ERRORS},
    operation_id="sharing_list_corrections",
    summary="本部门报告的或收到的数据纠错",
)
def list_corrections(request, filters: Query[CorrectionFilterIn]):
    qs = (
        corrections.as_provider(request.user)
        if filters.side == "provider"
        else corrections.as_reporter(request.user)
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    start = (filters.page - 1) * 50
    return {
        "count": qs.count(),
        "page": filters.page,
        "items": [correction_out(r) for r in qs[start : start + 50]],
    }


@router.post(
    "/corrections",
    response={201: CorrectionOut, **ERRORS},
    operation_id="sharing_report_correction",
    summary="报告数据错误（数据纠错）",
)
def report_correction(request, payload: CorrectionIn):
    resource = selectors.access_resource(request.user, payload.resource)
    units = core_permissions.units_for(request.user, SHARING_REPORT_CORRECTION)
    grant = (
        Grant.objects.filter(resource=resource, consumer_unit__in=units, status=Grant.Status.ACTIVE)
        .select_related("consumer_unit")
        .first()
    )
    if grant is None:
        raise error(X.CORRECTION_NOT_ALLOWED)
    report = corrections.report_error(
        actor=request.user,
        resource=resource,
        reporter_unit=grant.consumer_unit,
        record_key=payload.record_key,
        item_key=payload.item_key,
        description=payload.description,
        suggested_value=payload.suggested_value,
    )
    return Status(201, correction_out(report))


@router.get(
    "/corrections/{number}",
    response={200: CorrectionOut, **ERRORS},
    operation_id="sharing_get_correction",
    summary="查看数据纠错",
)
def get_correction(request, number: str):
    return correction_out(corrections.access_report(request.user, number))


def _act(request, number, action):
    report = corrections.access_report(request.user, number)
    action(report)
    return correction_out(corrections.access_report(request.user, number))


@router.post(
    "/corrections/{number}/accept",
    response={200: CorrectionOut, **ERRORS},
    operation_id="sharing_accept_correction",
    summary="提供方受理纠错",
)
def accept_correction(request, number: str, payload: TextIn | None = None):
    reason = payload.reason if payload else ""
    return _act(
        request, number, lambda r: corrections.accept(actor=request.user, report=r, reason=reason)
    )


@router.post(
    "/corrections/{number}/reject",
    response={200: CorrectionOut, **ERRORS},
    operation_id="sharing_reject_correction",
    summary="提供方不予更正（须说明理由）",
)
def reject_correction(request, number: str, payload: TextIn):
    return _act(
        request,
        number,
        lambda r: corrections.reject(actor=request.user, report=r, reason=payload.reason),
    )


@router.post(
    "/corrections/{number}/correct",
    response={200: CorrectionOut, **ERRORS},
    operation_id="sharing_correct_correction",
    summary="提供方登记已更正",
)
def correct_correction(request, number: str, payload: TextIn):
    return _act(
        request,
        number,
        lambda r: corrections.correct(actor=request.user, report=r, note=payload.note),
    )


@router.post(
    "/corrections/{number}/confirm",
    response={200: CorrectionOut, **ERRORS},
    operation_id="sharing_confirm_correction",
    summary="报告部门确认已更正",
)
def confirm_correction(request, number: str):
    return _act(request, number, lambda r: corrections.confirm(actor=request.user, report=r))


class MetricsOut(Schema):
    unit: str
    unit_name: str
    catalogued: int = Field(..., description="编目资源数（已发布）")
    provided: int = Field(..., description="已提供资源数（可共享且有数据）")
    sharing_rate: float | None = Field(None, description="信息共享率 = provided ÷ catalogued")
    decided: int = Field(..., description="提供方或仲裁决定的申请数")
    turnaround_average: float | None = Field(None, description="平均办理用时（工作日）")
    turnaround_median: float | None
    turnaround_max: int | None
    open_overdue: int = Field(..., description="逾期未决的申请")
    decided_late: int = Field(..., description="超期决定的申请")


class MetricsFilterIn(Schema):
    since: datetime.date | None = None
    until: datetime.date | None = None


@router.get(
    "/metrics",
    response={200: list[MetricsOut], **ERRORS},
    operation_id="sharing_list_metrics",
    summary="各部门的共享指标",
)
@require_perm(SHARING_VIEW_METRICS)
def list_metrics(request, filters: Query[MetricsFilterIn]):
    rows = selectors_metrics.all_department_metrics(since=filters.since, until=filters.until)
    return [m.as_dict() for m in rows]
