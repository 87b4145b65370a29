"""The receipt PDF: Chinese text, amounts in words, the finance seal, a QR code that opens the
verification page."""

import shutil
import subprocess

import pytest

from tongban.core.exceptions import DomainError
from tongban.payments import receipt_pdf
from tongban.payments.services import receipts
from tongban.payments.tests.factories_receipts import PaidOrderFactory, issue
from tongban.testing.fixtures import skip_unless

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(gz_market_dept, citizen):
    items = [
        {"name": "往来港澳通行证", "basis": "粤发改价格", "amount": 6000, "budget_account": "103"},
        {"name": "签注费（多次往返）" * 6, "basis": "", "amount": 1500, "budget_account": ""},
    ]
    return issue(PaidOrderFactory(org_unit=gz_market_dept, payer=citizen, items=items, amount=7500))


def pdf_text(data: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    skip_unless(pdftotext is not None, "pdftotext (poppler-utils) is needed")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_pdf_holds_the_receipt(receipt, tmp_path):
    data = receipt_pdf.render_receipt_pdf(receipt)
    assert data.startswith(b"%PDF-")
    assert data == receipt_pdf.render_receipt_pdf(receipt)  # deterministic
    text = "".join(pdf_text(data, tmp_path).split())
    assert "广东省非税收入统一票据（电子）" in text
    for expected in (receipt.code, receipt.number, receipt.check_code, receipt.payment_code):
        assert expected in text
    assert "人民币柒拾伍元整" in text and "¥75.00" in text
    assert "往来港澳通行证" in text and "60.00" in text and "15.00" in text
    assert "广州市市场监督管理局" in text and "财务专用章" in text


def test_qr_code_opens_the_verification_page(receipt, tmp_path, client):
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    skip_unless(
        bool(pdftoppm and zbarimg), "pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed"
    )
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(receipt_pdf.render_receipt_pdf(receipt))
    subprocess.run([pdftoppm, "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        [zbarimg, "-q", "--raw", str(image)], capture_output=True, text=True
    ).stdout.strip()
    assert decoded == receipts.verification_url(receipt)
    path = decoded.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and 'data-valid="1"' in response.content.decode()


def test_missing_font_is_a_clear_503(receipt, settings):
    from tongban.core import pdf

    settings.PDF_FONT_PATH = "/nonexistent/font.ttc"
    registered = pdf._font_path_registered
    try:
        with pytest.raises(DomainError) as exc:
            receipt_pdf.render_receipt_pdf(receipt)
    finally:
        pdf._font_path_registered = registered
    assert exc.value.code == "receipt_pdf_font_missing" and exc.value.status == 503
    assert "TONGBAN_PDF_FONT" in exc.value.message and "/nonexistent/font.ttc" in exc.value.message
