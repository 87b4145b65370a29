"""Staff workbench API — /api/v1/cases/workbench/.

Session authentication (``django_auth``, CSRF enforced) for staff holding
``cases.view_case``; the same selectors and lifecycle services as the pages. Cases outside the
caller's org units are ``404 not_found`` for reads and for every action.

Error codes (``{"code", "message", "field"}``):

- 401 ``not_authenticated``; 403 ``permission_denied`` (no workbench role, or the action
  needs a role the caller lacks in the case's or task's unit);
- 404 ``not_found`` (no such case or task within reach);
- 409 ``illegal_transition`` (wrong state), ``task_already_decided``, ``task_not_active``,
  ``eligibility_blocked`` (acceptance refused by the eligibility chain);
- 400 ``reason_required``, ``correction_items_required`` (一次性告知 lists at least one item),
  ``correction_item_invalid``, ``opinion_required`` (a denial needs an opinion);
- 422 request body/query shape errors (django-ninja validation).
"""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from tongban.cases.models import Case
from tongban.cases.selectors import workbench as wb
from tongban.cases.services import lifecycle
from tongban.cases.services import workbench as wb_services
from tongban.core.permissions import CASES_VIEW_CASE, require_perm
from tongban.core.schemas import ErrorOut

router = Router(tags=["cases: workbench"], auth=django_auth)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- schemas ---------------------------------------------------------------------------------
class QueueFilterIn(Schema):
    view: str = Field("", pattern="^(|todo|all)$", description="todo 待我办理 | all 全部")
    status: str = Field("", description="办件状态 (Case.Status)")
    item: int | None = Field(None, description="事项 ID")
    channel: str = Field("", pattern="^(|online|hall|mobile)$")
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    light: str = Field("", pattern="^(|green|yellow|red)$", description="时限红黄绿灯")
    q: str = Field("", max_length=64, description="办件编号或申请人")
    sort: str = Field("deadline", pattern="^(deadline|submitted|newest)$")
    page: int = Field(1, ge=1)
    per_page: int = Field(wb.PAGE_SIZE, ge=1, le=wb.MAX_PAGE_SIZE)


class TaskOut(Schema):
    id: int
    stage_position: int
    stage_name: str
    name: str
    org_unit: str
    status: str
    opinion: str = ""
    decided_at: datetime.datetime | None = None


class QueueItemOut(Schema):
    number: str
    item_name: str
    org_unit: str
    applicant_name: str = Field(..., description="脱敏（无个人信息查看权限时）")
    channel: str
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    promised_deadline: datetime.date | None
    remaining_working_days: int | None
    deadline_light: str | None = Field(None, description="green | yellow | red")
    active_tasks: list[TaskOut]


class QueueOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    items: list[QueueItemOut]


class FormValueOut(Schema):
    name: str
    label: str
    value: str
    source: str = Field(..., description="registry 政府核验 | applicant 本人填写")
    source_label: str


class MaterialOut(Schema):
    id: int
    name: str
    source: str
    original_name: str
    content_type: str
    size: int
    licence_ref: str
    download_url: str


class CorrectionOut(Schema):
    items: list[dict]
    note: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None


class HistoryOut(Schema):
    at: datetime.datetime
    event_type: str
    label: str
    actor: str
    detail: str


class WorkbenchCaseOut(Schema):
    number: str
    status: str
    status_label: str
    item_name: str
    org_unit: str
    channel: str
    applicant_name: str
    applicant_code: str
    pii_visible: bool
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    legal_deadline: datetime.date | None
    promised_deadline: datetime.date | None
    remaining_working_days: int | None
    deadline_light: str | None
    hall_visits: int
    decision_reason: str
    form: list[FormValueOut]
    materials: list[MaterialOut]
    tasks: list[TaskOut]
    corrections: list[CorrectionOut]
    warnings: list[dict] = Field(..., description="资格核查结果 {code, message, blocking}")
    history: list[HistoryOut]
    actions: list[str] = Field(..., description="按角色可执行的操作")


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class CorrectionItemIn(Schema):
    material: str = Field(..., max_length=200)
    problem: str = Field(..., max_length=1000)


class CorrectionIn(Schema):
    items: list[CorrectionItemIn] = Field(..., description="一次性告知：全部需补正的材料及问题")
    note: str = Field("", max_length=2000)


