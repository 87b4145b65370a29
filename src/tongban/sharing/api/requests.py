"""Share requests and grants API — /api/v1/sharing/requests/…, /grants/…, /systems/….

Staff sessions (``django_auth``, CSRF enforced), the same services as the workbench pages.
The consumer department (``sharing.request_share``) registers systems and submits
requests; the provider (``sharing.approve_share``) approves with terms or refuses with
reasons; the platform operator (``sharing.arbitrate_share``) decides escalated requests.
Requests outside the caller's reach are ``404 request_not_found``.

Error codes: see ``tongban.sharing.errors`` — 400 ``legal_duty_required``,
``legal_basis_required``, ``purpose_required``, ``period_invalid``, ``items_required``,
``item_unknown``, ``reason_required``, ``masking_invalid``, ``row_division_invalid``,
``rate_limit_invalid``, ``expiry_invalid``, ``choice_invalid``, ``own_resource``; 403
``permission_denied``, ``system_suspended``; 404 ``request_not_found``,
``resource_not_found``, ``system_not_found``, ``grant_not_found``; 409 ``request_not_open``,
``request_not_escalated``, ``grant_already_revoked``, ``resource_not_published``.
"""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from tongban.core.models import OrgUnit
from tongban.core.permissions import require_perm
from tongban.core.schemas import ErrorOut
from tongban.sharing import permissions, selectors
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.services import consumers
from tongban.sharing.services import requests as share_requests

router = Router(tags=["sharing: requests"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class GrantOut(Schema):
    id: int
    request: str = Field("", description="申请编号")
    resource: str = Field("", description="资源代码")
    consumer_unit: str = ""
    consumer_system: str = ""
    items: list[str]
    row_scope: str
    row_division: str
    masking: dict[str, str]
    rate_limit_per_minute: int
    require_reference: bool
    expires_on: datetime.date
    status: str
    revoke_reason: str


class RequestOut(Schema):
    number: str
    resource: str
    resource_name: str
    provider: str
    consumer_unit: str
    consumer_system: str
    client_id: str
    items: list[str]
    legal_duty: str
    legal_basis: str
    purpose: str
    period_from: datetime.date
    period_to: datetime.date
    status: str
    due_on: datetime.date | None
    decided_by: str
    decision_reason: str
    created_at: datetime.datetime
    grant: GrantOut | None


class RequestPageOut(Schema):
    count: int
    page: int
    per_page: int
    items: list[RequestOut]


class RequestFilterIn(Schema):
    side: str = Field(
        "consumer",
        pattern="^(consumer|provider)$",
        description="consumer 本部门申请的 | provider 待本部门提供的",
    )
    status: str = Field("", pattern="^(|submitted|escalated|granted|refused|withdrawn)$")
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=100)


class RequestIn(Schema):
    resource: str = Field(..., description="资源代码")
    consumer_system_id: int
    items: list[str]
    legal_duty: str = Field(..., max_length=200, description="权责事项")
    legal_basis: str = ""
    purpose: str = Field(..., max_length=200)
    period_from: datetime.date
    period_to: datetime.date


class TermsIn(Schema):
    row_scope: str = Field("lookup", description="lookup 仅按关键字逐条查询 | filter 可批量")
    row_division: str = Field("", max_length=12, description="限定行政区划，如 440100")
    masking: dict[str, str] = Field(default_factory=dict, description="{信息项: 脱敏方式}")
    rate_limit_per_minute: int = 60
    expires_on: datetime.date | None = None
    require_reference: bool = False
    reason: str = ""


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class ArbitrateIn(TermsIn):
    grant: bool
    reason: str = Field(..., max_length=1000)


class SystemIn(Schema):
    org_unit_id: int
    name: str = Field(..., max_length=100)
    contact: str = Field("", max_length=100)


class SystemOut(Schema):
    id: int
    name: str
    org_unit: str
    client_id: str
    status: str
    client_secret: str | None = Field(None, description="只在登记时返回一次")


def grant_out(grant) -> dict | None:
    if grant is None:
        return None
    return {
        "id": grant.pk,
        "request": grant.request.number,
        "resource": grant.resource.code,
        "consumer_unit": grant.consumer_unit.full_name,
        "consumer_system": grant.consumer_system.name,
        "items": list(grant.items),
        "row_scope": grant.row_scope,
        "row_division": grant.row_division,
        "masking": dict(grant.masking),
        "rate_limit_per_minute": grant.rate_limit_per_minute,
        "require_reference": grant.require_reference,
        "expires_on": grant.expires_on,
        "status": grant.status,
        "revoke_reason": grant.revoke_reason,
    }


def request_out(r) -> dict:
    return {
        "number": r.number,
        "resource": r.resource.code,
        "resource_name": r.resource.name,
        "provider": r.resource.provider.full_name,
        "consumer_unit": r.consumer_unit.full_name,
        "consumer_system": r.consumer_system.name,
        "client_id": r.consumer_system.client_id,
        "items": list(r.items),
        "legal_duty": r.legal_duty,
        "legal_basis": r.legal_basis,
        "purpose": r.purpose,
        "period_from": r.period_from,
        "period_to": r.period_to,
        "status": r.status,
        "due_on": r.due_on,
        "decided_by": r.decided_by_kind,
        "decision_reason": r.decision_reason,
        "created_at": r.created_at,
        "grant": grant_out(getattr(r, "grant", None)),
    }


def _terms(payload: TermsIn) -> share_requests.Terms:
    return share_requests.Terms(
        row_scope=payload.row_scope,
        row_division=payload.row_division,
        masking=payload.masking,
        rate_limit_per_minute=payload.rate_limit_per_minute,
        expires_on=payload.expires_on,
        require_reference=payload.require_reference,
    )


@router.get(
    "/requests",
    response={200: RequestPageOut, **ERRORS},
    operation_id="sharing_list_requests",
    summary="本部门的共享申请（申请方或提供方）",
)
def list_requests(request, filters: Query[RequestFilterIn]):
    qs = (
        selectors.requests_as_provider(request.user)
        if filters.side == "provider"
        else selectors.requests_as_consumer(request.user)
    ).select_related("consumer_system__application", "grant")
    if filters.status:
        qs = qs.filter(status=filters.status)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "items": [request_out(r) for r in qs[start : start + filters.per_page]],
    }


