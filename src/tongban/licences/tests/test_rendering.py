"""The licence PDF: A4, Chinese text, fields, watermark, cache keyed by status."""

import shutil
import subprocess

import pytest

from tongban.core.exceptions import DomainError
from tongban.licences.models import Licence
from tongban.licences.services import rendering
from tongban.licences.tests.wallet_support import (
    issue_for_company,
    make_company,
    private_media,
    set_status,
)
from tongban.testing.fixtures import skip_unless

pytestmark = pytest.mark.django_db
__all__ = ["private_media"]

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def licence(citizen, gz_market_dept):
    return issue_for_company(make_company(citizen), gz_market_dept)


def test_pdf_is_a4_with_font_title_fields_and_identifier(licence, private_media, tmp_path):
    data = rendering.render_pdf(licence)
    assert data.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4 in points
    assert b"/FontFile2" in data and b"WenQuanYi" in data  # the CJK TrueType font, embedded
    skip_unless(PDFTOTEXT is not None, "pdftotext (poppler-utils) is not installed")
    text = pdf_text(data, tmp_path).replace(" ", "")
    assert "营业执照" in text
    assert licence.identifier in text
    assert "广州市天河区张三餐饮店" in text
    assert "经营范围" in text and "餐饮服务" in text
    assert "市场监督管理局" in text
    assert "仅供" not in text  # no watermark without a share


def test_fields_follow_the_layout_order(licence, private_media, tmp_path):
    skip_unless(PDFTOTEXT is not None, "pdftotext (poppler-utils) is not installed")
    licence.licence_type.layout = {"field_order": ["business_scope", "legal_rep"]}
    licence.licence_type.save()
    text = pdf_text(rendering.render_pdf(licence), tmp_path).replace(" ", "")
    assert text.index("经营范围") < text.index("法定代表人") < text.index("成立日期")


def test_watermark_is_drawn_for_a_share(licence, private_media, tmp_path):
    plain = rendering.render_pdf(licence)
    marked = rendering.render_pdf(licence, watermark=rendering.share_watermark("办理银行开户"))
    assert marked != plain
    skip_unless(PDFTOTEXT is not None, "pdftotext (poppler-utils) is not installed")
    text = pdf_text(marked, tmp_path).replace(" ", "")
    assert "仅供办理银行开户使用，他用无效" in text  # the banner under the title
    assert text.count("仅") > 10  # and the diagonal tiles across the page


def test_cache_hit_returns_the_same_bytes_from_private_media(licence, private_media, settings):
    first = rendering.render_pdf(licence)
    path = rendering.cache_path(licence)
    assert path.is_file() and path.read_bytes() == first
    assert str(path).startswith(str(private_media))
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    # a hit is served from disk: a changed cache file is returned as is
    path.write_bytes(first + b"%cached")
    assert rendering.render_pdf(licence) == first + b"%cached"


def test_a_reissued_licence_with_the_same_identifier_is_not_served_the_old_pdf(
    licence, private_media
):
    """After a database reset identifiers repeat; a new signature must mean a new PDF."""
    old_path = rendering.cache_path(licence)
    rendering.render_pdf(licence)
    licence.signature_der = bytes(licence.signature_der) + b"\x00"  # another signing
    assert rendering.cache_path(licence) != old_path


def test_status_change_renders_afresh_with_a_stamp(licence, private_media, tmp_path):
    valid = rendering.render_pdf(licence)
    valid_path = rendering.cache_path(licence)
    set_status(licence, Licence.Status.REVOKED)
    assert rendering.cache_path(licence) != valid_path
    revoked = rendering.render_pdf(licence)
    assert revoked != valid
    if PDFTOTEXT is not None:
        assert "已撤销" in "".join(pdf_text(revoked, tmp_path).split())  # the rotated stamp
        assert "已撤销" not in "".join(pdf_text(valid, tmp_path).split())


def test_long_fields_wrap_and_overflow_to_a_second_page(citizen, gz_market_dept, private_media):
    long_scope = "餐饮服务；" * 400
    licence = issue_for_company(make_company(citizen), gz_market_dept, business_scope=long_scope)
    data = rendering.render_pdf(licence)
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 2 or (
        b"/Count 2" in data or b"/Count 3" in data
    )


def test_wrap_text_breaks_cjk_without_spaces():
    rendering.register_font()
    lines = rendering.wrap_text("经营范围" * 30, rendering.FONT_NAME, 12, 100)
    assert len(lines) > 1 and "".join(lines) == "经营范围" * 30


def test_missing_font_is_a_clear_error_and_nothing_is_cached(licence, private_media, settings):
    settings.PDF_FONT_PATH = "/nonexistent/font.ttc"
    with pytest.raises(DomainError) as exc:
        rendering.render_pdf(licence)
    assert exc.value.code == "pdf_font_missing" and exc.value.status == 503
    assert "TONGBAN_PDF_FONT" in exc.value.message and "/nonexistent/font.ttc" in exc.value.message
    assert not rendering.cache_dir().exists()


def test_qr_code_decodes_to_a_verifiable_url(licence, private_media, tmp_path, settings):
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    skip_unless(
        bool(pdftoppm and zbarimg), "pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed"
    )
    from tongban.licences.services.verification import verify_offline_payload

    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(rendering.render_pdf(licence, watermark="仅供办理银行开户使用"))
    subprocess.run([pdftoppm, "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        [zbarimg, "-q", "--raw", str(image)], capture_output=True, text=True
    ).stdout.strip()
    prefix = f"{settings.SITE_URL}/verify/q/"
    assert decoded.startswith(prefix)
    result = verify_offline_payload(decoded[len(prefix) :].rstrip("/"))
    assert result.valid and result.identifier == licence.identifier
