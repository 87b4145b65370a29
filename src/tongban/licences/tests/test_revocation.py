# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""Revocation, suspension, reinstatement, expiry task and the signed revocation list."""

import base64

import pytest

from tongban.core.crypto import keys, sm2
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.core.signing import canonical_json
from tongban.identity.models import SmsMessage
from tongban.licences import tasks
from tongban.licences.models import Licence
from tongban.licences.services import revocation, verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    days_ago,
    gz_seal,
    issue,
    licence,
    permit_type,
)

pytestmark = pytest.mark.django_db


def _sms(mobile):
    return list(SmsMessage.objects.filter(mobile=mobile, purpose="licence_status"))


def test_revoke_by_issuer_staff_audits_and_notifies(licence, approver, citizen):
    revocation.revoke_licence(licence, actor=approver, reason="以欺骗手段取得许可")
    licence.refresh_from_db()
    assert licence.status == "revoked" and licence.status_reason == "以欺骗手段取得许可"
    event = AuditEvent.objects.get(event_type="licences.licence_revoked")
    assert event.actor == approver and event.org_unit == licence.issuer
    assert event.data["old"] == {"status": "valid"} and event.data["new"] == {"status": "revoked"}
    assert event.data["identifier"] == licence.identifier
    [message] = _sms(citizen.mobile)
    assert "撤销" in message.text and "食品经营许可证" in message.text
    assert citizen.id_number not in message.text and "张三" not in message.text
    result = verification.verify_identifier(licence.identifier)
    assert result.status == "revoked"


def test_suspend_then_reinstate(licence, approver, citizen):
    revocation.suspend_licence(licence, actor=approver, reason="涉嫌违法经营，立案调查")
    assert Licence.objects.get(pk=licence.pk).status == "suspended"
    assert verification.verify_identifier(licence.identifier).status == "suspended"
    revocation.reinstate_licence(licence, actor=approver, reason="调查结束")
    fresh = Licence.objects.get(pk=licence.pk)
    assert fresh.status == "valid" and fresh.status_reason == ""
    assert [
        e.event_type
        for e in AuditEvent.objects.filter(
            event_type__in=["licences.licence_suspended", "licences.licence_reinstated"]
        ).order_by("seq")
    ] == ["licences.licence_suspended", "licences.licence_reinstated"]
    assert len(_sms(citizen.mobile)) == 2


def test_reinstating_after_the_end_date_gives_expired(
    permit_type, gz_market_dept, gz_seal, citizen, approver
):
    old = issue(permit_type, gz_market_dept, citizen, actor=approver, valid_from=days_ago(2000))
    revocation.suspend_licence(old, actor=approver, reason="调查")
    revocation.reinstate_licence(old, actor=approver, reason="调查结束")
    assert Licence.objects.get(pk=old.pk).status == "expired"


@pytest.mark.parametrize("persona", ["clerk", "other_city_clerk", "outsider", "operator"])
def test_others_cannot_change_the_status(licence, persona, request, citizen):
    user = request.getfixturevalue(persona)
    for service in (revocation.revoke_licence, revocation.suspend_licence):
        with pytest.raises(DomainError) as caught:
            service(licence, actor=user, reason="无权操作")
        assert caught.value.status == 403
    assert Licence.objects.get(pk=licence.pk).status == "valid"
    assert not AuditEvent.objects.filter(
        event_type__in=["licences.licence_revoked", "licences.licence_suspended"]
    ).exists()
    assert not _sms(citizen.mobile)


def test_other_city_approver_cannot_revoke(licence, sz_market_dept):
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    sz_approver = StaffFactory(username="sz_approver", name="深审批")
    RoleAssignmentFactory(user=sz_approver, org_unit=sz_market_dept, role="approver")
    with pytest.raises(DomainError) as caught:
        revocation.revoke_licence(licence, actor=sz_approver, reason="越权")
    assert caught.value.status == 403
    assert Licence.objects.get(pk=licence.pk).status == "valid"


