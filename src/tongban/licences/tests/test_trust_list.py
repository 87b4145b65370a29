# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""Trust list: another province's issuer key imported by an operator; unknown issuers refused."""

import datetime
import random

import pytest
from django.utils import timezone

from tongban.core import signing
from tongban.core.codes import generate_licence_id
from tongban.core.codes.uscc import generate_uscc
from tongban.core.crypto import sm2
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.licences import offline
from tongban.licences.models import TrustedIssuer
from tongban.licences.services import trust, verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    AUTHORITY_USCC,
    gz_seal,
    licence,
    permit_type,
)

pytestmark = pytest.mark.django_db

# "Another province" (北京市): its platform key, one issuer and its seal key.
RNG = random.Random(11)
OTHER_ISSUER_USCC = generate_uscc(division_code="110000", authority="1", entity_type="1", rng=RNG)
TYPE_CODE = AUTHORITY_USCC + "950"


class OtherProvince:
    def __init__(self):
        self.platform = sm2.PrivateKey.generate()
        self.seal_key = sm2.PrivateKey.generate()
        today = timezone.localdate()
        self.certificate = signing.build_seal_certificate(
            esid="11000020260000001",
            name="北京市市场监督管理局电子证照专用章",
            org_unit_name="北京市市场监督管理局",
            public_key=self.seal_key.public_key,
            valid_from=today - datetime.timedelta(days=10),
            valid_to=today + datetime.timedelta(days=3650),
            picture=b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            platform_key=self.platform,
        )
        self.identifier = generate_licence_id(
            type_code=TYPE_CODE, issuer_uscc=OTHER_ISSUER_USCC, number="1000001"
        )

    def pem(self) -> str:
        return self.seal_key.public_key.to_pem().decode()

    def document(self, **changes) -> tuple[bytes, bytes]:
        metadata = {
            "证照标识": self.identifier,
            "证照类型名称": "食品经营许可证",
            "持证主体": "王某",
            "持证主体代码": "11010519491231002X",
            "有效期起始": "2025-01-01",
            "有效期截止": "2030-12-31",
            **changes,
        }
        data = signing.canonical_json({"metadata": metadata, "fields": {}})
        signature = signing.sign_document(
            data, key=self.seal_key, seal_certificate_der=self.certificate
        )
        return data, signature

    def payload(self, identifier=None) -> str:
        return offline.sign_payload(
            key=self.seal_key,
            identifier=identifier or self.identifier,
            type_code=TYPE_CODE,
            masked_holder="王*",
            valid_to=datetime.date(2030, 12, 31),
            issued_on=datetime.date(2025, 1, 1),
        )


@pytest.fixture
def other():
    return OtherProvince()


def _import(other, actor):
    return trust.import_trusted_issuer(
        pem=other.pem(), name="北京市市场监督管理局", issuer_code=OTHER_ISSUER_USCC, actor=actor
    )


def test_unknown_issuer_then_trusted_after_import(other, operator):
    data, signature = other.document()
    refused = verification.verify_signed_document(data, signature)
    assert refused.status == "unknown_issuer" and refused.reason == "unknown_issuer"
    assert "信任列表" in refused.message
    offline_refused = verification.verify_offline_payload(other.payload())
    assert offline_refused.status == "unknown_issuer"

    issuer = _import(other, operator)
    assert issuer.fingerprint == other.seal_key.public_key.fingerprint()
    event = AuditEvent.objects.get(event_type="licences.trusted_issuer_imported")
    assert event.actor == operator and event.data["issuer_code"] == OTHER_ISSUER_USCC

    accepted = verification.verify_signed_document(data, signature)
    assert accepted.status == "valid" and accepted.signature_ok
    assert accepted.issuer_name == "北京市市场监督管理局"
    payload_result = verification.verify_offline_payload(other.payload())
    assert payload_result.status == "valid" and not payload_result.online
    assert "外" in payload_result.message


def test_trusted_key_cannot_speak_for_another_issuer(other, operator, licence):
    _import(other, operator)
    # The Beijing key signs a payload claiming a Guangzhou licence identifier.
    result = verification.verify_offline_payload(other.payload(identifier=licence.identifier))
    assert result.status == "invalid"
    assert result.reason in ("issuer_mismatch", "data_mismatch")


def test_tampered_foreign_document_fails(other, operator):
    _import(other, operator)
    data, signature = other.document()
    tampered = data.replace(b"2030-12-31", b"2040-12-31")
    result = verification.verify_signed_document(tampered, signature)
    assert result.status == "invalid" and result.reason == "signature_invalid"


def test_deactivated_issuer_is_unknown_again(other, operator):
    issuer = _import(other, operator)
    trust.set_trusted_issuer_active(issuer, active=False, actor=operator)
    assert AuditEvent.objects.filter(event_type="licences.trusted_issuer_deactivated").exists()
    data, signature = other.document()
    assert verification.verify_signed_document(data, signature).status == "unknown_issuer"


@pytest.mark.parametrize(
    "changes,code",
    [
        (
            {"pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"},
            "invalid_public_key",
        ),
        ({"pem": "not a key"}, "invalid_public_key"),
        ({"issuer_code": "91350100M000100Y44"}, "invalid_issuer_code"),
        ({"name": "  "}, "name_required"),
    ],
)
def test_bad_import_changes_nothing(other, operator, changes, code):
    values = {"pem": other.pem(), "name": "北京", "issuer_code": OTHER_ISSUER_USCC, **changes}
    with pytest.raises(DomainError) as caught:
        trust.import_trusted_issuer(actor=operator, **values)
    assert caught.value.code == code
    assert not TrustedIssuer.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="licences.trusted").exists()


def test_duplicate_and_own_keys_are_refused(other, operator, licence):
    _import(other, operator)
    with pytest.raises(DomainError) as caught:
        _import(other, operator)
    assert caught.value.code == "already_trusted"
    with pytest.raises(DomainError) as caught:
        trust.import_trusted_issuer(
            pem=licence.seal_key.public_pem,
            name="自己",
            issuer_code=OTHER_ISSUER_USCC,
            actor=operator,
        )
    assert caught.value.code == "own_key"
    assert TrustedIssuer.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "clerk", "dept_admin"])
def test_only_operators_manage_the_trust_list(other, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(DomainError) as caught:
        _import(other, user)
    assert caught.value.status == 403
    assert not TrustedIssuer.objects.exists()
