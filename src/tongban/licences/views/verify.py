"""Public verification pages (证照核验), mounted at /verify/ — no login.

* ``/verify/`` — a form to type an identifier (or paste the code under a QR image);
* ``/verify/<identifier>/`` — the verdict for an identifier;
* ``/verify/q/<payload>/`` — what a licence's QR code opens: the payload's signature is
  checked and the licence's current status looked up.

Only masked holder data is shown. Every verification of a licence found here is written to
the holder's usage log (kind ``verification``, used by "公众核验").
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tongban.core import masking
from tongban.core.exceptions import DomainError, NotFound
from tongban.licences.services import verification


def _context(result, *, via_qr: bool = False) -> dict:
    return {
        "result": result,
        "via_qr": via_qr,
        "status_reason": masking.mask_text(result.status_reason),
        "checked_at": timezone.localtime(),
    }


@require_GET
def verify_form(request):
    identifier = (request.GET.get("identifier") or "").strip()
    error = None
    if identifier:
        try:
            cleaned = verification.clean_identifier(identifier)
        except DomainError as exc:
            error = exc
        else:
            return redirect("verify:verify_licence", identifier=cleaned)
    return render(
        request,
        "licences/verify_form.html",
        {"identifier": identifier, "error": error},
        status=400 if error else 200,
    )


@require_GET
def verify_licence(request, identifier: str):
    try:
        result = verification.verify_identifier(identifier)
    except NotFound:
        return render(
            request, "licences/verify_not_found.html", {"identifier": identifier}, status=404
        )
    except DomainError as exc:
        return render(
            request,
            "licences/verify_form.html",
            {"identifier": identifier, "error": exc},
            status=400,
        )
    verification.record_verification(result.licence)
    return render(request, "licences/verify_result.html", _context(result))


@require_GET
def verify_qr(request, payload: str):
    try:
        result = verification.verify_offline_payload(payload)
    except DomainError as exc:
        return render(
            request, "licences/verify_form.html", {"identifier": "", "error": exc}, status=400
        )
    if result.licence is not None:
        verification.record_verification(result.licence, purpose="扫码核验")
    return render(request, "licences/verify_result.html", _context(result, via_qr=True))
