"""The public share page (/my/licences/s/<token>/): no login; the licence with the purpose
watermark and its watermarked PDF. Every view is logged in the holder's usage log; an
unknown, expired or revoked link shows a Chinese error page (404/410) and logs nothing."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongban.core.exceptions import DomainError
from tongban.licences import selectors
from tongban.licences.responses import pdf_filename, pdf_response
from tongban.licences.services import rendering, sharing
from tongban.licences.views.wallet import licence_card


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _error(request, exc: DomainError):
    return _private(render(request, "licences/share_error.html", {"error": exc}, status=exc.status))


@require_GET
def share_page(request, token):
    try:
        licence, share = sharing.view_share(token)
    except DomainError as exc:
        return _error(request, exc)
    context = {
        "licence": licence,
        "share": share,
        "card": licence_card(licence),
        "rows": selectors.field_rows(licence),
        "watermark": rendering.share_watermark(share.purpose),
        "verify_url": rendering.verification_url(licence),
    }
    return _private(render(request, "licences/share_view.html", context))


@require_GET
def share_pdf(request, token):
    try:
        licence, share = sharing.open_share(token)
    except DomainError as exc:
        return _error(request, exc)
    data = rendering.render_pdf(licence, watermark=rendering.share_watermark(share.purpose))
    sharing.record_share_view(licence, share)
    return _private(pdf_response(data, pdf_filename(licence), attachment=False))
