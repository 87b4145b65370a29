"""Applications (统一申办) and the applicant's cases — /api/v1/cases/.

The same services as the pages (``tongban.cases.services.applications`` and the lifecycle);
session authentication (``django_auth``, CSRF enforced). Error codes:
``tongban.cases.errors_applications`` and ``tongban.cases.errors``.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.cases import selectors
from tongban.cases.errors_applications import ApplicationError, error
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services import applications
from tongban.core.exceptions import NotFound
from tongban.core.schemas import ErrorOut

router = Router(tags=["cases: applications"], auth=django_auth)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ApplicationStartIn(Schema):
    implementation_id: int = Field(..., description="实施清单 id (catalogue)")
    company_uscc: str | None = Field(
        None, description="统一社会信用代码 when applying for a company (legal rep or agent)"
    )


class ApplicationUpdateIn(Schema):
    form: dict = Field(
        ...,
        description=(
            "{field name: value}; fields left out keep their value. Registry-sourced fields "
            "may be sent only with their registry value (else registry_value_forged)."
        ),
    )


class FormFieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    value: str | int | bool | None
    source: str = Field(..., description="registry (政府核验) | applicant (本人填写)")
    source_label: str


class MaterialOut(Schema):
    id: int
    material_id: int | None
    name: str
    source: str = Field(..., description="upload | licence")
    original_name: str
    content_type: str
    size: int
    sm3: str
    licence_ref: str
    consent_at: datetime.datetime | None
    created_at: datetime.datetime
    replaced_at: datetime.datetime | None


class RequiredMaterialOut(Schema):
    id: int
    name: str
    required: bool
    licence_type_key: str
    supplied: bool


class CorrectionOut(Schema):
    items: list[dict]
    note: str
    created_at: datetime.datetime


class CaseOut(Schema):
    id: int
    number: str | None
    status: str
    status_label: str
    item_name: str
    implementation_id: int
    org_unit: str
    applicant_name: str
    company_uscc: str | None
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    promised_deadline: datetime.date | None
    legal_deadline: datetime.date | None
    remaining_working_days: int | None
    deadline_light: str | None


class CaseDetailOut(CaseOut):
    form: list[FormFieldOut]
    materials: list[MaterialOut]
    required_materials: list[RequiredMaterialOut]
    correction: CorrectionOut | None
    decision_reason: str
    remedies: str


class LicenceAttachIn(Schema):
    material_id: int
    licence_ref: str
    consent: bool = Field(..., description="must be true: the applicant consents to the use")


class WithdrawIn(Schema):
    reason: str = ""


def _deadlines(case) -> tuple:
    if case.status == Case.Status.DRAFT or not case.promised_deadline:
        return None, None
    from tongban.cases.services import lifecycle

    return lifecycle.remaining_working_days(case), lifecycle.deadline_light(case)


def _case_out(case, schema=CaseOut, **extra):
    remaining, light = _deadlines(case)
    return schema(
        id=case.pk,
        number=case.number,
        status=case.status,
        status_label=str(case.get_status_display()),
        item_name=case.implementation.item.name,
        implementation_id=case.implementation_id,
        org_unit=str(case.org_unit),
        applicant_name=case.applicant_name,
        company_uscc=case.company.uscc if case.company_id else None,
        created_at=case.created_at,
        submitted_at=case.submitted_at,
        promised_deadline=case.promised_deadline,
        legal_deadline=case.legal_deadline,
        remaining_working_days=remaining,
        deadline_light=light,
        **extra,
    )


def _material_out(row: CaseMaterial) -> MaterialOut:
    return MaterialOut(
        id=row.pk,
        material_id=row.material_id,
        name=row.name,
        source=row.source,
        original_name=row.original_name,
        content_type=row.content_type,
        size=row.size,
        sm3=row.sm3,
        licence_ref=row.licence_ref,
        consent_at=row.consent_at,
        created_at=row.created_at,
        replaced_at=row.replaced_at,
    )


def _detail(request, case) -> CaseDetailOut:
    case.refresh_from_db()
    fields = [
        FormFieldOut(
            name=f["name"],
            label=f.get("label") or f["name"],
            type=str(f.get("type") or "text"),
            required=bool(f.get("required")),
            value=f["value"],
            source=f["source"],
            source_label=f["source_label"],
        )
        for f in applications.application_fields(case, actor=case.applicant)
    ]
    current = applications.current_materials(case)
    required = [
        RequiredMaterialOut(
            id=m.pk,
            name=m.name,
            required=m.required,
            licence_type_key=m.licence_type_key,
            supplied=m.pk in current,
        )
        for m in case.item_version.materials.all()
    ]
    notice = case.corrections.filter(resolved_at__isnull=True).order_by("-created_at").first()
    return _case_out(
        case,
        CaseDetailOut,
        form=fields,
        materials=[_material_out(m) for m in case.materials.order_by("id")],
        required_materials=required,
        correction=CorrectionOut(items=notice.items, note=notice.note, created_at=notice.created_at)
        if notice
        else None,
        decision_reason=case.decision_reason,
        remedies=case.remedies,
    )


def _company(request, uscc):
    if not uscc:
        return None
    from tongban.identity.services import companies

    return companies.access_company(request.user, uscc)


def _implementation(implementation_id):
    from tongban.catalog.models import Implementation

    implementation = (
        Implementation.objects.select_related("item__current_version", "org_unit")
        .filter(pk=implementation_id)
        .first()
    )
    if implementation is None:
        raise NotFound("not_found", "未找到该事项", "implementation_id")
    return implementation


# --- applications (drafts) -------------------------------------------------------------------
@router.post(
    "/applications",
    response={201: CaseDetailOut, **ERRORS},
    operation_id="cases_start_application",
    summary="发起申请（创建草稿，表单由基础库预填）",
)
def start_application(request: HttpRequest, payload: ApplicationStartIn):
    implementation = _implementation(payload.implementation_id)
    company = _company(request, payload.company_uscc)
    case = applications.start_draft(implementation, actor=request.user, company=company)
    return Status(201, _detail(request, case))


@router.get(
    "/applications/{application_id}",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="cases_get_application",
    summary="查看我的申请（含草稿）",
)
def get_application(request, application_id: int):
    case = applications.access_application(request.user, application_id)
    return _detail(request, case)


@router.patch(
    "/applications/{application_id}",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="cases_update_application",
    summary="保存表单（草稿）",
)
def update_application(request, application_id: int, payload: ApplicationUpdateIn):
    case = applications.access_application(request.user, application_id)
    applications.save_draft(case, payload.form, actor=request.user)
    return _detail(request, case)


@router.post(
    "/applications/{application_id}/materials",
    response={201: MaterialOut, 413: ErrorOut, 415: ErrorOut, **ERRORS},
    operation_id="cases_upload_material",
    summary="上传材料（PDF、JPG、PNG、OFD，按内容识别类型）",
)
def upload_material(
    request,
    application_id: int,
    material_id: Form[int],
    file: File[UploadedFile],
):
    case = applications.access_application(request.user, application_id)
    material = case.item_version.materials.filter(pk=material_id).first()
    row = applications.attach_upload(case, material, file, actor=request.user)
    return Status(201, _material_out(row))


@router.post(
    "/applications/{application_id}/licences",
    response={201: MaterialOut, 503: ErrorOut, **ERRORS},
    operation_id="cases_attach_licence",
    summary="使用电子证照代替材料（需本人同意）",
)
def attach_licence(request, application_id: int, payload: LicenceAttachIn):
    case = applications.access_application(request.user, application_id)
    if not payload.consent:
        raise error(ApplicationError.CONSENT_REQUIRED, field="consent")
    material = case.item_version.materials.filter(pk=payload.material_id).first()
    row = applications.attach_licence(case, material, payload.licence_ref, actor=request.user)
    return Status(201, _material_out(row))


@router.post(
    "/applications/{application_id}/submit",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="cases_submit_application",
    summary="提交申请（Idempotency-Key 请求头防止重复提交）",
)
def submit_application(request, application_id: int):
    case = applications.access_application(request.user, application_id)
    key = request.headers.get("Idempotency-Key", "")
    case = applications.submit_application(case, actor=request.user, idempotency_key=key)
    return _detail(request, case)


# --- my cases --------------------------------------------------------------------------------
@router.get(
    "/cases",
    response=list[CaseOut],
    operation_id="cases_list_cases",
    summary="我的办件（已提交的）",
)
@paginate(PageNumberPagination, page_size=50)
def list_cases(request):
    cases = (
        selectors.cases_of_applicant(request.user)
        .exclude(status=Case.Status.DRAFT)
        .select_related("implementation__item", "org_unit", "company")
    )
    return [_case_out(case) for case in cases[:1000]]


@router.get(
    "/cases/{number}",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="cases_get_case",
    summary="办件进度",
)
def get_case(request, number: str):
    case = selectors.access_case(request.user, number, "apply")
    return _detail(request, case)


@router.post(
    "/cases/{number}/withdraw",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="cases_withdraw_case",
    summary="撤回申请（作出决定前）",
)
def withdraw_case(request, number: str, payload: WithdrawIn):
    case = selectors.access_case(request.user, number, "apply")
    case = applications.withdraw_application(case, actor=request.user, reason=payload.reason)
    return _detail(request, case)


@router.post(
    "/cases/{number}/correction",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="cases_submit_correction",
    summary="提交补正（先通过 /applications/{id}/materials 上传补正材料）",
)
def submit_correction(request, number: str):
    case = selectors.access_case(request.user, number, "apply")
    case = applications.submit_correction(case, actor=request.user)
    return _detail(request, case)