def test_reason_is_required(licence, approver):
    with pytest.raises(DomainError) as caught:
        revocation.revoke_licence(licence, actor=approver, reason="  ")
    assert caught.value.code == "reason_required" and caught.value.field == "reason"
    assert Licence.objects.get(pk=licence.pk).status == "valid"
    assert not AuditEvent.objects.filter(event_type="licences.licence_revoked").exists()


@pytest.mark.parametrize(
    "start,service",
    [
        ("revoked", revocation.revoke_licence),
        ("revoked", revocation.reinstate_licence),
        ("superseded", revocation.suspend_licence),
        ("valid", revocation.reinstate_licence),
        ("expired", revocation.suspend_licence),
    ],
)
def test_illegal_transitions_change_nothing(licence, approver, start, service):
    Licence.objects.filter(pk=licence.pk).update(status=start)
    with pytest.raises(DomainError) as caught:
        service(licence, actor=approver, reason="试一试")
    assert caught.value.code == "illegal_status_transition" and caught.value.status == 409
    assert Licence.objects.get(pk=licence.pk).status == start
    assert not AuditEvent.objects.filter(
        event_type__in=[
            "licences.licence_revoked",
            "licences.licence_suspended",
            "licences.licence_reinstated",
        ]
    ).exists()


def test_expiry_task_is_idempotent(
    permit_type, gz_market_dept, gz_seal, citizen, approver, licence
):
    old = issue(permit_type, gz_market_dept, citizen, actor=approver, valid_from=days_ago(2000))
    revoked_old = issue(
        permit_type, gz_market_dept, citizen, actor=approver, valid_from=days_ago(2000)
    )
    Licence.objects.filter(pk=revoked_old.pk).update(status="revoked")
    assert tasks.expire_licences.call() == {"expired": 1}
    assert Licence.objects.get(pk=old.pk).status == "expired"
    assert Licence.objects.get(pk=revoked_old.pk).status == "revoked"
    assert Licence.objects.get(pk=licence.pk).status == "valid"
    event = AuditEvent.objects.get(event_type="licences.licences_expired")
    assert event.data["identifiers"] == [old.identifier]
    assert revocation.expire_due_licences() == 0
    assert AuditEvent.objects.filter(event_type="licences.licences_expired").count() == 1
    assert tasks.PERIODIC_TASKS == {"tongban.licences.tasks.expire_licences": 3600}


def test_expiry_on_the_last_day_keeps_it_valid(licence):
    assert revocation.expire_due_licences(today=licence.valid_to) == 0
    assert (
        revocation.expire_due_licences(
            today=licence.valid_to.fromordinal(licence.valid_to.toordinal() + 1)
        )
        == 1
    )


def test_signed_revocation_list_verifies_with_the_platform_key(
    permit_type, gz_market_dept, gz_seal, citizen, approver, licence
):
    second = issue(permit_type, gz_market_dept, citizen, actor=approver)
    revocation.revoke_licence(licence, actor=approver, reason="吊销")
    revocation.suspend_licence(second, actor=approver, reason="调查")
    document = revocation.signed_revocation_list()
    entries = {e["identifier"]: e for e in document["list"]["entries"]}
    assert entries[licence.identifier]["status"] == "revoked"
    assert entries[second.identifier]["status"] == "suspended"
    assert all(e["since"].endswith("Z") for e in entries.values())
    assert "吊销" not in str(document)  # reasons are not published

    platform = keys.platform_signing_key().public_key
    assert document["key_fingerprint"] == platform.fingerprint()
    # Verify exactly as a third party would: canonical JSON of "list", SM2/SM3, default ID.
    signature = base64.b64decode(document["signature"])
    assert platform.verify(canonical_json(document["list"]), signature)
    assert revocation.verify_revocation_list(document, platform)

    forged = {**document, "list": {**document["list"], "entries": document["list"]["entries"][1:]}}
    assert not revocation.verify_revocation_list(forged, platform)
    assert not revocation.verify_revocation_list(document, sm2.PrivateKey.generate().public_key)
