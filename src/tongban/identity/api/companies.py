"""Company accounts (法人) and agents (经办人) — /api/v1/identity/companies.

Same services as the pages; session authentication (``django_auth``, CSRF enforced).
"""

import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.core.schemas import ErrorOut
from tongban.identity.models import AgentAuthorisation, AgentScope, CompanyAccount
from tongban.identity.services import companies as company_services

router = Router(tags=["identity: companies"], auth=django_auth)


class CompanyBindIn(Schema):
    uscc: str = Field(
        ..., description="统一社会信用代码 (18 chars)", examples=["91440101MA59TEST00"]
    )


class AgentIn(Schema):
    agent_id_number: str = Field(..., description="经办人身份证号")
    agent_name: str = Field(..., description="经办人姓名")
    scopes: list[str] = Field(..., description="授权范围: apply 办理事项, pay 缴费, licences 证照")
    expires_on: datetime.date = Field(..., description="有效期至 (after today, at most one year)")


class AgentOut(Schema):
    id: int
    agent_name: str
    agent_id_number: str  # masked
    scopes: list[str]
    expires_on: datetime.date
    status: str  # active | expired | revoked
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None


class CompanyOut(Schema):
    uscc: str
    name: str
    entity_type: str
    role: str  # legal_rep | agent
    scopes: list[str]
    bound_at: datetime.datetime


class CompanyDetailOut(CompanyOut):
    agents: list[AgentOut] | None = Field(None, description="Only for the legal representative")


def _agent_out(grant: AgentAuthorisation) -> AgentOut:
    if grant.revoked_at is not None:
        status = "revoked"
    elif not grant.is_active():
        status = "expired"
    else:
        status = "active"
    return AgentOut(
        id=grant.pk,
        agent_name=grant.agent.name,
        agent_id_number=company_services.masked_id_number(grant.agent.id_number),
        scopes=list(grant.scopes),
        expires_on=grant.expires_on,
        status=status,
        created_at=grant.created_at,
        revoked_at=grant.revoked_at,
    )


def _company_out(user, company: CompanyAccount, schema=CompanyOut, **extra):
    if company.legal_rep_id == user.pk:
        role, scopes = "legal_rep", list(AgentScope.values)
    else:
        role = "agent"
        scopes = sorted(
            {
                s
                for g in company_services.agent_authorisations_for(user).filter(company=company)
                for s in g.scopes
            }
        )
    return schema(
        uscc=company.uscc,
        name=company.name,
        entity_type=company.entity_type,
        role=role,
        scopes=scopes,
        bound_at=company.bound_at,
        **extra,
    )


@router.post(
    "",
    response={201: CompanyOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    operation_id="identity_bind_company",
    summary="绑定法人（法定代表人）",
)
def bind_company(request, payload: CompanyBindIn):
    company = company_services.bind_company(request.user, payload.uscc, actor=request.user)
    return Status(201, _company_out(request.user, company))


@router.get(
    "",
    response=list[CompanyOut],
    operation_id="identity_list_companies",
    summary="我的法人（法定代表人或经办人）",
)
@paginate(PageNumberPagination, page_size=50)
def list_companies(request):
    return [_company_out(request.user, c) for c in company_services.companies_for(request.user)]


@router.get(
    "/{uscc}",
    response={200: CompanyDetailOut, 404: ErrorOut},
    operation_id="identity_get_company",
    summary="法人详情",
)
def get_company(request, uscc: str):
    company = company_services.access_company(request.user, uscc)
    agents = None
    if company_services.is_legal_rep(request.user, company):
        agents = [_agent_out(g) for g in company_services.agents_of(company)]
    return _company_out(request.user, company, CompanyDetailOut, agents=agents)


@router.post(
    "/{uscc}/agents",
    response={201: AgentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="identity_authorise_agent",
    summary="授权经办人（法定代表人）",
)
def authorise_agent(request, uscc: str, payload: AgentIn):
    company = company_services.access_company(request.user, uscc)
    grant = company_services.authorise_agent(
        company,
        agent_id_number=payload.agent_id_number,
        agent_name=payload.agent_name,
        scopes=set(payload.scopes),
        expires_on=payload.expires_on,
        actor=request.user,
    )
    return Status(201, _agent_out(grant))


@router.delete(
    "/{uscc}/agents/{authorisation_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 400: ErrorOut},
    operation_id="identity_revoke_agent",
    summary="撤销经办人授权（法定代表人）",
)
def revoke_agent(request, uscc: str, authorisation_id: int):
    company = company_services.access_company(request.user, uscc)
    company_services.revoke_agent(company, authorisation_id, actor=request.user)
    return Status(204, None)
