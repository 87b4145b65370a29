"""The shared PDF helpers (core.pdf) and the seal image (core.signing.seal_image)."""

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from tongban.core import pdf
from tongban.core.exceptions import DomainError
from tongban.core.signing.seal_image import draw_seal_texts, split_seal_name, svg_for


def test_missing_font_default_error_names_the_setting(settings):
    settings.PDF_FONT_PATH = "/nonexistent/font.ttc"
    registered = pdf._font_path_registered
    try:
        with pytest.raises(DomainError) as exc:
            pdf.register_cjk_font()
    finally:
        pdf._font_path_registered = registered
    assert exc.value.code == "pdf_font_missing" and exc.value.status == 503
    assert "TONGBAN_PDF_FONT" in exc.value.message and "/nonexistent/font.ttc" in exc.value.message


def test_missing_font_uses_the_callers_error(settings):
    settings.PDF_FONT_PATH = ""
    registered = pdf._font_path_registered
    try:
        with pytest.raises(LookupError, match="（未设置）"):
            pdf.register_cjk_font(missing=LookupError)
    finally:
        pdf._font_path_registered = registered


def test_wrap_text_breaks_cjk_and_keeps_newlines():
    font = pdf.register_cjk_font()
    lines = pdf.wrap_text("收费项目" * 20 + "\n备注", font, 10, 100)
    assert len(lines) > 2 and lines[-1] == "备注"
    assert "".join(lines[:-1]) == "收费项目" * 20


def test_qr_and_seal_draw_on_a_canvas():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    pdf.draw_qr(canvas, "https://example.org/receipts/verify/", 10, 10, 100)
    draw_seal_texts(canvas, 200, 200, 90, "广州市公安局", "财务专用章")
    canvas.showPage()
    canvas.save()
    assert buffer.getvalue().startswith(b"%PDF")


def test_seal_texts_and_svg():
    assert split_seal_name("广州市公安局", "广州市公安局财务专用章") == (
        "广州市公安局",
        "财务专用章",
    )
    assert split_seal_name("广州市公安局", "某章") == ("广州市公安局", "电子印章")
    svg = svg_for("广州市公安局", "财务专用章", title="广州市公安局财务专用章")
    assert svg == svg_for("广州市公安局", "财务专用章", title="广州市公安局财务专用章")
    assert "财务专用章</text>" in svg and "<title>广州市公安局财务专用章</title>" in svg
