"""Seal lifecycle, keys and use (services)."""

import datetime as dt

import pytest

from tongban.core import signing
from tongban.core.crypto import envelope, keys, seal_keys
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.licences.errors import SealError
from tongban.licences.models import Seal, SealKey
from tongban.licences.services import seals
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def events(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


@pytest.fixture
def seal(gz_market_dept, dept_admin):
    return seals.create_seal(gz_market_dept, actor=dept_admin)


@pytest.fixture
def sz_dept_admin(sz_market_dept):
    user = StaffFactory(username="sz_dept_admin", name="深管理")
    RoleAssignmentFactory(
        user=user, org_unit=sz_market_dept, role="dept_admin", covers_children=True
    )
    return user


def test_create_seal_key_certificate_and_audit(gz_market_dept, dept_admin):
    seal = seals.create_seal(gz_market_dept, actor=dept_admin)
    assert seal.status == Seal.Status.ACTIVE
    assert seal.name == "广州市市场监督管理局电子证照专用章"
    year = seal.valid_from.year
    assert seal.esid == f"440100{year}0001"
    assert seal.valid_to == dt.date(
        year + 5, seal.valid_from.month, seal.valid_from.day
    ) - dt.timedelta(days=1)
    key = SealKey.objects.get(seal=seal)
    assert key.is_active
    # private key encrypted at rest, bound to the row
    assert key.private_key_encrypted.startswith("v1:")
    assert b"PRIVATE" not in key.private_key_encrypted.encode()
    private = seals.signing_key(key)
    assert private.public_key.fingerprint() == key.fingerprint
    with pytest.raises(DomainError) as exc:
        envelope.decrypt(
            key.private_key_encrypted, aad=b"licences.sealkey:999:" + key.fingerprint.encode()
        )
    assert exc.value.code == "decrypt_failed"
    # the seal certificate names the key and is signed by the platform key
    info = signing.parse_seal_certificate(bytes(key.certificate_der))
    assert info.esid == seal.esid and info.name == seal.name
    assert info.org_unit_name == "广州市市场监督管理局"
    assert info.public_key.fingerprint() == key.fingerprint
    assert info.valid_from_date == seal.valid_from and info.valid_to_date == seal.valid_to
    assert info.picture.startswith(b"<svg")
    assert info.platform_fingerprint == keys.platform_signing_key().public_key.fingerprint()
    assert signing.verify_seal_certificate(bytes(key.certificate_der))
    [event] = events("licences.seal_created")
    assert event.actor_id == dept_admin.pk and event.target_id == str(seal.pk)
    assert event.data["new"]["key"] == key.fingerprint


def test_second_seal_gets_next_esid(seal, gz_market_dept, dept_admin):
    other = seals.create_seal(gz_market_dept, actor=dept_admin, name="市场监督管理局测试章")
    assert int(other.esid[-4:]) == int(seal.esid[-4:]) + 1


def test_rotate_master_rewraps_seal_keys(seal, settings):
    key = SealKey.objects.get(seal=seal)
    old_token = key.private_key_encrypted
    old_master = settings.MASTER_KEY
    settings.MASTER_KEYS_OLD = [old_master]
    settings.MASTER_KEY = envelope.generate_master_key("next")
    report = keys.rotate_master(actor="cli")
    assert report.rewrapped["licences.SealKey.private_key_encrypted"] == 1
    key.refresh_from_db()
    assert key.private_key_encrypted != old_token
    assert envelope.token_kid(key.private_key_encrypted) == "next"
    seal_keys.forget()
    assert seals.signing_key(key).public_key.fingerprint() == key.fingerprint


def test_sign_with_seal_verifies_and_audits_use(seal, gz_market_dept, approver):
    data = signing.canonical_json({"证照编号": "0001", "名称": "某某个体户"})
    der, key = seals.sign_with_seal(gz_market_dept, data, actor=approver, reference="LIC-1")
    check = signing.verify_document(data, der)
    assert check.ok, check.reason
    assert check.esid == seal.esid and check.property_info == "LIC-1"
    assert check.public_key.fingerprint() == key.fingerprint
    [event] = events("licences.seal_used")
    assert event.actor_id == approver.pk
    assert event.data["reference"] == "LIC-1" and event.data["key"] == key.fingerprint


@pytest.mark.parametrize(
    ("action", "code"),
    [("suspend", SealError.SEAL_NOT_ACTIVE), ("revoke", SealError.SEAL_NOT_ACTIVE)],
)
def test_inactive_seal_refuses_to_sign_and_nothing_changes(
    seal, gz_market_dept, dept_admin, action, code
):
    getattr(seals, f"{action}_seal")(seal, actor=dept_admin, reason="印章遗失")
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        seals.sign_with_seal(gz_market_dept, b"{}", actor=dept_admin, reference="X")
    assert exc.value.code == code
    assert AuditEvent.objects.count() == before


def test_suspended_only_seal_is_not_active_for_signing(seal, gz_market_dept, dept_admin):
    seals.suspend_seal(seal, actor=dept_admin, reason="暂停")
    with pytest.raises(DomainError) as exc:
        seals.active_seal_key(gz_market_dept)
    assert exc.value.code == SealError.SEAL_NOT_ACTIVE
    key = SealKey.objects.get(seal=seal)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        seals.sign_with_seal_key(key, b"{}", actor=dept_admin, reference="X")
    assert exc.value.code == SealError.SEAL_NOT_ACTIVE
    assert AuditEvent.objects.count() == before


def test_expired_seal_refuses_to_sign(seal, gz_market_dept, dept_admin):
    Seal.objects.filter(pk=seal.pk).update(
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1)
    )
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        seals.sign_with_seal(gz_market_dept, b"{}", actor=dept_admin, reference="X")
    assert exc.value.code == SealError.SEAL_EXPIRED
    assert AuditEvent.objects.count() == before


