"""The licence as an A4 PDF (版式文件): fields, seal, verification QR code, watermark.

``render_pdf(licence, *, watermark=None)`` draws one A4 page (more only when the fields do
not fit) in Chinese with reportlab: the type name as title, the holder, the fields in the
type's layout order, the identifier, the issuer and dates, the seal of the signing key's seal
over the issuer's name, a QR code of the verification URL and — for a share — a diagonal
"仅供…使用" watermark over everything. A licence that is not valid carries its status
("已撤销", "已过期"…) as a stamp.

Reportlab runs in invariant mode (no timestamps, fixed document id); the QR payload carries
a fresh SM2 signature, so the result is cached on disk under ``PRIVATE_MEDIA_ROOT/licences/pdf/`` (never under
``MEDIA_ROOT``: a licence is personal data served only through access-checked views). The
cache key is the identifier, version, status, watermark and ``RENDER_REVISION``, so a status
change (revocation, expiry) renders afresh and the old file is simply never read again.

``download_pdf(licence, *, actor)`` renders and then records the download in the holder's
usage log (``download``); if rendering fails nothing is recorded.

The CJK font is ``settings.PDF_FONT_PATH`` (a TTF/TTC, e.g. WenQuanYi Micro Hei); without it
every call raises ``pdf_font_missing`` (503) naming the setting.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings

from tongban.core import pdf
from tongban.core.crypto import sm3
from tongban.licences import selectors
from tongban.licences.errors_wallet import WalletError, error
from tongban.licences.models import LicenceUsage

RENDER_REVISION = "1"  # bump when the layout changes: old cache files are then ignored
FONT_NAME = pdf.FONT_NAME
SEAL_RED = (0.80, 0.07, 0.07)
PAGE_MARGIN = 36


# --- font -------------------------------------------------------------------------------------
def _font_missing(detail: str):
    return error(
        WalletError.PDF_FONT_MISSING,
        message=f"{error(WalletError.PDF_FONT_MISSING).message}：{detail}",
    )


def register_font() -> str:
    """Register the CJK font once per process; ``pdf_font_missing`` when it is absent."""
    return pdf.register_cjk_font(missing=_font_missing)


# --- cache ------------------------------------------------------------------------------------
def cache_dir() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "licences" / "pdf"


def _safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]", "_", text)[:120] or "_"


def cache_path(licence, watermark: str | None = None) -> Path:
    status = selectors.effective_status(licence)
    # The signature is part of the key: identifiers can repeat after a database reset (numbers
    # and demo issuer codes are deterministic), and an old PDF would carry a dead QR payload.
    signature = sm3.hexdigest(bytes(licence.signature_der))
    key = f"{RENDER_REVISION}|{licence.identifier}|{licence.version}|{status}|{watermark or ''}|{signature}"
    digest = sm3.hexdigest(key.encode("utf-8"))[:24]
    return cache_dir() / _safe(licence.identifier) / f"v{licence.version}-{status}-{digest}.pdf"


def render_pdf(licence, *, watermark: str | None = None) -> bytes:
    """The PDF of ``licence`` (cached, see the module docstring)."""
    watermark = (watermark or "").strip() or None
    path = cache_path(licence, watermark)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = build_pdf(licence, watermark=watermark)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)  # atomic: concurrent renders never expose a half file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return data


def download_pdf(licence, *, actor) -> bytes:
    """Render, then log the download (``download``) in the holder's usage log."""
    from tongban.licences.services import sharing

    data = render_pdf(licence)
    sharing.record_usage(
        licence,
        kind=LicenceUsage.Kind.DOWNLOAD,
        used_by=sharing.used_by_label(actor),
        purpose="下载版式文件",
        actor=actor,
    )
    return data


def share_watermark(purpose: str) -> str:
    return f"仅供{purpose}使用"


# --- the verification URL and seal (other modules, with fallbacks) ----------------------------
def verification_url(licence) -> str:
    try:
        from tongban.licences.services.verification import qr_url
    except ImportError:
        qr_url = None
    if qr_url is not None:
        return qr_url(licence)
    return f"{settings.SITE_URL.rstrip('/')}/verify/{licence.identifier}/"


def _draw_seal(canvas, cx: float, cy: float, size: float, licence, font: str) -> None:
    """The issuer's seal centred on (cx, cy)."""
    seal = licence.seal_key.seal if licence.seal_key_id else None
    try:
        from tongban.licences.seal_image import draw_seal
    except ImportError:
        draw_seal = None
    if draw_seal is not None and seal is not None:
        draw_seal(canvas, cx - size / 2, cy - size / 2, size, seal)
        return
    _fallback_seal(canvas, cx, cy, size, licence.issuer.full_name, font)


def _fallback_seal(canvas, cx, cy, size, name: str, font: str) -> None:
    import math

    radius = size / 2 - 2
    canvas.saveState()
    canvas.setStrokeColorRGB(*SEAL_RED)
    canvas.setFillColorRGB(*SEAL_RED)
    canvas.setLineWidth(3)
    canvas.circle(cx, cy, radius, stroke=1, fill=0)
    # the name along the upper arc
    chars = list(name)[:16]
    span = math.radians(min(240, 22 * len(chars)))
    font_size = size * 0.13
    for i, char in enumerate(chars):
        angle = math.pi / 2 + span / 2 - (span * (i + 0.5) / len(chars))
        x = cx + (radius - font_size) * math.cos(angle)
        y = cy + (radius - font_size) * math.sin(angle)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.rotate(math.degrees(angle) - 90)
        canvas.setFont(font, font_size)
        canvas.drawCentredString(0, -font_size / 3, char)
        canvas.restoreState()
    # five-pointed star
    star = canvas.beginPath()
    outer, inner = size * 0.16, size * 0.065
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = math.pi / 2 + k * math.pi / 5
        px, py = cx + r * math.cos(a), cy + r * math.sin(a)
        star.moveTo(px, py) if k == 0 else star.lineTo(px, py)
    star.close()
    canvas.drawPath(star, stroke=0, fill=1)
    canvas.restoreState()


# --- layout -----------------------------------------------------------------------------------
_draw_qr = pdf.draw_qr  # the QR code of the verification URL (shared with receipts)
wrap_text = pdf.wrap_text


def _validity(licence) -> str:
    start = licence.valid_from.isoformat()
    end = licence.valid_to.isoformat() if licence.valid_to else "长期"
    return f"{start} 至 {end}"


def _frame(canvas, width, height) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(0.55, 0.08, 0.08)
    canvas.setLineWidth(2.5)
    canvas.rect(
        PAGE_MARGIN - 12,
        PAGE_MARGIN - 12,
        width - 2 * (PAGE_MARGIN - 12),
        height - 2 * (PAGE_MARGIN - 12),
    )
    canvas.setLineWidth(0.6)
    canvas.rect(
        PAGE_MARGIN - 6,
        PAGE_MARGIN - 6,
        width - 2 * (PAGE_MARGIN - 6),
        height - 2 * (PAGE_MARGIN - 6),
    )
    canvas.restoreState()


def _watermark(canvas, text: str, font: str, width, height) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = 26
    step_x = stringWidth(text, font, size) + 70
    canvas.saveState()
    canvas.setFillColorRGB(0.45, 0.45, 0.45)
    canvas.setFillAlpha(0.22)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.setFont(font, size)
    reach = int(max(width, height))
    for row, y in enumerate(range(-reach, reach, 110)):
        offset = (row % 2) * step_x / 2
        x = -reach + offset
        while x < reach:
            canvas.drawString(x, y, text)
            x += step_x
    canvas.restoreState()


def _status_stamp(canvas, label: str, font: str, width, height) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(*SEAL_RED)
    canvas.setFillColorRGB(*SEAL_RED)
    canvas.setFillAlpha(0.55)
    canvas.setStrokeAlpha(0.55)
    canvas.translate(width / 2, height / 2 + 80)
    canvas.rotate(-18)
    canvas.setLineWidth(3)
    canvas.roundRect(-130, -32, 260, 64, 10, stroke=1, fill=0)
    canvas.setFont(font, 34)
    canvas.drawCentredString(0, -12, label)
    canvas.restoreState()


def build_pdf(licence, *, watermark: str | None = None) -> bytes:
    """Draw the PDF (no cache). See the module docstring for what is on the page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    font = register_font()
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    type_name = licence.licence_type.name
    canvas.setTitle(type_name)
    canvas.setAuthor(licence.issuer.full_name)
    canvas.setSubject(licence.identifier)
    canvas.setCreator("Tongban 通办")

    left = PAGE_MARGIN + 24
    right = width - PAGE_MARGIN - 24
    label_width = 118
    value_x = left + label_width
    value_width = right - value_x
    bottom_block = 250  # the identifier, issuer, seal and QR code live below this line
    status = selectors.effective_status(licence)

    def page_furniture():
        _frame(canvas, width, height)
        if status != licence.Status.VALID:
            _status_stamp(canvas, selectors.status_label(status), font, width, height)

    def finish_page():
        if watermark:
            _watermark(canvas, watermark, font, width, height)

    page_furniture()
    # title
    canvas.setFillColorRGB(0.55, 0.08, 0.08)
    canvas.setFont(font, 28)
    canvas.drawCentredString(width / 2, height - PAGE_MARGIN - 62, type_name)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    canvas.setFont(font, 10)
    canvas.drawCentredString(
        width / 2,
        height - PAGE_MARGIN - 84,
        f"电子证照 · 证照编号 {licence.number} · 第 {licence.version} 版",
    )
    if watermark:  # once in plain words under the title, then tiled across the page
        canvas.setFillColorRGB(*SEAL_RED)
        canvas.setFont(font, 12)
        canvas.drawCentredString(width / 2, height - PAGE_MARGIN - 104, f"{watermark}，他用无效")
    canvas.setFillColorRGB(0, 0, 0)

    rows = selectors.field_rows(licence)
    roles = {row["role"] for row in rows}
    holder_rows = []
    if "holder_name" not in roles:
        holder_rows.append({"label": "持证主体", "value": licence.holder_name})
    if "holder_code" not in roles:
        code_label = "统一社会信用代码" if licence.holder_type == "legal" else "公民身份号码"
        holder_rows.append({"label": code_label, "value": licence.holder_code})
    rows = holder_rows + rows
    y = height - PAGE_MARGIN - 134
    size, leading = 12, 17
    for row in rows:
        lines = wrap_text(row["value"], font, size, value_width) or [""]
        needed = leading * len(lines) + 8
        if y - needed < bottom_block:
            finish_page()
            canvas.showPage()
            page_furniture()
            y = height - PAGE_MARGIN - 50
        canvas.setFont(font, size)
        canvas.setFillColorRGB(0.35, 0.35, 0.35)
        canvas.drawString(left, y, str(row["label"]))
        canvas.setFillColorRGB(0, 0, 0)
        for line in lines:
            canvas.drawString(value_x, y, line)
            y -= leading
        canvas.setStrokeColorRGB(0.85, 0.85, 0.85)
        canvas.setLineWidth(0.5)
        canvas.line(left, y + leading - 6 - 2, right, y + leading - 6 - 2)
        y -= 8

    # bottom block: validity, identifier, QR code, issuer and seal
    canvas.setFont(font, 11)
    canvas.drawString(left, bottom_block - 10, f"有效期限：{_validity(licence)}")
    canvas.drawString(left, bottom_block - 28, f"颁证日期：{licence.issued_on.isoformat()}")
    canvas.setFont(font, 8)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    canvas.drawString(left, bottom_block - 46, f"证照标识：{licence.identifier}")
    qr_size = 112
    _draw_qr(canvas, verification_url(licence), left - 6, PAGE_MARGIN + 26, qr_size)
    canvas.setFont(font, 9)
    canvas.drawString(left, PAGE_MARGIN + 14, "扫码核验真伪")
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 13)
    issuer_x = right - 90
    canvas.drawCentredString(issuer_x, PAGE_MARGIN + 96, licence.issuer.full_name)
    canvas.setFont(font, 11)
    canvas.drawCentredString(issuer_x, PAGE_MARGIN + 76, licence.issued_on.strftime("%Y年%m月%d日"))
    _draw_seal(canvas, issuer_x, PAGE_MARGIN + 96, 130, licence, font)
    canvas.setFont(font, 7)
    canvas.setFillColorRGB(0.45, 0.45, 0.45)
    canvas.drawRightString(
        right, PAGE_MARGIN + 6, "本证照由电子印章签章，可扫码或在平台“证照核验”页面核验。"
    )
    finish_page()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
