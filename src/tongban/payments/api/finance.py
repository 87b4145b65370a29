"""Payments API: finance (财务) — orders of one's units, refunds, reconciliation, dashboard.

Session authentication (``django_auth``, CSRF enforced), staff with the finance permissions
of ``tongban.payments.permissions_finance`` in the order's / difference's org unit; rows of
other units answer 404 as if they did not exist. Amounts are integer fen.

* ``GET  /finance/orders`` · ``GET /finance/orders/{code}`` — orders with payments and refunds.
* ``POST /finance/refunds`` — request a refund (``order_code``, ``amount``, ``reason``).
* ``GET  /finance/refunds`` · ``GET /finance/refunds/{refund_no}``.
* ``POST /finance/refunds/{refund_no}/approve`` · ``/reject`` — the second person decides.
* ``GET  /finance/reconciliation/runs`` · ``POST`` (reconcile a channel's day now) ·
  ``GET /finance/reconciliation/runs/{id}`` · ``GET …/{id}/items`` (the report).
* ``POST /finance/reconciliation/items/{id}/resolve`` — resolve a difference with a note.
* ``POST /finance/statements`` — upload a channel's statement file (multipart).
* ``GET  /finance/dashboard`` — totals per day and department.

Error codes: ``tongban.payments.errors_finance.FinanceError`` (stable), plus
``permission_denied`` / ``not_authenticated`` from core.
"""

import datetime

from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from ninja.security import django_auth

from tongban.core.permissions import require_perm
from tongban.core.schemas import ErrorOut
from tongban.payments import selectors_finance
from tongban.payments.errors_finance import FinanceError, error
from tongban.payments.models import ReconciliationRun
from tongban.payments.permissions_finance import (
    PAYMENTS_APPROVE_REFUND,
    PAYMENTS_REQUEST_REFUND,
    PAYMENTS_RESOLVE_DIFFERENCE,
    PAYMENTS_RUN_RECONCILIATION,
    PAYMENTS_VIEW_FINANCE,
)
from tongban.payments.services import reconciliation, refunds, statements

