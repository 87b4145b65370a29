"""CSV roster import: every line checked first, all-or-nothing; the CLI."""

import pytest
from django.core.management import CommandError, call_command

from tongban.core.models import AuditEvent, RoleAssignment
from tongban.identity.models import User
from tongban.identity.services import staff as svc

pytestmark = pytest.mark.django_db

HEADER = "username,name,mobile,id_number,org_unit_code,role,covers_children\n"


def snapshot():
    return (User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def good_roster(gz_market_dept, sz_market_dept):
    return (
        HEADER
        + "gz_li,李窗口,13700137001,,440100-市场监督管理局,window_clerk,否\n"
        + "gz_li,李窗口,13700137001,,440100-市场监督管理局,审批员,0\n"
        + "sz_he,何审批,13700137002,440305199206062428,440300-市场监督管理局,approver,1\n"
    )


def test_import_creates_everyone(operator, good_roster):
    result = svc.import_staff_roster(good_roster.encode("utf-8-sig"), actor=operator, dry_run=False)
    assert result.ok, result.errors
    assert sorted(c.user.username for c in result.created) == ["gz_li", "sz_he"]
    li = User.objects.get(username="gz_li")
    assert sorted(li.role_assignments.values_list("role", flat=True)) == [
        "approver",
        "window_clerk",
    ]
    assert User.objects.get(username="sz_he").role_assignments.get().covers_children is True
    assert all(c.user.check_password(c.generated_password) for c in result.created)
    assert AuditEvent.objects.filter(event_type="identity.staff_created").count() == 2
    assert AuditEvent.objects.filter(event_type="identity.staff_roster_imported").count() == 1


def test_dry_run_changes_nothing(operator, good_roster):
    before = snapshot()
    result = svc.import_staff_roster(good_roster, actor=operator, dry_run=True)
    assert result.ok and len(result.rows) == 3 and result.usernames == ["gz_li", "sz_he"]
    assert result.created == []
    assert snapshot() == before


def test_one_bad_line_changes_nothing(operator, good_roster):
    roster = good_roster + "gz_bad,坏行,13700137003,,440100-市场监督管理局,window_clerk,也许\n"
    before = snapshot()
    result = svc.import_staff_roster(roster, actor=operator, dry_run=False)
    assert not result.ok
    assert [(e.line, e.field, e.code) for e in result.errors] == [
        (5, "covers_children", "invalid_boolean")
    ]
    assert result.created == []
    assert snapshot() == before


def test_every_bad_line_is_reported(operator, clerk, gz_market_dept):
    roster = (
        HEADER
        + "9bad,名字,13700137001,,440100-市场监督管理局,window_clerk,0\n"
        + "gz_a,名字,123,,440100-市场监督管理局,window_clerk,0\n"
        + "gz_b,名字,13700137002,,999999,window_clerk,0\n"
        + "gz_c,名字,13700137003,,440100-市场监督管理局,boss,0\n"
        + "gz_clerk,名字,13700137004,,440100-市场监督管理局,window_clerk,0\n"
        + "gz_d,名字,13700137005,440106199001011234,440100-市场监督管理局,approver,0\n"
        + "gz_e,名字,13700137006,,440100-市场监督管理局,approver,0\n"
        + "gz_e,别名,13700137006,,440100-市场监督管理局,window_clerk,0\n"
    )
    before = snapshot()
    result = svc.import_staff_roster(roster, actor=operator, dry_run=False)
    lines = {e.line: e.code for e in result.errors}
    assert lines[2] == "username_invalid"
    assert 3 in lines  # mobile
    assert lines[4] == "org_unit_not_found"
    assert lines[5] == "role_invalid"
    assert lines[6] == "username_taken"
    assert lines[7] == "invalid_checksum"
    assert 8 not in lines
    assert lines[9] == "roster_conflict"
    assert all(e.message for e in result.errors)
    assert snapshot() == before


def test_dept_admin_roster_limited_to_own_units(dept_admin, gz_market_dept, sz_market_dept):
    roster = (
        HEADER
        + "gz_ok,本市,13700137001,,440100-市场监督管理局,window_clerk,0\n"
        + "sz_no,外市,13700137002,,440300-市场监督管理局,window_clerk,0\n"
        + "gz_op,运营,13700137003,,440100-市场监督管理局,operator,0\n"
    )
    before = snapshot()
    result = svc.import_staff_roster(roster, actor=dept_admin, dry_run=False)
    assert {e.line: e.code for e in result.errors} == {
        3: "org_unit_out_of_scope",
        4: "role_not_grantable",
    }
    assert snapshot() == before


def test_bad_header_and_empty(operator):
    result = svc.import_staff_roster("username,name\nx,y\n", actor=operator)
    assert result.errors[0].code == "roster_header_invalid" and result.errors[0].line == 1
    result = svc.import_staff_roster(HEADER, actor=operator)
    assert result.errors[0].code == "roster_empty"


def test_gb18030_roster(operator, gz_market_dept):
    roster = HEADER + "gz_gbk,黄窗口,13700137001,,440100-市场监督管理局,窗口受理员,是\n"
    result = svc.import_staff_roster(roster.encode("gb18030"), actor=operator, dry_run=True)
    assert result.ok and result.rows[0].name == "黄窗口" and result.rows[0].covers_children


def test_citizen_cannot_import(citizen, good_roster):
    before = snapshot()
    with pytest.raises(Exception) as exc:
        svc.import_staff_roster(good_roster, actor=citizen, dry_run=False)
    assert exc.value.code == "staff_permission_denied"
    assert snapshot() == before


# --- CLI -------------------------------------------------------------------------------------
def test_cli_import(tmp_path, good_roster, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(good_roster, encoding="utf-8")
    before = snapshot()
    call_command("import_staff", str(path), "--dry-run")
    assert snapshot() == before
    assert "预检通过" in capsys.readouterr().out
    call_command("import_staff", str(path))
    out = capsys.readouterr().out
    assert "gz_li," in out and "sz_he," in out
    password = next(line.split(",", 1)[1] for line in out.splitlines() if line.startswith("gz_li,"))
    assert User.objects.get(username="gz_li").check_password(password)
    event = AuditEvent.objects.get(event_type="identity.staff_roster_imported")
    assert event.actor is None and event.actor_name == "system"


def test_cli_bad_line(tmp_path, good_roster, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(good_roster + "x,坏,1,,nope,window_clerk,0\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("import_staff", str(path))
    assert "第5行" in capsys.readouterr().err
    assert snapshot() == before


def test_cli_passwords_file_and_actor(tmp_path, good_roster, dept_admin):
    path = tmp_path / "roster.csv"
    path.write_text(good_roster, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError):  # sz_he is outside the dept admin's units
        call_command("import_staff", str(path), "--actor", dept_admin.username)
    assert snapshot() == before
    out = tmp_path / "passwords.csv"
    call_command("import_staff", str(path), "--passwords-out", str(out))
    assert out.read_text(encoding="utf-8").startswith("username,password\n")
    assert (out.stat().st_mode & 0o777) == 0o600


def test_import_rows_without_mobile(operator, gz_market_dept):
    roster = (
        HEADER
        + "gz_nomobile,无手机,,,440100-市场监督管理局,window_clerk,否\n"
        + "gz_bad,坏手机,1234,,440100-市场监督管理局,window_clerk,否\n"
    )
    before = snapshot()
    result = svc.import_staff_roster(roster, actor=operator, dry_run=False)
    assert [(e.line, e.field) for e in result.errors] == [(3, "mobile")]
    assert snapshot() == before
    roster = HEADER + "gz_nomobile,无手机,,,440100-市场监督管理局,window_clerk,否\n"
    result = svc.import_staff_roster(roster, actor=operator, dry_run=False)
    assert result.ok, result.errors
    assert User.objects.get(username="gz_nomobile").mobile == ""
