# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""verify_licence / verify_identifier: statuses, signature and data checks, seal status."""

import pytest

from tongban.core.codes.licence_id import PREFIX
from tongban.core.exceptions import DomainError
from tongban.licences.models import Licence, LicenceUsage
from tongban.licences.services import verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    issue,
    licence,
    permit_type,
)

pytestmark = pytest.mark.django_db


def test_valid_licence_verifies_with_masked_holder(licence, citizen):
    result = verification.verify_licence(licence)
    assert result.status == "valid" and result.valid and result.signature_ok
    assert result.reason == ""
    assert result.issuer_name == licence.issuer.full_name
    assert result.type_name == "食品经营许可证"
    assert result.masked_holder == "张*（440***********1235）"
    assert citizen.id_number not in str(result.as_dict())
    assert result.valid_from == licence.valid_from and result.valid_to == licence.valid_to
    assert result.status_label == "有效"


def test_expired_is_shown_before_the_daily_task_ran(
    permit_type, gz_market_dept, gz_seal, citizen, approver
):
    from tongban.licences.tests.verification_support import days_ago

    old = issue(permit_type, gz_market_dept, citizen, actor=approver, valid_from=days_ago(2000))
    assert old.status == "valid" and old.valid_to < days_ago(0)
    result = verification.verify_identifier(old.identifier)
    assert result.status == "expired" and not result.valid and result.signature_ok
    assert result.status_label == "已过期"


@pytest.mark.parametrize("status,label", [("revoked", "已撤销"), ("suspended", "已暂停")])
def test_revoked_and_suspended_show_the_reason(licence, status, label):
    Licence.objects.filter(pk=licence.pk).update(status=status, status_reason="经营场所变更")
    result = verification.verify_identifier(licence.identifier)
    assert result.status == status and not result.valid and result.signature_ok
    assert result.status_label == label
    assert result.status_reason == "经营场所变更"


def test_superseded_names_the_newer_version(licence, approver):
    from tongban.licences.services import issuing

    newer = issuing.issue_new_version(
        licence, fields={"scope": "预包装食品、散装食品销售"}, actor=approver
    )
    old = verification.verify_identifier(licence.identifier)
    assert old.status == "superseded" and not old.valid
    assert old.superseded_by == newer.identifier
    assert verification.verify_identifier(newer.identifier).status == "valid"


def test_tampered_signed_data_is_invalid(licence):
    data = bytes(licence.signed_data).replace("张三".encode(), "王五".encode())
    assert data != bytes(licence.signed_data)
    Licence.objects.filter(pk=licence.pk).update(signed_data=data)
    result = verification.verify_identifier(licence.identifier)
    assert result.status == "invalid" and not result.valid and not result.signature_ok
    assert result.reason == "signature_invalid"
    assert result.detail == "data_hash_mismatch"
    assert "篡改" in result.message


def test_tampered_signature_is_invalid(licence):
    signature = bytearray(bytes(licence.signature_der))
    signature[-5] ^= 0x01
    Licence.objects.filter(pk=licence.pk).update(signature_der=bytes(signature))
    result = verification.verify_identifier(licence.identifier)
    assert result.status == "invalid" and result.reason == "signature_invalid"
    assert result.detail  # the precise reason from the signing core


@pytest.mark.parametrize(
    "field,value",
    [
        ("holder_name", "王五"),
        ("holder_code", "11010519491231002X"),
        (
            "fields",
            {
                "name": "张三",
                "id_number": "440106199001011235",
                "address": "别处",
                "scope": "预包装食品销售",
            },
        ),
    ],
)
def test_record_edited_behind_the_signature_is_invalid(licence, field, value):
    Licence.objects.filter(pk=licence.pk).update(**{field: value})
    result = verification.verify_identifier(licence.identifier)
    assert result.status == "invalid" and result.reason == "data_mismatch"
    assert not result.signature_ok


def test_valid_to_edited_behind_the_signature_is_invalid(licence):
    import datetime

    Licence.objects.filter(pk=licence.pk).update(
        valid_to=licence.valid_to + datetime.timedelta(days=365)
    )
    assert verification.verify_identifier(licence.identifier).reason == "data_mismatch"


def test_revoked_seal_voids_its_licences_suspended_seal_does_not(licence, gz_seal, dept_admin):
    from tongban.licences.services import seals

    seals.suspend_seal(gz_seal, actor=dept_admin, reason="暂停检查")
    assert verification.verify_identifier(licence.identifier).status == "valid"
    seals.revoke_seal(gz_seal, actor=dept_admin, reason="私钥泄露")
    result = verification.verify_identifier(licence.identifier)
    assert result.status == "invalid" and result.reason == "seal_revoked"
    assert result.signature_ok  # the signature itself is intact


def test_key_rotation_keeps_old_licences_valid(
    licence, gz_seal, dept_admin, permit_type, citizen, approver
):
    from tongban.licences.services import seals

    seals.rotate_seal_key(gz_seal, actor=dept_admin)
    newer = issue(permit_type, licence.issuer, citizen, actor=approver)
    assert newer.seal_key_id != licence.seal_key_id
    assert verification.verify_identifier(licence.identifier).status == "valid"
    assert verification.verify_identifier(newer.identifier).status == "valid"


@pytest.mark.parametrize(
    "mangle,detail",
    [
        (lambda i: i[:-1] + ("0" if i[-1] != "0" else "1"), "invalid_checksum"),
        (lambda i: "1.2.156.3005.3." + i[len(PREFIX) :], "invalid_prefix"),
        (lambda i: i.rsplit(".", 2)[0] + ".01." + i[-1], "invalid_version"),
        (lambda i: "", "empty"),
    ],
)
def test_mistyped_identifier_names_the_precise_code(licence, mangle, detail):
    with pytest.raises(DomainError) as caught:
        verification.verify_identifier(mangle(licence.identifier))
    assert caught.value.code == "invalid_identifier"
    assert caught.value.detail == detail
    assert caught.value.status == 400
    assert not LicenceUsage.objects.exists()


def test_unknown_identifier_is_not_found(licence):
    from tongban.core.codes import generate_licence_id

    parts = licence.identifier[len(PREFIX) :].split(".")
    other = generate_licence_id(type_code=parts[0], issuer_uscc=parts[1], number="9999999")
    with pytest.raises(DomainError) as caught:
        verification.verify_identifier(other)
    assert caught.value.code == "licence_not_found" and caught.value.status == 404
    assert caught.value.message == "未找到该证照"


def test_verify_licence_records_nothing_by_itself(licence):
    verification.verify_licence(licence)
    assert not LicenceUsage.objects.filter(kind="verification").exists()
    verification.record_verification(licence)
    usage = LicenceUsage.objects.get(kind="verification")
    assert usage.used_by == "公众核验" and usage.licence == licence
