"""好差评 and rectification API (mounted at /api/v1/cases/).

* ``POST /cases/{number}/evaluation`` — the applicant rates a concluded case once.
* ``GET  /cases/{number}/evaluation`` — the applicant's rating of their case.
* ``GET  /rectifications`` — staff: rectification items of their units (paginated).
* ``GET  /rectifications/{id}``, ``POST /rectifications/{id}/callback``,
  ``POST /rectifications/{id}/close`` — staff of the department.

Session authentication; the same service functions as the pages. Error codes:
``tongban.cases.errors_evaluation.Errors`` plus ``not_found`` / ``permission_denied`` /
``not_authenticated`` of ``tongban.core.permissions``.
"""

import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.cases.models import Evaluation, Rectification
from tongban.cases.selectors import evaluation as selectors
from tongban.cases.services import evaluation as services
from tongban.core.exceptions import NotFound
from tongban.core.masking import can_view_pii, mask_value, pii_checker
from tongban.core.permissions import CASES_VIEW_CASE, Errors, require_perm
from tongban.core.schemas import ErrorOut

router = Router(tags=["cases: evaluations"], auth=django_auth)


class EvaluationIn(Schema):
    level: int = Field(
        ..., description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意", examples=[2]
    )
    tags: list[str] = Field(
        default_factory=list,
        description="好评 (3–5): "
        + "、".join(Evaluation.GOOD_TAGS)
        + "; 差评 (1–2): "
        + "、".join(Evaluation.BAD_TAGS),
        examples=[["时间长"]],
    )
    comment: str = Field(
        "", description="at most 500 characters; a bad rating needs a tag or a comment"
    )


class EvaluationOut(Schema):
    case_number: str
    level: int
    level_label: str
    tags: list[str]
    comment: str
    created_at: datetime.datetime
    rectification_id: int | None = Field(None, description="the item opened by a bad rating")
    rectification_deadline: datetime.date | None = None


class RectificationOut(Schema):
    id: int
    case_number: str
    item_name: str
    applicant_name: str = Field(..., description="masked unless the caller may view PII")
    org_unit: str
    level: int
    level_label: str
    tags: list[str]
    comment: str
    rated_at: datetime.datetime
    status: str = Field(..., description="open | called_back | closed")
    deadline: datetime.date
    overdue: bool
    callback_note: str
    called_back_at: datetime.datetime | None
    result: str
    closed_at: datetime.datetime | None


class CallbackIn(Schema):
    note: str = Field(..., description="回访记录")


class CloseIn(Schema):
    result: str = Field(..., description="整改结果")


class RectificationFilter(Schema):
    status: str = Field("", description="open | called_back | closed")
    overdue: bool = Field(False, description="only open items past their deadline")


def _evaluation_out(evaluation: Evaluation) -> EvaluationOut:
    rectification = Rectification.objects.filter(evaluation=evaluation).first()
    return EvaluationOut(
        case_number=evaluation.case.number,
        level=evaluation.level,
        level_label=str(evaluation.get_level_display()),
        tags=list(evaluation.tags),
        comment=evaluation.comment,
        created_at=evaluation.created_at,
        rectification_id=rectification.pk if rectification else None,
        rectification_deadline=rectification.deadline if rectification else None,
    )


def _rectification_out(item: Rectification, user, today=None, visible=None) -> RectificationOut:
    evaluation = item.evaluation
    case = evaluation.case
    name = case.applicant_name
    shown = visible(item.org_unit_id) if visible else can_view_pii(user, item.org_unit)
    if not shown:
        name = mask_value("name", name)
    return RectificationOut(
        id=item.pk,
        case_number=case.number,
        item_name=case.implementation.item.name,
        applicant_name=name,
        org_unit=item.org_unit.full_name,
        level=evaluation.level,
        level_label=str(evaluation.get_level_display()),
        tags=list(evaluation.tags),
        comment=evaluation.comment,
        rated_at=evaluation.created_at,
        status=item.status,
        deadline=item.deadline,
        overdue=item.is_overdue(today),
        callback_note=item.callback_note,
        called_back_at=item.called_back_at,
        result=item.result,
        closed_at=item.closed_at,
    )


@router.post(
    "/cases/{number}/evaluation",
    response={
        201: EvaluationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    operation_id="cases_create_evaluation",
    summary="评价办件（好差评，办结后一次）",
)
def create_evaluation(request, number: str, payload: EvaluationIn):
    case = selectors.applicant_case(request.user, number)
    evaluation = services.rate_case(
        case, actor=request.user, level=payload.level, tags=payload.tags, comment=payload.comment
    )
    return Status(201, _evaluation_out(evaluation))


@router.get(
    "/cases/{number}/evaluation",
    response={200: EvaluationOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="cases_get_evaluation",
    summary="我对办件的评价",
)
def get_evaluation(request, number: str):
    case = selectors.applicant_case(request.user, number)
    evaluation = selectors.evaluation_of(case)
    if evaluation is None:
        raise NotFound(Errors.NOT_FOUND, "该办件尚未评价。")
    return _evaluation_out(evaluation)


@router.get(
    "/rectifications",
    response={200: list[RectificationOut], 401: ErrorOut, 403: ErrorOut},
    operation_id="cases_list_rectifications",
    summary="差评整改事项（本部门）",
)
@require_perm(CASES_VIEW_CASE)
@paginate(PageNumberPagination, page_size=50)
def list_rectifications(request, filters: Query[RectificationFilter]):
    today = timezone.localdate()
    items = selectors.rectifications_for(
        request.user, status=filters.status, overdue=filters.overdue, today=today
    )
    visible = pii_checker(request.user)
    return [_rectification_out(item, request.user, today, visible) for item in items]


@router.get(
    "/rectifications/{rectification_id}",
    response={200: RectificationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="cases_get_rectification",
    summary="整改事项详情",
)
@require_perm(CASES_VIEW_CASE)
def get_rectification(request, rectification_id: int):
    item = selectors.access_rectification(request.user, rectification_id)
    return _rectification_out(item, request.user)


@router.post(
    "/rectifications/{rectification_id}/callback",
    response={
        200: RectificationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    operation_id="cases_record_rectification_callback",
    summary="记录回访",
)
@require_perm(CASES_VIEW_CASE)
def record_callback(request, rectification_id: int, payload: CallbackIn):
    item = selectors.access_rectification(request.user, rectification_id)
    services.record_callback(item, actor=request.user, note=payload.note)
    return _rectification_out(selectors.access_rectification(request.user, item.pk), request.user)


@router.post(
    "/rectifications/{rectification_id}/close",
    response={
        200: RectificationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    operation_id="cases_close_rectification",
    summary="办结整改",
)
@require_perm(CASES_VIEW_CASE)
def close_rectification(request, rectification_id: int, payload: CloseIn):
    item = selectors.access_rectification(request.user, rectification_id)
    services.close_rectification(item, actor=request.user, result=payload.result)
    return _rectification_out(selectors.access_rectification(request.user, item.pk), request.user)
