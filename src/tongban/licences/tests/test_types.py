"""Licence types: import from the shared data file, type codes, console edits."""

import pytest
import yaml

from tongban.core.codes import validate
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.licences import field_schemas
from tongban.licences.errors_issuing import IssuingError
from tongban.licences.models import LicenceType
from tongban.licences.services import types as type_services


@pytest.fixture
def licence_types(db):
    type_services.import_licence_types()
    return LicenceType.objects.all()


def test_demo_authority_codes_are_valid_usccs():
    assert type_services.check_authority_codes() == []
    codes = [uscc for _name, uscc in field_schemas.DEFINING_AUTHORITIES.values()]
    assert len(codes) == len(set(codes))


def test_import_creates_all_types_of_the_data_file(settings, licence_types):
    with open(settings.SHARED_DATA_DIR / "licence-types.yaml", encoding="utf-8") as handle:
        rows = yaml.safe_load(handle)
    assert licence_types.count() == len(rows) == 26
    assert set(licence_types.values_list("key", flat=True)) == {row["key"] for row in rows}
    # every type has its own schema (no fallback) and a layout naming its fields in order
    assert set(field_schemas.SCHEMAS) == {row["key"] for row in rows}
    for licence_type in licence_types:
        assert licence_type.trust_level == "A"
        assert licence_type.layout["field_order"] == [f["name"] for f in licence_type.field_schema]
        assert licence_type.layout["title"] == licence_type.name
        roles = [f.get("role") for f in licence_type.field_schema]
        assert "holder_name" in roles and "holder_code" in roles