def test_no_seal(gz_market_dept, dept_admin):
    with pytest.raises(DomainError) as exc:
        seals.sign_with_seal(gz_market_dept, b"{}", actor=dept_admin, reference="X")
    assert exc.value.code == SealError.NO_ACTIVE_SEAL


def test_lifecycle_transitions_and_audit(seal, dept_admin):
    seals.suspend_seal(seal, actor=dept_admin, reason="调查中")
    seal.refresh_from_db()
    assert seal.status == Seal.Status.SUSPENDED and seal.status_reason == "调查中"
    with pytest.raises(DomainError) as exc:
        seals.suspend_seal(seal, actor=dept_admin, reason="再次")
    assert exc.value.code == SealError.ILLEGAL_TRANSITION
    seals.reactivate_seal(seal, actor=dept_admin)
    seal.refresh_from_db()
    assert seal.status == Seal.Status.ACTIVE
    seals.revoke_seal(seal, actor=dept_admin, reason="部门撤并")
    seal.refresh_from_db()
    assert seal.status == Seal.Status.REVOKED
    for call in (
        lambda: seals.reactivate_seal(seal, actor=dept_admin),
        lambda: seals.rotate_seal_key(seal, actor=dept_admin),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == SealError.SEAL_REVOKED
    seal.refresh_from_db()
    assert seal.status == Seal.Status.REVOKED
    assert [
        e.event_type
        for e in AuditEvent.objects.filter(event_type__startswith="licences.seal_").order_by("seq")
    ] == [
        "licences.seal_created",
        "licences.seal_suspended",
        "licences.seal_reactivated",
        "licences.seal_revoked",
    ]
    assert events("licences.seal_revoked")[0].data["reason"] == "部门撤并"


def test_reason_required(seal, dept_admin):
    with pytest.raises(DomainError) as exc:
        seals.suspend_seal(seal, actor=dept_admin, reason="  ")
    assert exc.value.code == SealError.REASON_REQUIRED and exc.value.field == "reason"
    seal.refresh_from_db()
    assert seal.status == Seal.Status.ACTIVE
    assert not events("licences.seal_suspended")


def test_rotation_keeps_old_signatures_valid(seal, gz_market_dept, dept_admin):
    data = b'{"n":1}'
    old_der, old_key = seals.sign_with_seal(gz_market_dept, data, actor=dept_admin, reference="A")
    new_key = seals.rotate_seal_key(seal, actor=dept_admin)
    old_key.refresh_from_db()
    assert not old_key.is_active and old_key.retired_at is not None
    assert new_key.is_active and new_key.fingerprint != old_key.fingerprint
    assert seals.active_seal_key(gz_market_dept) == new_key
    new_der, used = seals.sign_with_seal(gz_market_dept, data, actor=dept_admin, reference="B")
    assert used == new_key
    assert signing.verify_document(data, old_der).ok
    assert signing.verify_document(data, old_der, public_key=seals.public_key(old_key)).ok
    assert signing.verify_document(data, new_der).ok
    # the old signature does not verify under the new key
    assert (
        signing.verify_document(data, old_der, public_key=seals.public_key(new_key)).reason
        == "seal_key_mismatch"
    )
    [event] = events("licences.seal_key_rotated")
    assert event.data == {"old": {"key": old_key.fingerprint}, "new": {"key": new_key.fingerprint}}


def test_other_city_admin_cannot_manage(seal, sz_dept_admin, clerk, sz_market_dept):
    for call in (
        lambda: seals.suspend_seal(seal, actor=sz_dept_admin, reason="x"),
        lambda: seals.revoke_seal(seal, actor=clerk, reason="x"),
        lambda: seals.rotate_seal_key(seal, actor=sz_dept_admin),
        lambda: seals.create_seal(seal.org_unit, actor=sz_dept_admin),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == SealError.PERMISSION_DENIED and exc.value.status == 403
    seal.refresh_from_db()
    assert seal.status == Seal.Status.ACTIVE
    assert Seal.objects.count() == 1 and SealKey.objects.count() == 1
    # but they manage their own department
    assert seals.create_seal(sz_market_dept, actor=sz_dept_admin).esid.startswith("440300")


def test_seals_only_for_departments(guangzhou):
    with pytest.raises(DomainError) as exc:
        seals.create_seal(guangzhou, actor=None)
    assert exc.value.code == SealError.NOT_A_DEPARTMENT
    assert not Seal.objects.exists()


def test_validity_in_the_past_refused(gz_market_dept, dept_admin):
    with pytest.raises(DomainError) as exc:
        seals.create_seal(gz_market_dept, actor=dept_admin, valid_to=dt.date(2001, 1, 1))
    assert exc.value.code == SealError.INVALID_VALIDITY and exc.value.field == "valid_to"
    assert not Seal.objects.exists()


def test_renew_changes_validity_with_a_new_certificate(seal, gz_market_dept, dept_admin):
    data = b'{"n":2}'
    old_der, old_key = seals.sign_with_seal(gz_market_dept, data, actor=dept_admin, reference="A")
    new_end = seal.valid_to + dt.timedelta(days=365)
    new_key = seals.renew_seal(seal, actor=dept_admin, valid_to=new_end)
    seal.refresh_from_db()
    assert seal.valid_to == new_end
    info = signing.parse_seal_certificate(bytes(new_key.certificate_der))
    assert info.valid_to_date == new_end
    assert signing.verify_document(data, old_der).ok
    [event] = events("licences.seal_renewed")
    assert event.data["new"] == {"valid_to": new_end.isoformat(), "key": new_key.fingerprint}
    assert event.data["old"]["key"] == old_key.fingerprint


def test_renew_into_the_past_refused(seal, dept_admin):
    before = (seal.valid_to, SealKey.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        seals.renew_seal(seal, actor=dept_admin, valid_to=dt.date(2001, 1, 1))
    assert exc.value.code == SealError.INVALID_VALIDITY
    seal.refresh_from_db()
    assert (seal.valid_to, SealKey.objects.count(), AuditEvent.objects.count()) == before


def test_reason_too_long(seal, dept_admin):
    with pytest.raises(DomainError) as exc:
        seals.revoke_seal(seal, actor=dept_admin, reason="长" * 201)
    assert exc.value.code == SealError.REASON_TOO_LONG
    seal.refresh_from_db()
    assert seal.status == Seal.Status.ACTIVE