class DecisionIn(Schema):
    approve: bool
    opinion: str = Field("", max_length=2000)


class BatchAcceptIn(Schema):
    numbers: list[str] = Field(..., min_length=1, max_length=wb.MAX_PAGE_SIZE)


class BatchResultOut(Schema):
    number: str
    outcome: str = Field(..., description="accepted | refused")
    code: str
    message: str
    status: str


class BatchAcceptOut(Schema):
    accepted: int
    refused: int
    results: list[BatchResultOut]


# --- helpers ---------------------------------------------------------------------------------
def _task_out(task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        stage_position=task.stage_position,
        stage_name=task.stage_name,
        name=task.name,
        org_unit=task.org_unit.full_name,
        status=task.status,
        opinion=task.opinion,
        decided_at=task.decided_at,
    )


def _case_out(user, case: Case) -> WorkbenchCaseOut:
    data = wb.case_page_data(user, case)
    actions = sorted(data["actions"]) + [f"decide_task:{t.pk}" for t in data["decidable_tasks"]]
    return WorkbenchCaseOut(
        number=case.number,
        status=case.status,
        status_label=str(case.get_status_display()),
        item_name=case.implementation.item.name,
        org_unit=case.org_unit.full_name,
        channel=case.channel,
        applicant_name=data["applicant_name"],
        applicant_code=data["applicant_code"],
        pii_visible=data["pii_visible"],
        submitted_at=case.submitted_at,
        accepted_at=case.accepted_at,
        legal_deadline=case.legal_deadline,
        promised_deadline=case.promised_deadline,
        remaining_working_days=data["remaining"],
        deadline_light=data["light"],
        hall_visits=case.hall_visits,
        decision_reason=case.decision_reason,
        form=[FormValueOut(**vars(row)) for row in data["form_rows"]],
        materials=[
            MaterialOut(
                id=m.pk,
                name=m.name,
                source=m.source,
                original_name=m.original_name,
                content_type=m.content_type,
                size=m.size,
                licence_ref=m.licence_ref,
                download_url=m.download_url,
            )
            for m in data["materials"]
        ],
        tasks=[_task_out(t) for t in data["tasks"]],
        corrections=[
            CorrectionOut(
                items=n.items, note=n.note, created_at=n.created_at, resolved_at=n.resolved_at
            )
            for n in data["corrections"]
        ],
        warnings=[
            {k: w.get(k) for k in ("code", "message", "blocking")}
            for w in data["warnings"]
            if isinstance(w, dict)
        ],
        history=[
            HistoryOut(
                at=h["at"],
                event_type=h["event_type"],
                label=str(h["label"]),
                actor=h["actor"],
                detail=str(h["detail"]),
            )
            for h in data["history"]
        ],
        actions=actions,
    )


def _fresh(request, number: str) -> WorkbenchCaseOut:
    return _case_out(request.user, wb.access_workbench_case(request.user, number))


def _act(request, number: str, service, **fields) -> WorkbenchCaseOut:
    """Resolve the case within the user's reach, run the lifecycle ``service`` on it as the
    user (it checks the rules and audits), and answer with the case as it is now."""
    service(wb.access_workbench_case(request.user, number), actor=request.user, **fields)
    return _fresh(request, number)


# --- routes ----------------------------------------------------------------------------------
@router.get(
    "/queue",
    response={200: QueueOut, 401: ErrorOut, 403: ErrorOut},
    operation_id="cases_list_queue",
    summary="办件队列（按部门和机构，可筛选、搜索，按剩余时限排序）",
)
@require_perm(CASES_VIEW_CASE)
def list_queue(request, filters: Query[QueueFilterIn]):
    query = wb.QueueFilters(
        view=filters.view,
        status=filters.status,
        item=filters.item,
        channel=filters.channel,
        submitted_from=filters.submitted_from,
        submitted_to=filters.submitted_to,
        light=filters.light,
        q=filters.q,
        sort=filters.sort,
    )
    page = wb.queue_page(request.user, query, page=filters.page, per_page=filters.per_page)
    items = [
        QueueItemOut(
            number=row.case.number,
            item_name=row.case.implementation.item.name,
            org_unit=row.case.org_unit.full_name,
            applicant_name=row.applicant_name,
            channel=row.case.channel,
            status=row.case.status,
            status_label=str(row.case.get_status_display()),
            submitted_at=row.case.submitted_at,
            promised_deadline=row.case.promised_deadline,
            remaining_working_days=row.remaining,
            deadline_light=row.light,
            active_tasks=[_task_out(t) for t in row.active_tasks],
        )
        for row in wb.queue_rows(request.user, page.object_list)
    ]
    return QueueOut(
        count=page.paginator.count,
        page=page.number,
        pages=page.paginator.num_pages,
        per_page=page.paginator.per_page,
        items=items,
    )


