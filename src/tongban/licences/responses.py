"""HTTP helpers shared by the wallet pages and the wallet API."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def pdf_filename(licence) -> str:
    return f"{licence.licence_type.name}-{licence.number}-v{licence.version}.pdf"


def pdf_response(data: bytes, filename: str, *, attachment: bool = True) -> HttpResponse:
    """A private, never-cached PDF response (licences are personal data)."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
