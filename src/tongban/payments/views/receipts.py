"""Receipt pages: "我的票据" (/my/receipts/, the payer's own receipts) and the public
verification (/receipts/verify/, no login).

* ``/my/receipts/`` — the list; ``<code>/<number>/`` — the receipt with its verification
  verdict; ``…/pdf/`` — the PDF; ``…/bundle/`` — the OpenSSL verification bundle (zip).
  Another person's receipt is a 404 (``services.receipts.access_receipt``).
* ``/receipts/verify/`` — a form for 票据代码 + 票据号码 + 校验码;
  ``/receipts/verify/<code>/<number>/<check_code>/`` — the verdict (what the QR code opens).
  Only masked payer data is shown; failed look-ups are rate-limited per client IP.
"""

from __future__ import annotations

import io
import zipfile

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from tongban.core.exceptions import DomainError, NotFound
from tongban.core.middleware import client_ip
from tongban.core.qr import qr_svg
from tongban.payments import receipt_pdf
from tongban.payments.errors_receipts import ReceiptError
from tongban.payments.services import receipt_numbers
from tongban.payments.services import receipts as service

PAGE_SIZE = 20
VERIFY_FIELDS = ("code", "number", "check_code")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return _private(response)


def _error_page(request, exc: DomainError):
    return render(request, "core/domain_error.html", {"error": exc}, status=exc.status)


# --- 我的票据 ----------------------------------------------------------------------------------
@require_GET
@login_required
def receipt_list(request):
    page = Paginator(service.receipts_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "receipt": receipt,
            "amount_yuan": receipt_numbers.yuan(
                -receipt.amount if receipt.is_reversal else receipt.amount
            ),
            "title": receipt.items[0]["name"] if receipt.items else "",
        }
        for receipt in page.object_list
    ]
    return _private(render(request, "payments/receipt_list.html", {"page": page, "rows": rows}))


@require_GET
@login_required
def receipt_detail(request, code: str, number: str):
    try:
        receipt = service.access_receipt(request.user, code, number)
    except NotFound as exc:
        return _error_page(request, exc)
    check = service.verify_receipt(receipt)
    url = service.verification_url(receipt)
    context = {
        "receipt": receipt,
        "check": check,
        "data": check.public_data(),
        "payer_id_number": receipt.payer_id_number,
        "verify_url": url,
        "qr": qr_svg(url),
    }
    return _private(render(request, "payments/receipt_detail.html", context))


@require_GET
@login_required
def receipt_pdf_download(request, code: str, number: str):
    try:
        receipt = service.access_receipt(request.user, code, number)
        data = receipt_pdf.render_receipt_pdf(receipt)
    except DomainError as exc:
        return _error_page(request, exc)
    return _download(data, "application/pdf", receipt_pdf.filename(receipt))


@require_GET
@login_required
def receipt_bundle(request, code: str, number: str):
    try:
        receipt = service.access_receipt(request.user, code, number)
    except NotFound as exc:
        return _error_page(request, exc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in service.openssl_bundle(receipt).items():
            archive.writestr(name, content)
    filename = f"票据核验包-{receipt.code}-{receipt.number}.zip"
    return _download(buffer.getvalue(), "application/zip", filename)


# --- public verification ----------------------------------------------------------------------
@require_GET
def verify_form(request):
    values = {name: (request.GET.get(name) or "").strip() for name in VERIFY_FIELDS}
    errors: dict[str, str] = {}
    if any(values.values()):
        cleaners = {
            "code": receipt_numbers.clean_code,
            "number": receipt_numbers.clean_number,
            "check_code": receipt_numbers.clean_check_code,
        }
        cleaned = {}
        for name, clean in cleaners.items():
            try:
                cleaned[name] = clean(values[name])
            except DomainError as exc:
                errors[name] = exc.message
        if not errors:
            return redirect(
                "payments_receipt_verify:receipt_verify_result",
                cleaned["code"],
                cleaned["number"],
                cleaned["check_code"],
            )
    return render(
        request,
        "payments/receipt_verify_form.html",
        {"values": values, "errors": errors},
        status=400 if errors else 200,
    )


@require_GET
def verify_result(request, code: str, number: str, check_code: str):
    values = {"code": code, "number": number, "check_code": check_code}
    try:
        check = service.verify_public(code, number, check_code, client_ip=client_ip(request))
    except DomainError as exc:
        errors = {exc.field or "form": exc.message}
        rate_limited = exc.code == ReceiptError.VERIFY_RATE_LIMITED
        return render(
            request,
            "payments/receipt_verify_form.html",
            {"values": values, "errors": errors, "rate_limited": rate_limited},
            status=exc.status,
        )
    return render(
        request,
        "payments/receipt_verify_result.html",
        {"check": check, "data": check.public_data()},
    )