@router.get(
    "/cases/{number}",
    response={200: WorkbenchCaseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="cases_get_workbench_case",
    summary="办件详情（表单、材料、审查任务、补正告知、办理记录、可执行操作）",
)
@require_perm(CASES_VIEW_CASE)
def get_case(request, number: str):
    return _fresh(request, number)


@router.post(
    "/cases/{number}/accept",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_accept_case",
    summary="受理",
)
@require_perm(CASES_VIEW_CASE)
def accept(request, number: str):
    return _act(request, number, lifecycle.accept_case)


@router.post(
    "/cases/{number}/reject",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_reject_case",
    summary="不予受理（须写明理由）",
)
@require_perm(CASES_VIEW_CASE)
def reject(request, number: str, payload: ReasonIn):
    return _act(request, number, lifecycle.reject_case, reason=payload.reason)


@router.post(
    "/cases/{number}/corrections",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_request_correction",
    summary="一次性告知补正（列明全部材料及问题）",
)
@require_perm(CASES_VIEW_CASE)
def request_correction(request, number: str, payload: CorrectionIn):
    items = [item.dict() for item in payload.items]
    return _act(request, number, lifecycle.request_correction, items=items, note=payload.note)


@router.post(
    "/cases/{number}/suspend",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_suspend_case",
    summary="进入特别程序（听证、专家评审、检验检测等，不计时）",
)
@require_perm(CASES_VIEW_CASE)
def suspend(request, number: str, payload: ReasonIn):
    return _act(request, number, lifecycle.suspend_case, reason=payload.reason)


@router.post(
    "/cases/{number}/resume",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_resume_case",
    summary="结束特别程序，恢复计时",
)
@require_perm(CASES_VIEW_CASE)
def resume(request, number: str):
    return _act(request, number, lifecycle.resume_case)


@router.post(
    "/cases/{number}/conclude",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_conclude_case",
    summary="办结（准予或不予许可后送达结果）",
)
@require_perm(CASES_VIEW_CASE)
def conclude(request, number: str):
    return _act(request, number, lifecycle.conclude_case)


@router.post(
    "/cases/{number}/hall-visits",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_record_hall_visit",
    summary="登记申请人到现场一次",
)
@require_perm(CASES_VIEW_CASE)
def record_hall_visit(request, number: str):
    return _act(request, number, lifecycle.record_hall_visit)


@router.post(
    "/tasks/{task_id}/decision",
    response={200: WorkbenchCaseOut, **ERRORS},
    operation_id="cases_decide_task",
    summary="审查任务：同意或不同意（附审查意见）",
)
@require_perm(CASES_VIEW_CASE)
def decide_task(request, task_id: int, payload: DecisionIn):
    task = wb.access_workbench_task(request.user, task_id)
    lifecycle.decide_task(
        task, actor=request.user, approve=payload.approve, opinion=payload.opinion
    )
    return _fresh(request, task.case.number)


@router.post(
    "/batch-accept",
    response={200: BatchAcceptOut, 401: ErrorOut, 403: ErrorOut},
    operation_id="cases_batch_accept_cases",
    summary="批量受理（逐件受理，逐件报告结果）",
)
@require_perm(CASES_VIEW_CASE)
def batch_accept(request, payload: BatchAcceptIn):
    numbers = list(dict.fromkeys(n.strip() for n in payload.numbers if n.strip()))
    results = wb_services.batch_accept(numbers, actor=request.user)
    return BatchAcceptOut(
        accepted=sum(r.outcome == wb_services.ACCEPTED for r in results),
        refused=sum(r.outcome == wb_services.REFUSED for r in results),
        results=[BatchResultOut(**vars(r)) for r in results],
    )
