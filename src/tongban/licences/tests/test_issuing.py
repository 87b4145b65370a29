"""Issuing: identifiers, signing, field and holder validation, versions, permissions, audit."""

import datetime
import json

import pytest
from django.utils import timezone

from tongban.core import signing
from tongban.core.codes import validate
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import CompanyAccount
from tongban.licences.errors_issuing import IssuingError
from tongban.licences.models import Licence, LicenceNumberSequence
from tongban.licences.services import issuing, numbering, seals
from tongban.licences.tests.issuing_support import (
    COMPANY_USCC,
    business_fields,
    business_type,
    food_type,
    gz_seal,
    issue_business,
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


def _nothing_issued():
    return (
        not Licence.objects.exists()
        and not AuditEvent.objects.filter(event_type="licences.licence_issued").exists()
    )


def test_issue_business_licence(business_type, gz_seal, gz_market_dept, approver):
    licence = issue_business(gz_market_dept, approver)
    result = validate("licence-id", licence.identifier)
    assert result.valid, result.message
    assert result.parsed["type_code"] == business_type.code
    assert result.parsed["issuer_code"] == gz_market_dept.uscc
    assert result.parsed["number"] == "0000001" == licence.number
    assert result.parsed["version"] == "001"
    assert licence.status == Licence.Status.VALID
    assert licence.valid_to is None  # 营业执照: 长期
    assert licence.seal_key.seal == gz_seal
    # the signed document is the canonical JSON of metadata + fields
    doc = json.loads(bytes(licence.signed_data))
    assert bytes(licence.signed_data) == signing.canonical_json(doc)
    assert bytes(licence.signed_data) == issuing.licence_signed_data(licence)
    meta = doc["metadata"]
    assert meta["证照标识"] == licence.identifier
    assert meta["持证主体代码"] == COMPANY_USCC and meta["持证主体代码类型"] == "001"
    assert meta["颁发机构"] == "广州市市场监督管理局"
    assert meta["证照定义机构代码"] == business_type.defining_authority_uscc
    assert meta["所属管辖属地编码"] == "440100"
    assert meta["有效期截止"] == "长期"
    assert doc["fields"]["entity_name"] == "广州市天河区通办示范科技有限公司"
    check = signing.verify_document(bytes(licence.signed_data), bytes(licence.signature_der))
    assert check.ok
    tampered = bytes(licence.signed_data).replace("张三".encode(), "李四".encode())
    assert not signing.verify_document(tampered, bytes(licence.signature_der)).ok
    event = AuditEvent.objects.get(event_type="licences.licence_issued")
    assert event.actor_id == approver.pk and event.target_id == str(licence.pk)
    assert AuditEvent.objects.filter(event_type="licences.seal_used").count() == 1


def test_issuer_demo_uscc_is_derived_once_and_stable(business_type, gz_seal, gz_market_dept):
    assert gz_market_dept.uscc == ""
    code = numbering.issuer_code(gz_market_dept)
    assert validate("uscc", code).valid and code[:2] == "11" and code[2:8] == "440100"
    gz_market_dept.refresh_from_db()
    assert gz_market_dept.uscc == code
    assert numbering.demo_uscc_for(gz_market_dept) == code


def test_numbers_are_consecutive_per_type_and_issuer(
    business_type, gz_seal, gz_market_dept, sz_market_dept
):
    seals.create_seal(sz_market_dept, actor=None)
    a = [issue_business(gz_market_dept, None).number for _ in range(3)]
    b = issue_business(sz_market_dept, None).number
    assert a == ["0000001", "0000002", "0000003"] and b == "0000001"


def test_natural_person_licence_has_validity(resident_type, gz_seal, gz_market_dept, citizen):
    licence = issuing.issue_licence(
        licence_type=resident_type,
        issuer=gz_market_dept,
        holder_type="natural",
        holder_name="张三",
        holder_code="440106199001011235",
        fields={"gender": "男", "birth_date": datetime.date(1990, 1, 1), "address": "天河区"},
        actor=None,
        valid_from=datetime.date(2024, 3, 1),
    )
    assert licence.holder_user == citizen  # found by ID number → in the citizen's wallet
    assert licence.valid_to == datetime.date(2044, 2, 29)
    assert licence.fields["id_number"] == "440106199001011235"
    assert licence.fields["birth_date"] == "1990-01-01"
    doc = json.loads(bytes(licence.signed_data))
    assert doc["metadata"]["持证主体代码类型"] == "111"


def test_holder_notified_masked(business_type, gz_seal, gz_market_dept, citizen):
    from tongban.identity.models import SmsMessage

    company = CompanyAccount.objects.create(
        uscc=COMPANY_USCC, name="广州市天河区通办示范科技有限公司", legal_rep=citizen
    )
    licence = issue_business(gz_market_dept, None)
    assert licence.holder_company == company
    message = SmsMessage.objects.get(purpose="licence_issued")
    assert message.mobile == "13800138000"
    assert "营业执照" in message.text and licence.number in message.text
    assert "广州市天河区通办示范科技有限公司" not in message.text  # holder name masked


# --- bad input: nothing changes -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"established_on": "2018-13-01"}, IssuingError.FIELD_INVALID, "established_on"),
        ({"registered_capital": "五百"}, IssuingError.FIELD_INVALID, "registered_capital"),
        ({"legal_rep": ""}, IssuingError.FIELD_REQUIRED, "legal_rep"),
        ({"colour": "红"}, IssuingError.FIELD_UNKNOWN, "colour"),
        ({"uscc": "914403047391202117"}, IssuingError.HOLDER_MISMATCH, "uscc"),
    ],
)
def test_schema_errors_change_nothing(
    business_type, gz_seal, gz_market_dept, overrides, code, field
):
    with pytest.raises(DomainError) as exc:
        issue_business(gz_market_dept, None, fields=overrides)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert _nothing_issued()
    assert not LicenceNumberSequence.objects.exists()


