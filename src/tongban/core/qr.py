"""QR codes generated locally (segno; no external service): an inline SVG for pages.

from tongban.core.qr import qr_svg
context["qr"] = qr_svg(url)          # safe to output with {{ qr }}
"""

import segno
from django.utils.html import mark_safe


def qr_svg(data: str, scale: int = 3) -> str:
    """An inline SVG QR code of ``data`` (error correction level M)."""
    return mark_safe(segno.make(data, error="m").svg_inline(scale=scale))  # noqa: S308
