# ruff: noqa: F811 (pytest fixtures imported from _applicant shadow their names)
"""Uploads: type by content, size limit, empty files, SM3, private storage, replacement."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tongban.cases.models import CaseMaterial
from tongban.cases.services import applications, uploads
from tongban.cases.storage import private_root, private_storage
from tongban.cases.tests._applicant import (  # noqa: F401 (fixtures)
    JPEG,
    PDF,
    PNG,
    draft,
    implementation,
    material,
    ofd_bytes,
    person,
    private_media,
    snapshot,
    upload,
)
from tongban.core.crypto import sm3
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (ofd_bytes(), "application/ofd"),
        (ofd_bytes(with_manifest=False), None),  # a plain ZIP is not OFD
        (b"PK\x03\x04 not really a zip", None),
        (b"hello, this is text", None),
        (b"<html><script>alert(1)</script>", None),
        (b"GIF89a", None),
    ],
)
def test_sniff_content_type(content, expected):
    assert uploads.sniff_content_type(content) == expected


def _id_material(draft):
    return material(draft.implementation, "经营者身份证明")


def _refused(code, draft, citizen, file):
    before = snapshot(draft)
    stored_before = sorted(p.name for p in private_root().rglob("*") if p.is_file())
    with pytest.raises(DomainError) as exc:
        applications.attach_upload(draft, _id_material(draft), file, actor=citizen)
    assert exc.value.code == code
    assert exc.value.field == "file"
    assert snapshot(draft) == before
    assert sorted(p.name for p in private_root().rglob("*") if p.is_file()) == stored_before
    return exc.value


def test_pdf_upload_is_stored_privately_with_sm3(draft, citizen, settings):
    row = applications.attach_upload(
        draft, _id_material(draft), upload(PDF, "身份证.pdf"), actor=citizen
    )
    assert row.content_type == "application/pdf" and row.size == len(PDF)
    assert row.sm3 == sm3.hexdigest(PDF)
    assert row.original_name == "身份证.pdf" and row.uploaded_by == citizen
    path = Path(private_storage().path(row.file.name))
    assert path.read_bytes() == PDF
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    assert "身份证" not in row.file.name  # stored under a random name
    with pytest.raises(ValueError):
        private_storage().url(row.file.name)  # no URL: only the access-checked view serves it
    event = AuditEvent.objects.get(event_type="cases.material_uploaded")
    assert event.data["sm3"] == row.sm3 and event.target_id == str(draft.pk)


def test_ofd_is_accepted(draft, citizen):
    content = ofd_bytes()
    row = applications.attach_upload(
        draft, _id_material(draft), upload(content, "证明.ofd", "application/zip"), actor=citizen
    )
    assert row.content_type == "application/ofd"


def test_type_comes_from_content_not_name(draft, citizen):
    row = applications.attach_upload(
        draft, _id_material(draft), upload(PNG, "scan.pdf", "application/pdf"), actor=citizen
    )
    assert row.content_type == "image/png"
    assert row.download_name() == "scan.pdf.png"


def test_text_named_pdf_is_refused(draft, citizen):
    _refused("file_type_not_allowed", draft, citizen, upload(b"just some text", "report.pdf"))


def test_plain_zip_is_refused(draft, citizen):
    _refused(
        "file_type_not_allowed", draft, citizen, upload(ofd_bytes(with_manifest=False), "a.ofd")
    )


def test_empty_file_is_refused(draft, citizen):
    _refused("file_empty", draft, citizen, upload(b"", "empty.pdf"))


def test_oversize_file_is_refused(draft, citizen, settings):
    settings.CASE_UPLOAD_MAX_BYTES = 64
    err = _refused("file_too_large", draft, citizen, upload(PDF + b"x" * 64, "big.pdf"))
    assert err.status == 413 and "MB" in err.message
    # Exactly at the limit is fine.
    applications.attach_upload(draft, _id_material(draft), upload(PDF[:64]), actor=citizen)


def test_default_limit_is_ten_mebibytes(settings):
    if hasattr(settings, "CASE_UPLOAD_MAX_BYTES"):
        del settings.CASE_UPLOAD_MAX_BYTES
    assert uploads.max_upload_bytes() == 10 * 1024 * 1024


def test_material_of_another_item_is_refused(draft, citizen, gz_market_dept):
    from tongban.cases.tests._applicant import make_item

    other = make_item(gz_market_dept)
    before = snapshot(draft)
    with pytest.raises(DomainError) as exc:
        applications.attach_upload(
            draft, material(other, "经营者身份证明"), upload(PDF), actor=citizen
        )
    assert exc.value.code == "material_not_in_item"
    assert snapshot(draft) == before


def test_outsider_cannot_upload(draft, outsider):
    before = snapshot(draft)
    with pytest.raises(DomainError) as exc:
        applications.attach_upload(draft, _id_material(draft), upload(PDF), actor=outsider)
    assert exc.value.code == "application_not_found" and exc.value.status == 404
    assert snapshot(draft) == before


def test_replacing_keeps_the_old_row(draft, citizen):
    first = applications.attach_upload(draft, _id_material(draft), upload(PDF), actor=citizen)
    second = applications.attach_upload(
        draft, _id_material(draft), upload(JPEG, "id.jpg"), actor=citizen
    )
    first.refresh_from_db()
    assert first.replaced_at is not None and second.replaced_at is None
    assert list(CaseMaterial.objects.current().filter(case=draft)) == [second]
    assert applications.current_materials(draft)[_id_material(draft).pk] == second
    assert private_storage().exists(first.file.name)  # kept for the record
    assert AuditEvent.objects.filter(event_type="cases.material_uploaded").order_by(
        "seq"
    ).last().data["replaced"] == [first.pk]


def test_private_root_inside_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with pytest.raises(ImproperlyConfigured):
        private_root()


def test_private_root_defaults_under_var_dir(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = None
    settings.VAR_DIR = tmp_path
    assert private_root() == (tmp_path / "private").resolve()
