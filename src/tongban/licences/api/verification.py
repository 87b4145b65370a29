"""Verification, export, revocation and the trust list — /api/v1/licences/.

Public (no login): ``GET /verify/{identifier}``, ``POST /verify-qr``, ``POST /verify-document``,
``GET /revocations`` (signed list). Session login: ``GET /{identifier}/export`` (holder,
legal representative, agent with scope "licences", or issuer staff — anyone else 404),
``POST /{identifier}/revoke|suspend|reinstate`` (``licences.issue_licence`` in the issuing
unit), ``/trusted-issuers`` (``licences.manage_trust``).

Error codes: ``tongban.licences.errors_verification`` (``invalid_identifier`` answers also
carry ``detail``, the precise code of ``tongban.core.codes``: ``invalid_checksum``…).
"""

import base64
import binascii
import datetime as dt
import io
import zipfile

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from tongban.core import permissions
from tongban.core.exceptions import DomainError
from tongban.core.schemas import ErrorOut
from tongban.licences.errors_verification import VerificationError
from tongban.licences.models import Licence
from tongban.licences.permissions import LICENCES_MANAGE_TRUST, LICENCES_VIEW_LICENCE
from tongban.licences.services import revocation, trust, verification

router = Router(tags=["licences: verification"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class VerificationOut(Schema):
    identifier: str
    status: str = Field(
        ...,
        description="valid | expired | revoked | suspended | superseded | invalid | unknown_issuer",
    )
    status_label: str
    valid: bool
    reason: str = Field(..., description="'' when valid; a code of errors_verification")
    message: str
    detail: str = Field("", description="precise signature check failure (core.signing)")
    signature_ok: bool
    issuer_name: str
    issuer_code: str
    type_name: str
    type_code: str
    masked_holder: str
    issued_on: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    superseded_by: str
    status_reason: str
    signed_at: dt.datetime | None
    seal_name: str
    online: bool = Field(..., description="False: verified from the offline payload only")


class VerifyQrIn(Schema):
    payload: str = Field(..., max_length=2000, description="the part after /verify/q/")


class VerifyDocumentIn(Schema):
    data: str = Field(..., description="signed data (canonical JSON), base64")
    signature: str = Field(..., description="SES_Signature-like DER, base64")


class ReasonIn(Schema):
    reason: str = Field(..., max_length=200)


class LicenceStatusOut(Schema):
    identifier: str
    status: str
    status_reason: str


class RevocationEntryOut(Schema):
    identifier: str
    status: str
    since: str


class RevocationBodyOut(Schema):
    format: str
    generated_at: str
    entries: list[RevocationEntryOut]


class RevocationListOut(Schema):
    list: RevocationBodyOut
    signature: str = Field(..., description="base64 DER SM2 signature over canonical JSON of list")
    algorithm: str
    signer_id: str
    key_fingerprint: str
    public_key_pem: str


class TrustedIssuerIn(Schema):
    name: str = Field(..., max_length=200)
    issuer_code: str = Field(..., description="签发机构统一社会信用代码")
    public_pem: str = Field(..., description="SM2 public key, PEM")


class TrustedIssuerOut(Schema):
    id: int
    name: str
    issuer_code: str
    fingerprint: str
    public_pem: str
    is_active: bool
    imported_at: dt.datetime


def _out(result) -> dict:
    return result.as_dict()


# --- public verification ------------------------------------------------------------------------
@router.get(
    "/verify/{identifier}",
    response={200: VerificationOut, 400: ErrorOut, 404: ErrorOut},
    operation_id="licences_verify_licence",
    summary="核验电子证照（按证照标识）",
)
def verify_by_identifier(request, identifier: str):
    result = verification.verify_identifier(identifier)
    verification.record_verification(result.licence)
    return _out(result)


@router.post(
    "/verify-qr",
    response={200: VerificationOut, 400: ErrorOut},
    operation_id="licences_verify_qr",
    summary="核验二维码离线核验码（并查询当前状态）",
)
def verify_qr(request, payload: VerifyQrIn):
    result = verification.verify_offline_payload(payload.payload)
    if result.licence is not None:
        verification.record_verification(result.licence, purpose="扫码核验")
    return _out(result)


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(
            VerificationError.INVALID_PAYLOAD, "内容不是有效的 Base64。", field
        ) from None


@router.post(
    "/verify-document",
    response={200: VerificationOut, 400: ErrorOut},
    operation_id="licences_verify_document",
    summary="核验签名数据（含外省平台签发的证照，需在信任列表中）",
)
def verify_document(request, payload: VerifyDocumentIn):
    result = verification.verify_signed_document(
        _b64(payload.data, "data"), _b64(payload.signature, "signature")
    )
    return _out(result)


@router.get(
    "/revocations",
    response=RevocationListOut,
    operation_id="licences_list_revocations",
    summary="已撤销、已暂停证照列表（平台密钥签名）",
)
def list_revocations(request):
    return revocation.signed_revocation_list()


# --- trust list (operators) ---------------------------------------------------------------------
@router.get(
    "/trusted-issuers",
    response={200: list[TrustedIssuerOut], 401: ErrorOut, 403: ErrorOut},
    auth=django_auth,
    operation_id="licences_list_trusted_issuers",
    summary="信任列表",
)
@permissions.require_perm(LICENCES_MANAGE_TRUST)
def list_trusted_issuers(request):
    return list(trust.trusted_issuers())


@router.post(
    "/trusted-issuers",
    response={201: TrustedIssuerOut, **ERRORS},
    auth=django_auth,
    operation_id="licences_create_trusted_issuer",
    summary="导入外部平台签发机构公钥",
)
@permissions.require_perm(LICENCES_MANAGE_TRUST)
def create_trusted_issuer(request, payload: TrustedIssuerIn):
    issuer = trust.import_trusted_issuer(
        pem=payload.public_pem,
        name=payload.name,
        issuer_code=payload.issuer_code,
        actor=request.user,
    )
    return Status(201, issuer)


@router.post(
    "/trusted-issuers/{issuer_id}/deactivate",
    response={200: TrustedIssuerOut, **ERRORS},
    auth=django_auth,
    operation_id="licences_deactivate_trusted_issuer",
    summary="停止信任",
)
@permissions.require_perm(LICENCES_MANAGE_TRUST)
def deactivate_trusted_issuer(request, issuer_id: int):
    issuer = trust.get_trusted_issuer(issuer_id)
    return trust.set_trusted_issuer_active(issuer, active=False, actor=request.user)


# --- export and status changes (per licence) -------------------------------------------------------
@router.get(
    "/{identifier}/export",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    operation_id="licences_export_licence",
    summary="导出签名数据、签名值与印章公钥（OpenSSL 可核验的 zip）",
)
def export_licence(request, identifier: str):
    from tongban.licences.selectors import DOWNLOAD, access_licence

    licence = access_licence(request.user, identifier, DOWNLOAD)
    content = export_zip(licence)
    verification.record_export(licence, user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.number}.zip"'
    return response


def export_zip(licence: Licence) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in verification.export_files(licence).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _staff_licence(request, identifier: str) -> Licence:
    """The licence if the user is staff of its issuer (view permission), else 404."""
    return permissions.access_object(
        Licence.objects.select_related("licence_type", "issuer"),
        request.user,
        LICENCES_VIEW_LICENCE,
        identifier=identifier,
    )


@router.post(
    "/{identifier}/revoke",
    response={200: LicenceStatusOut, **ERRORS},
    auth=django_auth,
    operation_id="licences_revoke_licence",
    summary="撤销证照（签发机构审批人员）",
)
def revoke(request, identifier: str, payload: ReasonIn):
    licence = _staff_licence(request, identifier)
    return revocation.revoke_licence(licence, actor=request.user, reason=payload.reason)


@router.post(
    "/{identifier}/suspend",
    response={200: LicenceStatusOut, **ERRORS},
    auth=django_auth,
    operation_id="licences_suspend_licence",
    summary="暂停证照（签发机构审批人员）",
)
def suspend(request, identifier: str, payload: ReasonIn):
    licence = _staff_licence(request, identifier)
    return revocation.suspend_licence(licence, actor=request.user, reason=payload.reason)


@router.post(
    "/{identifier}/reinstate",
    response={200: LicenceStatusOut, **ERRORS},
    auth=django_auth,
    operation_id="licences_reinstate_licence",
    summary="恢复证照（签发机构审批人员）",
)
def reinstate(request, identifier: str, payload: ReasonIn):
    licence = _staff_licence(request, identifier)
    return revocation.reinstate_licence(licence, actor=request.user, reason=payload.reason)