@pytest.mark.parametrize(
    ("holder_type", "holder_code", "code"),
    [
        ("legal", "91440106739120115H", IssuingError.INVALID_HOLDER_CODE),  # check char
        ("legal", "440106199001011235", IssuingError.INVALID_HOLDER_CODE),  # ID no. for a firm
        ("natural", "91440106739120115G", IssuingError.HOLDER_TYPE_MISMATCH),
    ],
)
def test_bad_holder_code_refused(
    business_type, gz_seal, gz_market_dept, holder_type, holder_code, code
):
    with pytest.raises(DomainError) as exc:
        issuing.issue_licence(
            licence_type=business_type,
            issuer=gz_market_dept,
            holder_type=holder_type,
            holder_name="某公司",
            holder_code=holder_code,
            fields=business_fields(uscc=""),
            actor=None,
        )
    assert exc.value.code == code
    assert _nothing_issued()


def test_suspended_seal_refuses_issuing(business_type, gz_seal, gz_market_dept, dept_admin):
    seals.suspend_seal(gz_seal, actor=dept_admin, reason="印章保管人变更")
    with pytest.raises(DomainError) as exc:
        issue_business(gz_market_dept, None)
    assert exc.value.code in {"seal_not_active", "no_active_seal"}
    assert _nothing_issued()
    # the number claimed inside the refused transaction is rolled back: no gap
    assert not LicenceNumberSequence.objects.filter(last_value__gt=0).exists()


def test_no_seal_refuses_issuing(business_type, gz_market_dept):
    with pytest.raises(DomainError) as exc:
        issue_business(gz_market_dept, None)
    assert exc.value.code == "no_active_seal"
    assert _nothing_issued()