def test_type_codes_are_authority_uscc_plus_three_digits(licence_types):
    codes = list(licence_types.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    for licence_type in licence_types:
        assert len(licence_type.code) == 21
        assert licence_type.code[:18] == licence_type.defining_authority_uscc
        assert licence_type.code[18:].isdigit()
        assert validate("uscc", licence_type.code[:18]).valid
    business = licence_types.get(key="business-licence")
    assert business.defining_authority == "国家市场监督管理总局"
    assert [f["label"] for f in business.field_schema] == [
        "名称",
        "统一社会信用代码",
        "类型",
        "法定代表人/经营者",
        "注册资本（万元）",
        "成立日期",
        "住所/经营场所",
        "经营范围",
    ]
    resident = licence_types.get(key="resident-id")
    assert [f["label"] for f in resident.field_schema] == [
        "姓名",
        "性别",
        "民族",
        "出生",
        "住址",
        "公民身份号码",
    ]
    assert resident.validity_years == 20 and resident.holder_type == "natural"


def test_import_is_idempotent_and_audited(licence_types):
    assert AuditEvent.objects.filter(event_type="licences.licence_types_imported").count() == 1
    before = {t.key: (t.pk, t.code) for t in LicenceType.objects.all()}
    result = type_services.import_licence_types()
    assert not result.changed and len(result.unchanged) == 26
    assert {t.key: (t.pk, t.code) for t in LicenceType.objects.all()} == before
    assert AuditEvent.objects.filter(event_type="licences.licence_types_imported").count() == 1


def test_import_keeps_console_edits_and_updates_data_changes(licence_types, tmp_path, settings):
    food = LicenceType.objects.get(key="food-business-licence")
    food.field_schema = food.field_schema[:2]
    food.save()
    rows = yaml.safe_load(open(settings.SHARED_DATA_DIR / "licence-types.yaml", encoding="utf-8"))
    for row in rows:
        if row["key"] == "food-business-licence":
            row["validity_years"] = 3
    (tmp_path / "licence-types.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True))
    settings.SHARED_DATA_DIR = tmp_path
    result = type_services.import_licence_types()
    assert result.updated == ["food-business-licence"]
    food.refresh_from_db()
    assert food.validity_years == 3 and len(food.field_schema) == 2


def test_unknown_department_is_refused_and_nothing_imported(db, tmp_path, settings):
    (tmp_path / "licence-types.yaml").write_text(
        "- {key: a, name: 甲证, department: 市场监督管理局, holder: legal, validity_years: 0}\n"
        "- {key: b, name: 乙证, department: 不存在的厅, holder: legal, validity_years: 0}\n"
    )
    settings.SHARED_DATA_DIR = tmp_path
    with pytest.raises(DomainError) as exc:
        type_services.import_licence_types()
    assert exc.value.code == IssuingError.TYPE_DATA_INVALID
    assert not LicenceType.objects.exists()


def test_a_new_type_gets_a_free_number(db, tmp_path, settings):
    (tmp_path / "licence-types.yaml").write_text(
        "- {key: business-licence, name: 营业执照, department: 市场监督管理局, holder: legal}\n"
        "- {key: new-permit, name: 新许可证, department: 市场监督管理局, holder: legal}\n"
    )
    settings.SHARED_DATA_DIR = tmp_path
    type_services.import_licence_types()
    new = LicenceType.objects.get(key="new-permit")
    assert new.code == "111000008323328337901"
    assert [f["role"] for f in new.field_schema] == ["holder_name", "holder_code"]


# --- console services ------------------------------------------------------------------------
def test_department_admin_manages_own_department_types_only(licence_types, dept_admin):
    names = set(
        type_services.manageable_types(dept_admin).values_list("department_name", flat=True)
    )
    assert names == {"市场监督管理局"}


def test_operator_manages_all_types(licence_types, operator):
    assert type_services.manageable_types(operator).count() == 26


def test_update_schema_audited(licence_types, dept_admin):
    food = LicenceType.objects.get(key="food-business-licence")
    schema = [*food.field_schema, {"name": "remark", "label": "备注", "required": False}]
    updated = type_services.update_field_schema(food, schema, actor=dept_admin)
    assert updated.field_schema[-1]["name"] == "remark"
    assert updated.layout["field_order"][-1] == "remark"
    event = AuditEvent.objects.get(event_type="licences.licence_type_updated")
    assert event.actor_id == dept_admin.pk


@pytest.mark.parametrize(
    "schema",
    [
        [],
        [{"name": "Bad Name", "label": "x"}],
        [{"name": "a", "label": "甲"}, {"name": "a", "label": "乙"}],
        [{"name": "a", "label": "甲", "type": "blob"}],
        [{"name": "a", "label": "甲", "type": "choice"}],
        [{"name": "a", "label": ""}],
    ],
)
def test_bad_schema_refused_and_nothing_changed(licence_types, dept_admin, schema):
    food = LicenceType.objects.get(key="food-business-licence")
    before = food.field_schema
    with pytest.raises(DomainError) as exc:
        type_services.update_field_schema(food, schema, actor=dept_admin)
    assert exc.value.code == IssuingError.SCHEMA_INVALID
    food.refresh_from_db()
    assert food.field_schema == before
    assert not AuditEvent.objects.filter(event_type="licences.licence_type_updated").exists()


def test_outsider_department_cannot_edit(licence_types, dept_admin):
    police_type = LicenceType.objects.get(key="resident-id")
    before = police_type.field_schema
    with pytest.raises(DomainError) as exc:
        type_services.update_field_schema(police_type, before[:1], actor=dept_admin)
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        type_services.set_type_active(police_type, False, actor=dept_admin)
    police_type.refresh_from_db()
    assert police_type.field_schema == before and police_type.is_active


def test_deactivate_and_activate(licence_types, dept_admin):
    food = LicenceType.objects.get(key="food-business-licence")
    type_services.set_type_active(food, False, actor=dept_admin)
    food.refresh_from_db()
    assert not food.is_active
    type_services.set_type_active(food, True, actor=dept_admin)
    food.refresh_from_db()
    assert food.is_active
    assert (
        AuditEvent.objects.filter(
            event_type__in=["licences.licence_type_deactivated", "licences.licence_type_activated"]
        ).count()
        == 2
    )