@router.post(
    "/requests",
    response={201: RequestOut, **ERRORS},
    operation_id="sharing_submit_request",
    summary="按职能申请共享信息项",
)
@require_perm(permissions.SHARING_REQUEST_SHARE)
def submit_request(request, payload: RequestIn):
    resource = selectors.access_resource(request.user, payload.resource)
    system = (
        selectors.consumer_systems_for(request.user).filter(pk=payload.consumer_system_id).first()
    )
    if system is None:
        raise error(E.SYSTEM_NOT_FOUND, field="consumer_system_id")
    share_request = share_requests.submit_request(
        actor=request.user,
        resource=resource,
        consumer_system=system,
        items=payload.items,
        legal_duty=payload.legal_duty,
        legal_basis=payload.legal_basis,
        purpose=payload.purpose,
        period_from=payload.period_from,
        period_to=payload.period_to,
    )
    return Status(201, request_out(selectors.access_request(request.user, share_request.number)))


@router.get(
    "/requests/{number}",
    response={200: RequestOut, **ERRORS},
    operation_id="sharing_get_request",
    summary="查看共享申请及其授权",
)
def get_request(request, number: str):
    return request_out(selectors.access_request(request.user, number))


@router.post(
    "/requests/{number}/approve",
    response={200: RequestOut, **ERRORS},
    operation_id="sharing_approve_request",
    summary="提供方同意申请并设定授权条件",
)
def approve_request(request, number: str, payload: TermsIn):
    share_request = selectors.access_request(request.user, number)
    share_requests.approve_request(
        actor=request.user,
        share_request=share_request,
        terms=_terms(payload),
        reason=payload.reason,
    )
    return request_out(selectors.access_request(request.user, number))


