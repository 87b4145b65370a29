"""Building blocks of the platform's PDFs (licences, payment receipts): the CJK font, QR
codes and line breaking for reportlab.

* ``register_cjk_font(missing=...)`` registers ``settings.PDF_FONT_PATH`` (a TTF/TTC, e.g.
  WenQuanYi Micro Hei) once per process under ``FONT_NAME`` and returns that name. Without a
  usable font file it raises ``missing(detail)`` — each app names its own error code — or by
  default ``DomainError("pdf_font_missing", …, status=503)`` naming the setting.
* ``draw_qr(canvas, data, x, y, size)`` draws the QR code of ``data`` (segno, error level M,
  generated locally) in a square.
* ``wrap_text(text, font, size, width)`` breaks CJK text, which has no spaces, into lines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tongban.core.exceptions import DomainError

FONT_NAME = "TongbanCJK"
PDF_FONT_MISSING = "pdf_font_missing"

_font_lock = threading.Lock()
_font_path_registered: str | None = None


def _default_missing(detail: str) -> DomainError:
    return DomainError(
        PDF_FONT_MISSING,
        _("无法生成 PDF：服务器缺少中文字体文件（请运维人员设置 TONGBAN_PDF_FONT）")
        + f"：{detail}",
        status=503,
    )


def register_cjk_font(*, missing: Callable[[str], Exception] | None = None) -> str:
    """Register the CJK font once per process and return its reportlab name (see the module
    docstring for ``missing``)."""
    global _font_path_registered
    path = str(getattr(settings, "PDF_FONT_PATH", "") or "")
    if _font_path_registered == path:
        return FONT_NAME
    missing = missing or _default_missing
    with _font_lock:
        if _font_path_registered == path:
            return FONT_NAME
        if not path or not Path(path).is_file():
            raise missing(path or "（未设置）")
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
        try:
            font = TTFont(FONT_NAME, path, **kwargs)
        except Exception as exc:  # a broken or non-TrueType file
            raise missing(f"{path}（{exc}）") from exc
        pdfmetrics.registerFont(font)
        _font_path_registered = path
    return FONT_NAME


def draw_qr(canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code of ``data`` in the square (x, y, size) as one filled path of the dark
    module runs. The matrix comes from segno: about eight times faster than reportlab's QR
    widget for a long verification URL (see bench/bench_licence_render.py)."""
    import segno

    matrix = segno.make(data, error="m").matrix
    modules = len(matrix)
    quiet = 2  # modules of white margin inside the square
    unit = size / (modules + 2 * quiet)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (quiet + row_index + 1) * unit
        col = 0
        while col < modules:
            if row[col]:
                start = col
                while col < modules and row[col]:
                    col += 1
                path.rect(x + (quiet + start) * unit, top, (col - start) * unit, unit)
            else:
                col += 1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (CJK text has no spaces to break
    at, so this measures character by character; explicit newlines are kept)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines
