"""The receipt as a PDF (版式文件): A5 landscape, laid out like a paper 非税收入统一票据.

``render_receipt_pdf(receipt)`` draws, in Chinese: the QR code of the public verification URL
(top left; 代码 + 号码 + 校验码 in the URL, so a scan opens the verdict), the title (the province's
name + ``PAYMENTS_RECEIPT_TITLE``), 票据代码 / 票据号码 / 校验码 / 开票日期 (top right), the payer
and the 缴款码, the items (name, 执收依据, 预算科目, amount), the total in words (大写) and in
figures (小写), the collecting department with its finance seal (财务专用章) over its name, and a
line telling how to verify. More pages only when the items do not fit.

Reportlab runs in invariant mode (no timestamps, fixed document id) and the page holds nothing
that changes between renders, so the same receipt always gives the same bytes: nothing is
cached, each download renders afresh (a few milliseconds). The CJK font and the QR drawing are
the shared helpers of ``tongban.core.pdf``; the seal drawing is ``core.signing.seal_image``.
"""

from __future__ import annotations

import io

from django.conf import settings

from tongban.core import pdf
from tongban.core.codes import divisions
from tongban.core.signing.seal_image import draw_seal_texts
from tongban.payments.errors_receipts import ReceiptError, error
from tongban.payments.services import receipts as receipt_service
from tongban.payments.services.finance_seals import PURPOSE
from tongban.payments.services.receipt_numbers import amount_in_words, yuan

DARK_RED = (0.55, 0.08, 0.08)
GREY = (0.35, 0.35, 0.35)
MARGIN = 28
DEFAULT_TITLE = "非税收入统一票据（电子）"


def _font_missing(detail: str):
    return error(
        ReceiptError.PDF_FONT_MISSING,
        message=f"{error(ReceiptError.PDF_FONT_MISSING).message}：{detail}",
    )


def receipt_title(receipt) -> str:
    """The province's name + the receipt title (``广东省非税收入统一票据（电子）``)."""
    title = str(getattr(settings, "PAYMENTS_RECEIPT_TITLE", "") or DEFAULT_TITLE)
    province = divisions.get(f"{receipt.code[:2]}0000")
    return f"{province.name}{title}" if province is not None else title


def filename(receipt) -> str:
    return f"财政电子票据-{receipt.code}-{receipt.number}.pdf"


def render_receipt_pdf(receipt) -> bytes:
    """The receipt's PDF (see the module docstring); ``receipt_pdf_font_missing`` (503)
    without the CJK font."""
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfgen.canvas import Canvas

    font = pdf.register_cjk_font(missing=_font_missing)
    width, height = landscape(A5)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1)
    title = receipt_title(receipt)
    canvas.setTitle(title)
    canvas.setAuthor(receipt.payee_name)
    canvas.setSubject(f"{receipt.code} {receipt.number}")
    canvas.setCreator("Tongban 通办")

    left, right = MARGIN, width - MARGIN
    columns = [  # (label, x, width, right-aligned)
        ("项目名称", left + 6, 150, False),
        ("执收依据", left + 162, 150, False),
        ("预算科目", left + 318, 90, False),
        ("金额（元）", right - 6, 110, True),
    ]
    size, leading = 9, 12
    bottom = MARGIN + 130  # the total, the payee, the seal and the note live below this line

    def frame():
        canvas.saveState()
        canvas.setStrokeColorRGB(*DARK_RED)
        canvas.setLineWidth(1.2)
        canvas.rect(MARGIN - 8, MARGIN - 8, width - 2 * (MARGIN - 8), height - 2 * (MARGIN - 8))
        canvas.restoreState()

    def header() -> float:
        frame()
        qr_size = 74
        pdf.draw_qr(
            canvas,
            receipt_service.verification_url(receipt),
            left - 4,
            height - MARGIN - qr_size + 4,
            qr_size,
        )
        canvas.setFillColorRGB(*DARK_RED)
        canvas.setFont(font, 15)
        canvas.drawCentredString(width / 2, height - MARGIN - 24, title)
        if receipt.is_reversal:
            canvas.setFont(font, 11)
            original = receipt.original
            canvas.drawCentredString(
                width / 2,
                height - MARGIN - 50,
                f"红字票据（冲红） 原票据：{original.code} {original.number}",
            )
        canvas.setLineWidth(0.8)
        canvas.setStrokeColorRGB(*DARK_RED)
        canvas.line(width / 2 - 130, height - MARGIN - 31, width / 2 + 130, height - MARGIN - 31)
        canvas.line(width / 2 - 130, height - MARGIN - 34, width / 2 + 130, height - MARGIN - 34)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(font, 9)
        issued = receipt_service.issued_at_text(receipt.issued_at)
        facts = [
            f"票据代码：{receipt.code}",
            f"票据号码：{receipt.number}",
            f"校验码：{receipt.check_code}",
            f"开票日期：{issued[:10]}",
        ]
        for index, text in enumerate(facts):
            canvas.drawString(right - 118, height - MARGIN - 8 - index * 13, text)
        y = height - MARGIN - 92
        canvas.drawString(left, y, f"交款人：{receipt.payer_name}")
        if receipt.payer_id_number:
            canvas.drawString(left + 200, y, f"交款人证件号码：{receipt.payer_id_number}")
        y -= 14
        canvas.drawString(left, y, f"缴款码：{receipt.payment_code}")
        canvas.drawString(left + 200, y, f"开票时间：{issued[:10]} {issued[11:19]}")
        y -= 10
        canvas.setStrokeColorRGB(*DARK_RED)
        canvas.setLineWidth(0.8)
        canvas.line(left, y, right, y)
        y -= 13
        canvas.setFillColorRGB(*GREY)
        for label, x, _w, align_right in columns:
            (canvas.drawRightString if align_right else canvas.drawString)(x, y, label)
        canvas.setFillColorRGB(0, 0, 0)
        y -= 5
        canvas.setLineWidth(0.4)
        canvas.line(left, y, right, y)
        return y - 12

    y = header()
    for item in receipt.items:
        cells = [
            pdf.wrap_text(item["name"], font, size, columns[0][2]) or [""],
            pdf.wrap_text(item["basis"] or "—", font, size, columns[1][2]) or [""],
            pdf.wrap_text(item["budget_account"] or "—", font, size, columns[2][2]) or [""],
        ]
        lines = max(len(cell) for cell in cells)
        if y - leading * lines < bottom:
            canvas.showPage()
            y = header()
        canvas.setFont(font, size)
        for cell, (_label, x, _w, _r) in zip(cells, columns[:3], strict=False):
            for offset, line in enumerate(cell):
                canvas.drawString(x, y - offset * leading, line)
        canvas.drawRightString(columns[3][1], y, yuan(item["amount"]))
        y -= leading * lines + 4

    # total, payee with the finance seal, verification note
    canvas.setStrokeColorRGB(*DARK_RED)
    canvas.setLineWidth(0.8)
    canvas.line(left, bottom, right, bottom)
    canvas.setFont(font, 10)
    canvas.setFillColorRGB(0, 0, 0)
    sign = -1 if receipt.is_reversal else 1
    words = ("负" if sign < 0 else "") + amount_in_words(receipt.amount)
    canvas.drawString(left, bottom - 16, f"金额合计（大写）：人民币{words}")
    canvas.drawRightString(right - 6, bottom - 16, f"（小写）¥{yuan(sign * receipt.amount)}")
    canvas.line(left, bottom - 24, right, bottom - 24)
    canvas.setFont(font, 10)
    payee_y = bottom - 64
    canvas.drawString(left, payee_y, f"收款单位（章）：{receipt.payee_name}")
    seal_size = 78
    seal_x = left + 110
    draw_seal_texts(
        canvas,
        seal_x,
        payee_y + 3 - seal_size / 2,
        seal_size,
        receipt.payee_name,
        PURPOSE,
        font_name=font,
    )
    canvas.setFont(font, 8)
    canvas.setFillColorRGB(*GREY)
    canvas.drawRightString(right - 6, payee_y, f"印章编码：{receipt.finance_seal.esid}")
    note = (
        "本票据由执收单位财务专用章电子签名（SM2），与纸质票据具有同等效力。"
        "扫描左上角二维码，或在平台“票据核验”页面输入票据代码、票据号码和校验码核验真伪。"
    )
    for index, line in enumerate(pdf.wrap_text(note, font, 8, right - left)):
        canvas.drawString(left, MARGIN + 6 - index * 10 + 10, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
