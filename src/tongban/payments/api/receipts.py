"""Payments API: fiscal electronic receipts (财政电子票据), under /api/v1/payments/.

* ``GET /receipts/verify?code=&number=&check_code=`` — public: verify a receipt (masked
  payer). A wrong 校验码 answers ``receipt_not_found`` like a missing receipt; too many failed
  look-ups from one client IP answer ``receipt_verify_rate_limited`` (429).
* ``GET /my/receipts`` — the signed-in person's receipts ("我的票据", paginated);
  ``GET /my/receipts/{code}/{number}`` — one of them (verified now);
  ``GET /my/receipts/{code}/{number}/pdf`` — its PDF;
  ``GET /my/receipts/{code}/{number}/bundle`` — the OpenSSL verification bundle (zip).
  Another person's receipt is ``receipt_not_found`` (404).
* ``GET /receipts`` — staff with ``payments.view_receipt`` (财务, 审计): receipts of their units.

Error codes: ``tongban.payments.errors_receipts``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.core import permissions
from tongban.core.middleware import client_ip
from tongban.core.schemas import ErrorOut
from tongban.payments import receipt_pdf
from tongban.payments.models import Receipt
from tongban.payments.permissions_receipts import PAYMENTS_VIEW_RECEIPT
from tongban.payments.services import receipts as service
from tongban.payments.services.receipt_numbers import amount_in_words, yuan

router = Router(tags=["payments: receipts"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ReceiptItemOut(Schema):
    name: str
    basis: str
    budget_account: str
    amount: int = Field(..., description="fen")
    amount_yuan: str


class ReceiptVerificationOut(Schema):
    code: str = Field(..., description="票据代码 (8 digits)")
    number: str = Field(..., description="票据号码 (10 digits)")
    check_code: str = Field(..., description="校验码: first 6 hex of SM3(signed data)")
    kind: str = Field(..., description="normal | reversal (红字票据, amounts negative)")
    kind_label: str
    original_code: str = Field(..., description="reversal: the original receipt's code")
    original_number: str
    valid: bool = Field(..., description="genuine and not fully refunded")
    status: str = Field(..., description="valid | partially_refunded | refunded | invalid")
    signature_ok: bool
    refunded_amount: int = Field(..., description="fen refunded of the receipted payment")
    refunded_amount_yuan: str
    reason: str = Field(
        ...,
        description="'' when valid; a core.signing reason, data_mismatch or check_code_mismatch",
    )
    message: str
    issued_at: dt.datetime
    payer_name: str = Field(..., description="masked")
    payer_id_number: str = Field(..., description="masked")
    payee_name: str
    payment_code: str
    items: list[ReceiptItemOut]
    amount: int = Field(..., description="fen")
    amount_yuan: str
    amount_in_words: str = Field(..., description="金额大写, e.g. 陆拾元整")
    seal_name: str
    esid: str
    signed_at: dt.datetime | None


class ReceiptOut(Schema):
    code: str
    number: str
    check_code: str
    kind: str = Field(..., description="normal | reversal (红字票据, amounts negative)")
    original_code: str = Field(..., description="reversal: the original receipt's code")
    original_number: str
    payment_code: str
    payer_name: str
    payer_id_number: str
    payee_name: str
    items: list[ReceiptItemOut]
    amount: int = Field(..., description="fen; negative on a reversal receipt")
    amount_yuan: str
    amount_in_words: str
    issued_at: dt.datetime
    verify_url: str


class ReceiptDetailOut(ReceiptOut):
    valid: bool
    status: str = Field(..., description="valid | partially_refunded | refunded | invalid")
    refunded_amount: int = Field(..., description="fen")
    signature_ok: bool
    reason: str
    message: str
    seal_name: str
    esid: str


def _items(receipt: Receipt) -> list[dict]:
    return [{**item, "amount_yuan": yuan(item["amount"])} for item in receipt.items]


def _out(receipt: Receipt) -> dict:
    sign = -1 if receipt.is_reversal else 1
    original = receipt.original if receipt.original_id else None
    return {
        "code": receipt.code,
        "number": receipt.number,
        "check_code": receipt.check_code,
        "kind": receipt.kind,
        "original_code": original.code if original else "",
        "original_number": original.number if original else "",
        "payment_code": receipt.payment_code,
        "payer_name": receipt.payer_name,
        "payer_id_number": receipt.payer_id_number,
        "payee_name": receipt.payee_name,
        "items": _items(receipt),
        "amount": sign * receipt.amount,
        "amount_yuan": yuan(sign * receipt.amount),
        "amount_in_words": ("负" if sign < 0 else "") + amount_in_words(receipt.amount),
        "issued_at": receipt.issued_at,
        "verify_url": service.verification_url(receipt),
    }


def _private(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/receipts/verify",
    auth=None,
    response={200: ReceiptVerificationOut, 429: ErrorOut, **ERRORS},
    operation_id="payments_verify_receipt",
    summary="核验财政电子票据（公开）",
)
def verify_receipt(request, code: str, number: str, check_code: str):
    check = service.verify_public(code, number, check_code, client_ip=client_ip(request))
    return check.public_data()


@router.get(
    "/my/receipts",
    auth=django_auth,
    response=list[ReceiptOut],
    operation_id="payments_list_my_receipts",
    summary="我的票据",
)
@paginate(PageNumberPagination, page_size=50)
def list_my_receipts(request):
    return [_out(receipt) for receipt in service.receipts_of(request.user)[:1000]]


@router.get(
    "/my/receipts/{code}/{number}",
    auth=django_auth,
    response={200: ReceiptDetailOut, **ERRORS},
    operation_id="payments_get_my_receipt",
    summary="我的票据：详情（含核验结果）",
)
def get_my_receipt(request, code: str, number: str):
    receipt = service.access_receipt(request.user, code, number)
    check = service.verify_receipt(receipt)
    return {
        **_out(receipt),
        "valid": check.valid,
        "status": check.status,
        "refunded_amount": check.refunded_amount,
        "signature_ok": check.signature_ok,
        "reason": check.reason,
        "message": check.message,
        "seal_name": check.seal_name or receipt.finance_seal.name,
        "esid": check.esid or receipt.finance_seal.esid,
    }


@router.get(
    "/my/receipts/{code}/{number}/pdf",
    auth=django_auth,
    response={200: None, 503: ErrorOut, **ERRORS},
    operation_id="payments_download_my_receipt",
    summary="我的票据：下载版式文件（PDF）",
)
def download_my_receipt(request, code: str, number: str):
    receipt = service.access_receipt(request.user, code, number)
    data = receipt_pdf.render_receipt_pdf(receipt)
    return _private(
        HttpResponse(data, content_type="application/pdf"), receipt_pdf.filename(receipt)
    )


@router.get(
    "/my/receipts/{code}/{number}/bundle",
    auth=django_auth,
    response={200: None, **ERRORS},
    operation_id="payments_export_my_receipt",
    summary="我的票据：OpenSSL 核验包（zip）",
)
def export_my_receipt(request, code: str, number: str):
    receipt = service.access_receipt(request.user, code, number)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in service.openssl_bundle(receipt).items():
            archive.writestr(name, content)
    return _private(
        HttpResponse(buffer.getvalue(), content_type="application/zip"),
        f"receipt-{receipt.code}-{receipt.number}.zip",
    )


@router.get(
    "/receipts",
    auth=django_auth,
    response={200: list[ReceiptOut], **ERRORS},
    operation_id="payments_list_receipts",
    summary="本单位开具的票据（财务、审计）",
)
@permissions.require_perm(PAYMENTS_VIEW_RECEIPT)
@paginate(PageNumberPagination, page_size=50)
def list_receipts(request, payment_code: str = ""):
    receipts = (
        Receipt.objects.restrict(request.user, PAYMENTS_VIEW_RECEIPT)
        .select_related("org_unit", "original")
        .order_by("-issued_at", "-pk")
    )
    if payment_code:
        receipts = receipts.filter(payment_code=payment_code.strip())
    return [_out(receipt) for receipt in receipts[:1000]]
