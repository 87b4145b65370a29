"""CSV batch import: every row checked first, all or nothing, the command line."""

import pytest
from django.core.management import CommandError, call_command

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.licences.errors_issuing import IssuingError
from tongban.licences.models import Licence, LicenceNumberSequence
from tongban.licences.services.issuing import import_licences_csv
from tongban.licences.tests.issuing_support import (
    business_type,
    food_type,
    gz_seal,
    licence_directory,
    resident_type,
)

__all__ = [
    "business_type",
    "food_type",
    "gz_seal",
    "licence_directory",
    "resident_type",
]  # fixtures

HEADER = "持证主体,持证主体代码,性别,民族,出生,住址\n"
GOOD = [
    "张三,440106199001011235,男,汉,1990-01-01,广州市天河区体育西路100号",
    "李四,440304198505050020,女,汉,1985-05-05,深圳市福田区深南大道2000号",
    "王芳,440106199203150049,女,壮,1992-03-15,广州市天河区天河北路233号",
]


def _csv(*rows, header=HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def _nothing_imported():
    return (
        not Licence.objects.exists()
        and not LicenceNumberSequence.objects.filter(last_value__gt=0).exists()
        and not AuditEvent.objects.filter(
            event_type__in=["licences.licence_issued", "licences.licences_imported"]
        ).exists()
    )


def test_dry_run_checks_without_writing(resident_type, gz_seal, gz_market_dept, approver):
    report = import_licences_csv(
        _csv(*GOOD), licence_type=resident_type, issuer=gz_market_dept, actor=approver
    )
    assert report.ok and report.total == 3 and len(report.rows) == 3 and report.dry_run
    assert [row.line for row in report.rows] == [2, 3, 4]
    assert _nothing_imported()


def test_import_issues_every_row(resident_type, gz_seal, gz_market_dept, approver):
    ticks = []
    report = import_licences_csv(
        _csv(*GOOD),
        licence_type=resident_type,
        issuer=gz_market_dept,
        actor=approver,
        dry_run=False,
        progress=ticks.append,
    )
    assert report.imported == 3 and len(ticks) == 3
    numbers = sorted(Licence.objects.values_list("number", flat=True))
    assert numbers == ["0000001", "0000002", "0000003"]
    assert Licence.objects.get(holder_code="440304198505050020").fields["gender"] == "女"
    assert AuditEvent.objects.filter(event_type="licences.licence_issued").count() == 3
    assert AuditEvent.objects.get(event_type="licences.licences_imported").data["count"] == 3


def test_one_bad_row_imports_nothing(resident_type, gz_seal, gz_market_dept, approver):
    bad = "赵六,440106199001011234,男,汉,1990-01-01,广州市"  # wrong check digit
    worse = "钱七,440106199203150049,未知,汉,1992-02-30,"  # bad choice, date, missing address
    report = import_licences_csv(
        _csv(GOOD[0], bad, GOOD[1], worse),
        licence_type=resident_type,
        issuer=gz_market_dept,
        actor=approver,
        dry_run=False,
    )
    assert not report.ok and report.imported == 0
    assert [r["line"] for r in report.rejected] == [3, 5]
    assert "持证主体代码" in report.rejected[0]["reasons"][0]
    reasons = " ".join(report.rejected[1]["reasons"])
    assert "性别" in reasons and "出生" in reasons and "住址" in reasons
    assert _nothing_imported()


def test_failure_while_issuing_rolls_back_everything(
    resident_type, gz_seal, gz_market_dept, approver, dept_admin
):
    from tongban.licences.services import seals

    seals.revoke_seal(gz_seal, actor=dept_admin, reason="测试")
    with pytest.raises(DomainError):
        import_licences_csv(
            _csv(*GOOD),
            licence_type=resident_type,
            issuer=gz_market_dept,
            actor=approver,
            dry_run=False,
        )
    assert _nothing_imported()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        "持证主体,持证主体代码,颜色\n张三,440106199001011235,红\n".encode(),
        HEADER.encode(),
    ],
)
def test_bad_files_refused(resident_type, gz_seal, gz_market_dept, approver, content):
    with pytest.raises(DomainError) as exc:
        import_licences_csv(
            content,
            licence_type=resident_type,
            issuer=gz_market_dept,
            actor=approver,
            dry_run=False,
        )
    assert exc.value.code == IssuingError.IMPORT_FILE_INVALID
    assert _nothing_imported()


def test_gb18030_and_field_names_accepted(resident_type, gz_seal, gz_market_dept, approver):
    content = (
        "holder_name,holder_code,gender,birth_date,address\n"
        "张三,440106199001011235,男,1990/1/1,广州\n"
    ).encode("gb18030")
    report = import_licences_csv(
        content, licence_type=resident_type, issuer=gz_market_dept, actor=approver
    )
    assert report.rejected == [{"line": 2, "reasons": ["“出生”应为日期（年-月-日）。"]}]


def test_outsider_cannot_import(resident_type, gz_seal, gz_market_dept, other_city_clerk):
    with pytest.raises(DomainError) as exc:
        import_licences_csv(
            _csv(*GOOD),
            licence_type=resident_type,
            issuer=gz_market_dept,
            actor=other_city_clerk,
            dry_run=False,
        )
    assert exc.value.status == 403
    assert _nothing_imported()


# --- command line -------------------------------------------------------------------------------
def test_command_imports(tmp_path, resident_type, gz_seal, gz_market_dept, capsys):
    path = tmp_path / "ids.csv"
    path.write_bytes(_csv(*GOOD))
    call_command(
        "import_licences",
        str(path),
        "--type",
        "resident-id",
        "--issuer",
        gz_market_dept.code,
        "--dry-run",
    )
    assert not Licence.objects.exists()
    call_command(
        "import_licences", str(path), "--type", "resident-id", "--issuer", gz_market_dept.code
    )
    assert Licence.objects.count() == 3
    assert "imported 3" in capsys.readouterr().out


def test_command_reports_rejected_rows(tmp_path, resident_type, gz_seal, gz_market_dept, capsys):
    path = tmp_path / "ids.csv"
    path.write_bytes(_csv(GOOD[0], "赵六,123,男,汉,1990-01-01,广州"))
    with pytest.raises(CommandError):
        call_command(
            "import_licences", str(path), "--type", "resident-id", "--issuer", gz_market_dept.code
        )
    assert "第 3 行" in capsys.readouterr().err
    assert not Licence.objects.exists()


def test_import_licence_types_command(db, capsys):
    call_command("import_licence_types")
    assert "26 created" in capsys.readouterr().out
    call_command("import_licence_types")
    assert "26 unchanged" in capsys.readouterr().out