@router.post(
    "/requests/{number}/refuse",
    response={200: RequestOut, **ERRORS},
    operation_id="sharing_refuse_request",
    summary="提供方拒绝申请（须说明理由）",
)
def refuse_request(request, number: str, payload: ReasonIn):
    share_request = selectors.access_request(request.user, number)
    share_requests.refuse_request(
        actor=request.user, share_request=share_request, reason=payload.reason
    )
    return request_out(selectors.access_request(request.user, number))


@router.post(
    "/requests/{number}/withdraw",
    response={200: RequestOut, **ERRORS},
    operation_id="sharing_withdraw_request",
    summary="申请方撤回申请",
)
def withdraw_request(request, number: str):
    share_request = selectors.access_request(request.user, number)
    share_requests.withdraw_request(actor=request.user, share_request=share_request)
    return request_out(selectors.access_request(request.user, number))


@router.post(
    "/requests/{number}/arbitrate",
    response={200: RequestOut, **ERRORS},
    operation_id="sharing_arbitrate_request",
    summary="平台协调仲裁逾期申请（最终决定）",
)
@require_perm(permissions.SHARING_ARBITRATE_SHARE)
def arbitrate_request(request, number: str, payload: ArbitrateIn):
    share_request = selectors.access_request(request.user, number)
    share_requests.arbitrate_request(
        actor=request.user,
        share_request=share_request,
        grant=payload.grant,
        reason=payload.reason,
        terms=_terms(payload) if payload.grant else None,
    )
    return request_out(selectors.access_request(request.user, number))


@router.post(
    "/grants/{grant_id}/revoke",
    response={200: GrantOut, **ERRORS},
    operation_id="sharing_revoke_grant",
    summary="撤销共享授权（须说明理由）",
)
def revoke_grant(request, grant_id: int, payload: ReasonIn):
    grant = selectors.access_grant(request.user, grant_id)
    return grant_out(
        share_requests.revoke_grant(actor=request.user, grant=grant, reason=payload.reason)
    )


@router.post(
    "/systems",
    response={201: SystemOut, **ERRORS},
    operation_id="sharing_register_system",
    summary="登记共享使用系统（返回一次性密钥）",
)
@require_perm(permissions.SHARING_REQUEST_SHARE)
def register_system(request, payload: SystemIn):
    unit = OrgUnit.objects.filter(pk=payload.org_unit_id, is_active=True).first()
    if unit is None:
        raise error(E.SYSTEM_NOT_FOUND, field="org_unit_id")
    system, secret = consumers.register_consumer_system(
        actor=request.user, org_unit=unit, name=payload.name, contact=payload.contact
    )
    return Status(
        201,
        {
            "id": system.pk,
            "name": system.name,
            "org_unit": unit.full_name,
            "client_id": system.client_id,
            "status": system.status,
            "client_secret": secret,
        },
    )


class GrantPageOut(Schema):
    count: int
    page: int
    per_page: int
    items: list[GrantOut]


class GrantFilterIn(Schema):
    side: str = Field("consumer", pattern="^(consumer|provider)$")
    status: str = Field("", pattern="^(|active|revoked)$")
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=100)


@router.get(
    "/grants",
    response={200: GrantPageOut, **ERRORS},
    operation_id="sharing_list_grants",
    summary="本部门的共享授权（使用方或提供方）",
)
def list_grants(request, filters: Query[GrantFilterIn]):
    qs = (
        selectors.grants_as_provider(request.user)
        if filters.side == "provider"
        else selectors.grants_as_consumer(request.user)
    ).select_related("consumer_unit__parent")
    if filters.status:
        qs = qs.filter(status=filters.status)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "items": [grant_out(g) for g in qs[start : start + filters.per_page]],
    }


class SystemPageOut(Schema):
    count: int
    items: list[SystemOut]


@router.get(
    "/systems",
    response={200: SystemPageOut, **ERRORS},
    operation_id="sharing_list_systems",
    summary="本部门的共享使用系统",
)
def list_systems(request):
    systems = list(selectors.consumer_systems_for(request.user)[:200])
    return {
        "count": len(systems),
        "items": [
            {
                "id": s.pk,
                "name": s.name,
                "org_unit": s.org_unit.full_name,
                "client_id": s.client_id,
                "status": s.status,
            }
            for s in systems
        ],
    }