def test_inactive_type_refused(business_type, gz_seal, gz_market_dept):
    business_type.is_active = False
    business_type.save()
    with pytest.raises(DomainError) as exc:
        issue_business(gz_market_dept, None)
    assert exc.value.code == IssuingError.TYPE_INACTIVE
    assert _nothing_issued()


def test_issuer_must_be_a_department(business_type, guangzhou):
    with pytest.raises(DomainError) as exc:
        issue_business(guangzhou, None)
    assert exc.value.code == IssuingError.ISSUER_INVALID


# --- permissions --------------------------------------------------------------------------------
def test_staff_issue_only_for_their_department(
    business_type, gz_seal, gz_market_dept, other_city_clerk, clerk, sz_market_dept
):
    for actor in (other_city_clerk, clerk):  # other city; window clerk lacks issue_licence
        with pytest.raises(DomainError) as exc:
            issue_business(gz_market_dept, actor)
        assert exc.value.status == 403
    assert _nothing_issued()


def test_dept_admin_may_issue(business_type, gz_seal, gz_market_dept, dept_admin):
    assert issue_business(gz_market_dept, dept_admin).number == "0000001"


# --- new versions ---------------------------------------------------------------------------------
def test_new_version_supersedes(business_type, gz_seal, gz_market_dept, approver):
    first = issue_business(gz_market_dept, approver)
    second = issuing.issue_new_version(
        first, fields={"address": "广州市天河区珠江新城1号"}, actor=approver
    )
    first.refresh_from_db()
    assert first.status == Licence.Status.SUPERSEDED
    assert second.supersedes == first and second.version == 2
    assert second.number == first.number
    parsed = validate("licence-id", second.identifier).parsed
    assert parsed["version"] == "002" and parsed["number"] == first.number
    assert second.fields["address"] == "广州市天河区珠江新城1号"
    assert second.fields["legal_rep"] == "张三"
    doc = json.loads(bytes(second.signed_data))
    assert doc["metadata"]["关联证照标识"] == first.identifier
    assert signing.verify_document(bytes(second.signed_data), bytes(second.signature_der)).ok
    assert AuditEvent.objects.filter(event_type="licences.licence_superseded").count() == 1
    # a superseded version cannot be renewed again
    with pytest.raises(DomainError) as exc:
        issuing.issue_new_version(first, fields={}, actor=approver)
    assert exc.value.code == IssuingError.LICENCE_NOT_CURRENT
    assert Licence.objects.count() == 2


def test_new_version_with_bad_field_changes_nothing(
    business_type, gz_seal, gz_market_dept, approver
):
    first = issue_business(gz_market_dept, approver)
    with pytest.raises(DomainError) as exc:
        issuing.issue_new_version(first, fields={"established_on": "昨天"}, actor=approver)
    assert exc.value.field == "established_on"
    first.refresh_from_db()
    assert first.status == Licence.Status.VALID and Licence.objects.count() == 1


def test_new_version_by_other_department_refused(
    business_type, gz_seal, gz_market_dept, approver, other_city_clerk
):
    first = issue_business(gz_market_dept, approver)
    with pytest.raises(DomainError) as exc:
        issuing.issue_new_version(first, fields={}, actor=other_city_clerk)
    assert exc.value.status == 403
    first.refresh_from_db()
    assert first.status == Licence.Status.VALID and Licence.objects.count() == 1


def test_licence_number_field_filled(food_type, gz_seal, gz_market_dept):
    licence = issuing.issue_licence(
        licence_type=food_type,
        issuer=gz_market_dept,
        holder_type="legal",
        holder_name="广州市天河区通办示范科技有限公司",
        holder_code=COMPANY_USCC,
        fields={
            "legal_rep": "张三",
            "address": "天河路385号",
            "premises": "天河路385号首层",
        },
        actor=None,
    )
    assert licence.fields["licence_number"] == licence.number
    assert licence.valid_to == timezone.localdate().replace(
        year=timezone.localdate().year + 5
    ) - datetime.timedelta(days=1)