router = Router(tags=["payments: finance"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
MAX_STATEMENT_BYTES = 200 * 1024 * 1024


# --- schemas ------------------------------------------------------------------------------------
class PaymentOut(Schema):
    trade_no: str
    channel: str
    channel_trade_no: str
    amount: int
    status: str
    settles_order: bool
    flag: str
    paid_at: datetime.datetime | None


class RefundOut(Schema):
    refund_no: str
    order_code: str
    trade_no: str
    kind: str
    status: str
    status_label: str
    amount: int = Field(..., description="分")
    reason: str
    requested_by: str
    decided_by: str
    decision_note: str
    channel_refund_no: str
    failure_message: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    completed_at: datetime.datetime | None

    @staticmethod
    def resolve_order_code(obj) -> str:
        return obj.order.code

    @staticmethod
    def resolve_trade_no(obj) -> str:
        return obj.payment.trade_no

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return obj.requested_by_name

    @staticmethod
    def resolve_decided_by(obj) -> str:
        return obj.decided_by_name


class OrderOut(Schema):
    code: str
    title: str
    org_unit: str
    payer_name: str
    amount: int
    paid_amount: int
    status: str
    status_label: str
    reference: str
    created_at: datetime.datetime
    paid_at: datetime.datetime | None

    @staticmethod
    def resolve_org_unit(obj) -> str:
        return obj.org_unit.full_name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class OrderDetailOut(OrderOut):
    items: list[dict]
    refundable_amount: int = Field(..., description="还可退的金额（分）")
    payments: list[PaymentOut]
    refunds: list[RefundOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items or [])

    @staticmethod
    def resolve_refundable_amount(obj) -> int:
        return refunds.refundable_amount(obj)

    @staticmethod
    def resolve_payments(obj) -> list:
        return list(obj.payments.order_by("created_at", "pk"))

    @staticmethod
    def resolve_refunds(obj) -> list:
        return list(obj.refunds.select_related("order", "payment").order_by("created_at", "pk"))


class RefundIn(Schema):
    order_code: str = Field(..., max_length=32, description="缴款码")
    amount: int = Field(..., description="退款金额（分），全额或部分")
    reason: str = Field(..., max_length=400)
    trade_no: str | None = Field(
        None,
        max_length=32,
        description="退哪一笔支付（默认：缴清订单的那笔；或唯一一笔金额不符的支付）",
    )


class DecisionIn(Schema):
    note: str = Field("", max_length=400, description="复核意见（驳回时必填）")


class OutcomeOut(Schema):
    count: int
    platform_amount: int
    channel_amount: int
    open: int


class RunOut(Schema):
    id: int
    channel: str
    statement_date: datetime.date
    status: str
    error_code: str
    error_message: str
    started_by: str
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    statement_rows: int | None
    statement_sm3: str | None
    summary: dict[str, OutcomeOut] = Field(
        ...,
        description="matched / missing_at_platform / missing_at_channel / amount_mismatch "
        "(only the reader's units)",
    )

    @staticmethod
    def resolve_started_by(obj) -> str:
        return obj.started_by_name

    @staticmethod
    def resolve_statement_rows(obj) -> int | None:
        return obj.statement.row_count if obj.statement_id else None

    @staticmethod
    def resolve_statement_sm3(obj) -> str | None:
        return obj.statement.sm3 if obj.statement_id else None

    @staticmethod
    def resolve_summary(obj, context) -> dict:
        summary = reconciliation.run_summary(obj, context["request"].user)
        return {str(kind): values for kind, values in summary.items()}


class RunIn(Schema):
    channel: str = Field(..., description="wechat | alipay | unionpay")
    date: datetime.date = Field(..., description="账单日期（今天以前）")


class ItemOut(Schema):
    id: int
    run_id: int
    kind: str
    kind_label: str
    status: str
    record_type: str
    org_unit: str | None
    trade_no: str
    payment_code: str
    platform_amount: int | None
    channel_amount: int | None
    fee: int
    resolution_note: str
    resolved_by: str
    resolved_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_org_unit(obj) -> str | None:
        return obj.org_unit.full_name if obj.org_unit_id else None

    @staticmethod
    def resolve_resolved_by(obj) -> str:
        return obj.resolved_by_name


class ItemFilter(Schema):
    kind: str | None = None
    status: str | None = None


class ResolveIn(Schema):
    note: str = Field(..., max_length=1000)


class OrderFilter(Schema):
    q: str = ""
    status: str = ""


class RefundFilter(Schema):
    status: str = ""


class StatementOut(Schema):
    id: int
    channel: str
    statement_date: datetime.date
    file_name: str
    sm3: str
    row_count: int
    total_amount: int
    total_fee: int


class DayOut(Schema):
    day: datetime.date
    paid_count: int
    paid_amount: int
    refunded_count: int
    refunded_amount: int
    net_amount: int
    open_differences: int


class UnitOut(Schema):
    org_unit: str
    paid_count: int
    paid_amount: int
    refunded_amount: int
    net_amount: int
    open_differences: int

    @staticmethod
    def resolve_org_unit(obj) -> str:
        return obj.org_unit.full_name


class DashboardOut(Schema):
    start: datetime.date
    end: datetime.date
    paid_amount: int
    refunded_amount: int
    net_amount: int
    open_differences: int
    days: list[DayOut]
    units: list[UnitOut]


class DashboardFilter(Schema):
    end: datetime.date | None = None
    days: int = Field(14, ge=1, le=selectors_finance.MAX_DAYS)
    org_unit_id: int | None = None


# --- orders ---------------------------------------------------------------------------------------
@router.get(
    "/finance/orders",
    response={200: list[OrderOut], **ERRORS},
    operation_id="payments_list_finance_orders",
    summary="本单位缴费订单（按缴款码、业务编号、缴款人检索）",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
@paginate(PageNumberPagination, page_size=50)
def list_orders(request, filters: Query[OrderFilter]):
    return selectors_finance.search_orders(request.user, q=filters.q, status=filters.status)


@router.get(
    "/finance/orders/{code}",
    response={200: OrderDetailOut, **ERRORS},
    operation_id="payments_get_finance_order",
    summary="缴费订单详情（支付流水、退款、可退金额）",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
def get_order(request, code: str):
    return refunds.access_order(request.user, code)


# --- refunds --------------------------------------------------------------------------------------
@router.post(
    "/finance/refunds",
    response={201: RefundOut, **ERRORS},
    operation_id="payments_request_refund",
    summary="申请退款（全额或部分，须另一名财务人员复核）",
)
@require_perm(PAYMENTS_REQUEST_REFUND)
def request_refund(request, payload: RefundIn):
    order = refunds.access_order(request.user, payload.order_code, PAYMENTS_REQUEST_REFUND)
    refund = refunds.request_refund(
        order,
        actor=request.user,
        amount=payload.amount,
        reason=payload.reason,
        trade_no=payload.trade_no,
    )
    return Status(201, refund)


@router.get(
    "/finance/refunds",
    response={200: list[RefundOut], **ERRORS},
    operation_id="payments_list_refunds",
    summary="本单位退款（可按状态筛选）",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
@paginate(PageNumberPagination, page_size=50)
def list_refunds(request, filters: Query[RefundFilter]):
    rows = refunds.refunds_for(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-created_at", "-pk")


@router.get(
    "/finance/refunds/{refund_no}",
    response={200: RefundOut, **ERRORS},
    operation_id="payments_get_refund",
    summary="退款详情",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
def get_refund(request, refund_no: str):
    return refunds.access_refund(request.user, refund_no)


@router.post(
    "/finance/refunds/{refund_no}/approve",
    response={200: RefundOut, **ERRORS},
    operation_id="payments_approve_refund",
    summary="复核通过退款（申请人本人不能复核），随后提交渠道",
)
@require_perm(PAYMENTS_APPROVE_REFUND)
def approve_refund(request, refund_no: str, payload: DecisionIn):
    refund = refunds.access_refund(request.user, refund_no, PAYMENTS_APPROVE_REFUND)
    return refunds.approve_refund(refund, actor=request.user, note=payload.note)


@router.post(
    "/finance/refunds/{refund_no}/reject",
    response={200: RefundOut, **ERRORS},
    operation_id="payments_reject_refund",
    summary="驳回退款申请（须填写意见）",
)
@require_perm(PAYMENTS_APPROVE_REFUND)
def reject_refund(request, refund_no: str, payload: DecisionIn):
    refund = refunds.access_refund(request.user, refund_no, PAYMENTS_APPROVE_REFUND)
    return refunds.reject_refund(refund, actor=request.user, note=payload.note)


# --- reconciliation --------------------------------------------------------------------------------
@router.get(
    "/finance/reconciliation/runs",
    response={200: list[RunOut], **ERRORS},
    operation_id="payments_list_reconciliation_runs",
    summary="对账批次（每渠道每日一次；汇总只含本单位的记录）",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
@paginate(PageNumberPagination, page_size=30)
def list_runs(request):
    return ReconciliationRun.objects.select_related("statement").order_by(
        "-statement_date", "channel", "-pk"
    )


@router.post(
    "/finance/reconciliation/runs",
    response={201: RunOut, **ERRORS},
    operation_id="payments_run_reconciliation",
    summary="立即获取渠道对账单并对账（已完成的返回原批次）",
)
@require_perm(PAYMENTS_RUN_RECONCILIATION)
def run_reconciliation(request, payload: RunIn):
    run = reconciliation.reconcile(payload.channel, payload.date, actor=request.user)
    return Status(201, run)


@router.get(
    "/finance/reconciliation/runs/{run_id}",
    response={200: RunOut, **ERRORS},
    operation_id="payments_get_reconciliation_run",
    summary="对账批次详情与汇总",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
def get_run(request, run_id: int):
    return reconciliation.access_run(run_id)


@router.get(
    "/finance/reconciliation/runs/{run_id}/items",
    response={200: list[ItemOut], **ERRORS},
    operation_id="payments_list_reconciliation_items",
    summary="对账报告：一致、平台无记录、渠道无记录、金额不符（本单位）",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
@paginate(PageNumberPagination, page_size=100)
def list_items(request, run_id: int, filters: Query[ItemFilter]):
    run = reconciliation.access_run(run_id)
    items = (
        reconciliation.items_for(request.user).filter(run=run).select_related("org_unit__parent")
    )
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.status:
        items = items.filter(status=filters.status)
    return items.order_by("pk")


@router.post(
    "/finance/reconciliation/items/{item_id}/resolve",
    response={200: ItemOut, **ERRORS},
    operation_id="payments_resolve_reconciliation_item",
    summary="处理对账差异（填写说明，记入审计）",
)
@require_perm(PAYMENTS_RESOLVE_DIFFERENCE)
def resolve_item(request, item_id: int, payload: ResolveIn):
    item = reconciliation.access_item(request.user, item_id, PAYMENTS_RESOLVE_DIFFERENCE)
    return reconciliation.resolve_item(item, actor=request.user, note=payload.note)


@router.post(
    "/finance/statements",
    response={201: StatementOut, **ERRORS},
    operation_id="payments_upload_statement",
    summary="上传渠道对账单（银行柜台等以文件交付的渠道）；格式错误时整份拒收",
)
@require_perm(PAYMENTS_RUN_RECONCILIATION)
def upload_statement(
    request,
    channel: Form[str],
    date: Form[datetime.date],
    file: File[UploadedFile],
):
    if file.size is not None and file.size > MAX_STATEMENT_BYTES:
        raise error(FinanceError.STATEMENT_MALFORMED, field="file", message="文件过大")
    reconciliation.check_day(channel, date)
    statement = statements.import_statement(
        channel, date, file.read(), file_name=file.name or "", actor=request.user
    )
    return Status(201, statement)


# --- dashboard --------------------------------------------------------------------------------------
@router.get(
    "/finance/dashboard",
    response={200: DashboardOut, **ERRORS},
    operation_id="payments_get_finance_dashboard",
    summary="收缴看板：按日、按单位的收款、退款与未处理差异",
)
@require_perm(PAYMENTS_VIEW_FINANCE)
def get_dashboard(request, filters: Query[DashboardFilter]):
    board = selectors_finance.dashboard(
        request.user, end=filters.end, days=filters.days, org_unit_id=filters.org_unit_id
    )
    return board
