"""The licence wallet API — /api/v1/licences/wallet (session authentication, CSRF enforced).

The same selectors and services as the wallet pages: ``access_licence`` is the gate
(another person's licence is ``licence_not_found`` 404 and nothing is recorded; an agent
without the scope "licences" gets ``agent_scope_exceeded`` 403). Error codes:
``tongban.licences.errors_wallet``.
"""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.core.schemas import ErrorOut
from tongban.licences import selectors
from tongban.licences.responses import pdf_filename, pdf_response
from tongban.licences.services import rendering, sharing

router = Router(tags=["licences: wallet"], auth=django_auth)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class LicenceOut(Schema):
    identifier: str
    type_key: str
    type_name: str
    number: str
    version: int
    status: str = Field(..., description="valid | suspended | revoked | superseded | expired")
    status_label: str
    holder_type: str = Field(..., description="natural | legal")
    holder_name: str
    holder_company: str | None = Field(None, description="USCC of the holding company account")
    issuer: str
    issued_on: datetime.date
    valid_from: datetime.date
    valid_to: datetime.date | None


class FieldOut(Schema):
    name: str
    label: str
    value: str


class VersionOut(Schema):
    identifier: str
    version: int
    status: str
    issued_on: datetime.date


class LicenceDetailOut(LicenceOut):
    holder_code: str = Field(..., description="ID number / USCC (ID numbers masked for agents)")
    fields: list[FieldOut]
    versions: list[VersionOut] = Field(..., description="every version, newest first")
    pii_masked: bool


class ShareIn(Schema):
    purpose: str = Field(..., description="用途, shown as the watermark 仅供…使用 (≤ 50 chars)")
    hours: int = Field(24, description="validity of the link, 1–720 hours")


class ShareOut(Schema):
    id: int
    licence: str
    purpose: str
    url: str = Field(..., description="the public share page (no login)")
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    state: str = Field(..., description="active | expired | revoked")


class UsageOut(Schema):
    id: int
    kind: str = Field(..., description="application | share_view | download | verification")
    kind_label: str
    used_by: str
    purpose: str
    case_number: str | None
    share_id: int | None
    created_at: datetime.datetime


def _licence_out(licence) -> dict:
    status = selectors.effective_status(licence)
    company_uscc = licence.holder_code if licence.holder_type == "legal" else None
    return {
        "identifier": licence.identifier,
        "type_key": licence.licence_type.key,
        "type_name": licence.licence_type.name,
        "number": licence.number,
        "version": licence.version,
        "status": status,
        "status_label": selectors.status_label(status),
        "holder_type": licence.holder_type,
        "holder_name": licence.holder_name,
        "holder_company": company_uscc,
        "issuer": licence.issuer.full_name,
        "issued_on": licence.issued_on,
        "valid_from": licence.valid_from,
        "valid_to": licence.valid_to,
    }


def _share_out(share) -> dict:
    return {
        "id": share.pk,
        "licence": share.licence.identifier,
        "purpose": share.purpose,
        "url": sharing.share_url(share),
        "expires_at": share.expires_at,
        "revoked_at": share.revoked_at,
        "state": selectors.share_state(share),
    }


@router.get(
    "",
    response=list[LicenceOut],
    operation_id="licences_list_wallet",
    summary="我的证照：本人及所代表企业的证照",
)
@paginate(PageNumberPagination, page_size=50)
def list_wallet(request, company: str | None = None):
    """Current licences (superseded versions left out): the person's own and those of every
    company they act for with the scope "licences"; ``company`` (USCC) narrows to one
    company (``company_not_found`` 404 / ``agent_scope_exceeded`` 403)."""
    user = request.user
    if company:
        from tongban.identity.services import companies

        account = companies.access_company(user, company)
        rows = list(selectors.wallet_of(user, account))
    else:
        rows = list(selectors.wallet_of(user))
        for row in selectors.wallet_companies(user):
            rows.extend(row["licences"])
    return [_licence_out(licence) for licence in rows]


@router.get(
    "/{identifier}",
    response={200: LicenceDetailOut, **ERRORS},
    operation_id="licences_get_licence",
    summary="证照详情",
)
def get_licence(request, identifier: str):
    licence = selectors.access_licence(request.user, identifier, selectors.VIEW)
    out = _licence_out(licence)
    out.update(
        {
            "holder_code": selectors.display_holder_code(request.user, licence),
            "fields": [
                {"name": r["name"], "label": r["label"], "value": r["value"]}
                for r in selectors.display_rows(request.user, licence)
            ],
            "versions": [
                {
                    "identifier": v.identifier,
                    "version": v.version,
                    "status": selectors.effective_status(v),
                    "issued_on": v.issued_on,
                }
                for v in selectors.history_of(licence)
            ],
            "pii_masked": not selectors.pii_visible(request.user, licence),
        }
    )
    return out


@router.get(
    "/{identifier}/pdf",
    response={200: None, **ERRORS, 503: ErrorOut},
    operation_id="licences_download_licence",
    summary="下载证照版式文件（PDF，记入用证记录）",
)
def download_licence(request, identifier: str):
    licence = selectors.access_licence(request.user, identifier, selectors.DOWNLOAD)
    data = rendering.download_pdf(licence, actor=request.user)
    return pdf_response(data, pdf_filename(licence))


@router.post(
    "/{identifier}/shares",
    response={201: ShareOut, **ERRORS},
    operation_id="licences_create_share",
    summary="生成限时、限用途的分享链接",
)
def create_share(request, identifier: str, payload: ShareIn):
    licence = selectors.access_licence(request.user, identifier, selectors.SHARE)
    share = sharing.create_share(
        licence, actor=request.user, purpose=payload.purpose, hours=payload.hours
    )
    return Status(201, _share_out(share))


@router.get(
    "/{identifier}/shares",
    response={200: list[ShareOut], **ERRORS},
    operation_id="licences_list_shares",
    summary="本证照的分享链接",
)
def list_shares(request, identifier: str):
    licence = selectors.access_licence(request.user, identifier, selectors.SHARE)
    return [_share_out(share) for share in selectors.shares_of(licence)]


@router.delete(
    "/shares/{share_id}",
    response={200: ShareOut, **ERRORS},
    operation_id="licences_revoke_share",
    summary="撤销分享链接",
)
def revoke_share(request, share_id: int):
    share = sharing.access_share(request.user, share_id)
    share = sharing.revoke_share(share, actor=request.user)
    return _share_out(share)


@router.get(
    "/{identifier}/usages",
    response=list[UsageOut],
    operation_id="licences_list_usages",
    summary="用证记录",
)
@paginate(PageNumberPagination, page_size=50)
def list_usages(request, identifier: str):
    licence = selectors.access_licence(request.user, identifier, selectors.USAGES)
    return [
        {
            "id": usage.pk,
            "kind": usage.kind,
            "kind_label": str(usage.get_kind_display()),
            "used_by": usage.used_by,
            "purpose": usage.purpose,
            "case_number": getattr(usage.case, "number", None) if usage.case_id else None,
            "share_id": usage.share_id,
            "created_at": usage.created_at,
        }
        for usage in selectors.usages_of(licence).select_related("case")
    ]
