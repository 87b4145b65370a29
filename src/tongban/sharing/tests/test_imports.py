"""Importing CSV/XLSX files as dataset versions: checks, progress, nothing half-imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.sharing.models import DatasetRow, DatasetVersion, ImportJob
from tongban.sharing.services import datasets, imports
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
    run_import,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(gz_market_dept):
    return make_resource(gz_market_dept)


def test_csv_import_creates_the_current_version_with_typed_values(resource, dept_admin):
    job = run_import(resource, dept_admin, csv_bytes(pharmacy_rows(5)), note="首次导入")

    assert job.status == ImportJob.Status.ACCEPTED
    assert job.progress == 100
    version = datasets.current_version(resource)
    assert (version.number, version.row_count, version.note) == (1, 5, "首次导入")
    first = DatasetRow.objects.get(version=version, line=1)
    assert first.data["pharmacists"] == 1 and first.data["insured"] is False
    assert first.data["licensed_on"] == "2024-03-01" and first.data["area"] == "80.5"
    assert first.lookup_value == first.data["uscc"]
    event = AuditEvent.objects.get(event_type="sharing.dataset_imported")
    assert event.data["version"] == 1 and event.data["rows"] == 5
    assert AuditEvent.objects.filter(event_type="sharing.dataset_import_started").count() == 1


def test_xlsx_import_and_gb18030_csv(resource, dept_admin):
    rows = pharmacy_rows(3)
    job = run_import(resource, dept_admin, xlsx_bytes(rows), name="药店.xlsx")
    assert job.status == ImportJob.Status.ACCEPTED, job.rejections
    job = run_import(resource, dept_admin, csv_bytes(rows, encoding="gb18030"), name="药店.csv")
    assert job.status == ImportJob.Status.ACCEPTED, job.rejections
    assert datasets.current_version(resource).number == 2
    row, _total = datasets.query_rows(resource, filters={"district": "天河区"}, limit=5)
    assert row[0]["name"] == "测试药店1"


def test_new_version_keeps_the_previous_one(resource, dept_admin):
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(4)))

    versions = list(datasets.accepted_versions(resource))
    assert [(v.number, v.row_count, v.is_current) for v in versions] == [
        (2, 4, True),
        (1, 2, False),
    ]
    old_rows, total = datasets.version_rows(versions[1])
    assert total == 2 and len(old_rows) == 2


def test_bad_rows_are_reported_and_nothing_is_imported(resource, dept_admin):
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    rows = pharmacy_rows(6)
    rows[1][1] = "91440101MA59TEST0X"  # bad check character
    rows[2][4] = "三"  # not an integer
    rows[3][0] = ""  # required
    rows[4][6] = "2024-02-30"  # not a date
    rows[5][0] = "药" * 51  # too long

    job = run_import(resource, dept_admin, csv_bytes(rows))

    assert job.status == ImportJob.Status.REJECTED
    assert job.error_code == "rows_rejected"
    assert job.rows_rejected == 5
    by_line = {r["line"]: r["reasons"] for r in job.rejections}
    assert set(by_line) == {3, 4, 5, 6, 7}
    assert "统一社会信用代码" in by_line[3][0]
    assert "执业药师人数" in by_line[4][0]
    assert "药店名称" in by_line[5][0] and "必填" in by_line[5][0]
    assert "许可日期" in by_line[6][0]
    assert "超过长度" in by_line[7][0]
    # the current version is still the first one; no staging rows are left
    current = datasets.current_version(resource)
    assert current.number == 1 and current.row_count == 2
    assert DatasetRow.objects.filter(version__resource=resource).count() == 2
    assert DatasetVersion.objects.get(pk=job.version_id).status == "discarded"
    assert AuditEvent.objects.filter(event_type="sharing.dataset_import_rejected").count() == 1


@pytest.mark.parametrize(("bad", "status"), [(True, "rejected"), (False, "accepted")])
def test_the_uploaded_file_is_not_kept(resource, dept_admin, bad, status, settings):
    import hashlib

    rows = pharmacy_rows(2)
    if bad:
        rows[0][1] = "bad"
    job = imports.start_import_bytes(
        resource, name="a.csv", content=csv_bytes(rows), actor=dept_admin
    )
    stored = job.file
    assert stored.storage.exists(stored.name)
    assert stored.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))  # outside the web root
    with pytest.raises(ValueError):
        stored.url  # noqa: B018 - private files have no URL
    job = imports.run_import(job.pk)
    assert job.status == status and not job.file
    assert not stored.storage.exists(stored.name)
    if not bad:
        digest = hashlib.sha256(csv_bytes(rows)).hexdigest()
        assert datasets.current_version(resource).source_sha256 == digest


def test_a_bad_row_after_many_good_chunks_leaves_nothing(resource, dept_admin, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 3)
    rows = pharmacy_rows(10)
    rows[9][5] = "也许"
    job = run_import(resource, dept_admin, csv_bytes(rows))
    assert job.status == ImportJob.Status.REJECTED
    assert job.rejections == [{"line": 11, "reasons": ["医保定点：应为“是”或“否”"]}]
    assert not DatasetRow.objects.exists()
    assert datasets.current_version(resource) is None


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("x.pdf", b"%PDF-1.4", "unsupported_file_type"),
        ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "unsupported_file_type"),
        ("x.csv", b"PK\x03\x04zip", "unsupported_file_type"),
        ("x.xlsx", b"PK\x03\x04 not a workbook", "unreadable_file"),
        ("x.csv", b"", "empty_file"),
        ("x.csv", "药店名称,统一社会信用代码,所在区,电话\n".encode(), "unknown_columns"),
        ("x.csv", "药店名称,所在区\n".encode(), "missing_columns"),
        ("x.csv", "药店名称,name,统一社会信用代码,所在区\n".encode(), "duplicate_columns"),
    ],
)
def test_malformed_files_are_refused_at_once_and_nothing_changes(
    resource, dept_admin, name, content, code
):
    with pytest.raises(DomainError) as caught:
        imports.start_import_bytes(resource, name=name, content=content, actor=dept_admin)
    assert caught.value.code == code
    assert not ImportJob.objects.exists()
    assert not DatasetVersion.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="sharing.").exists()


def test_oversize_file_is_refused(resource, dept_admin, settings):
    settings.TONGBAN_DATASET_UPLOAD_MAX_BYTES = 100
    with pytest.raises(DomainError) as caught:
        imports.start_import_bytes(
            resource, name="a.csv", content=csv_bytes(pharmacy_rows(5)), actor=dept_admin
        )
    assert caught.value.code == "file_too_large" and caught.value.status == 413
    assert not ImportJob.objects.exists()


def test_header_by_keys_and_optional_columns_left_out(resource, dept_admin):
    rows = [[r[0], r[1], r[2]] for r in pharmacy_rows(2)]
    job = run_import(resource, dept_admin, csv_bytes(rows, header=["name", "uscc", "district"]))
    assert job.status == ImportJob.Status.ACCEPTED
    data = DatasetRow.objects.get(line=1).data
    assert data["address"] is None and data["pharmacists"] is None


def test_only_one_import_at_a_time(resource, dept_admin):
    imports.start_import_bytes(
        resource, name="a.csv", content=csv_bytes(pharmacy_rows(1)), actor=dept_admin
    )
    with pytest.raises(DomainError) as caught:
        imports.start_import_bytes(
            resource, name="a.csv", content=csv_bytes(pharmacy_rows(1)), actor=dept_admin
        )
    assert caught.value.code == "import_in_progress"
    assert ImportJob.objects.count() == 1


def test_other_city_staff_cannot_import(resource, other_city_clerk, sz_market_dept):
    from tongban.testing.factories import RoleAssignmentFactory

    RoleAssignmentFactory(user=other_city_clerk, org_unit=sz_market_dept, role="dept_admin")
    with pytest.raises(DomainError) as caught:
        imports.start_import(
            resource,
            upload=SimpleUploadedFile("a.csv", csv_bytes(pharmacy_rows(1))),
            actor=other_city_clerk,
        )
    assert caught.value.status == 403
    assert not ImportJob.objects.exists()


def test_a_job_runs_once(resource, dept_admin):
    job = imports.start_import_bytes(
        resource, name="a.csv", content=csv_bytes(pharmacy_rows(2)), actor=dept_admin
    )
    assert imports.run_import(job.pk).status == ImportJob.Status.ACCEPTED
    assert imports.run_import(job.pk) is None
    assert DatasetVersion.objects.filter(status="accepted").count() == 1


def test_stale_running_job_is_failed_and_cleaned(resource, dept_admin):
    from django.utils import timezone

    job = imports.start_import_bytes(
        resource, name="a.csv", content=csv_bytes(pharmacy_rows(2)), actor=dept_admin
    )
    version = DatasetVersion.objects.create(resource=resource, columns=[])
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - timezone.timedelta(hours=3), version=version
    )
    assert imports.sweep_stale_imports() == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.error_code == "import_interrupted"
    assert DatasetVersion.objects.get(pk=version.pk).status == "discarded"


def test_a_crash_mid_import_leaves_the_current_version(resource, dept_admin, monkeypatch):
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    real_check = imports.check_row
    calls = {"n": 0}

    def failing_check(*args):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk went away")
        return real_check(*args)

    monkeypatch.setattr(imports, "check_row", failing_check)
    job = run_import(resource, dept_admin, csv_bytes(pharmacy_rows(8)))
    assert job.status == ImportJob.Status.FAILED and job.error_code == "import_failed"
    current = datasets.current_version(resource)
    assert (current.number, current.row_count) == (1, 2)
    assert DatasetRow.objects.filter(version__resource=resource).count() == 2
    assert AuditEvent.objects.filter(event_type="sharing.dataset_import_failed").count() == 1
