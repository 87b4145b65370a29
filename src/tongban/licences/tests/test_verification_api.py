# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""Verification API: statuses, identifier errors, QR payloads, export (OpenSSL alone verifies
it; tampering any signed field breaks it), revocation routes and the trust list routes."""

import base64
import io
import json
import re
import zipfile

import pytest
from django.test import Client

from tongban.core.models import AuditEvent
from tongban.licences.models import Licence, LicenceUsage, TrustedIssuer
from tongban.licences.services import verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    licence,
    openssl,
    openssl_verifies,
    permit_type,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/licences"


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


# --- verify -----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["valid", "expired", "revoked", "suspended", "superseded"])
def test_verify_by_identifier_reports_each_status(licence, citizen, status):
    Licence.objects.filter(pk=licence.pk).update(status=status)
    response = client_for().get(f"{API}/verify/{licence.identifier}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == status and body["valid"] is (status == "valid")
    assert body["signature_ok"] is True
    assert body["masked_holder"] == "张*（440***********1235）"
    assert body["issuer_name"] == licence.issuer.full_name
    assert body["type_code"] == licence.licence_type.code
    assert citizen.id_number not in response.content.decode()
    assert LicenceUsage.objects.filter(licence=licence, kind="verification").count() == 1


@pytest.mark.parametrize(
    "mangle,detail",
    [
        (lambda i: i[:-1] + ("0" if i[-1] != "0" else "1"), "invalid_checksum"),
        (lambda i: i.replace("1.2.156.3005.2.", "1.2.156.3005.9.", 1), "invalid_prefix"),
        (lambda i: i + ".X", "invalid_format"),
    ],
)
def test_mistyped_identifier(licence, mangle, detail):
    response = client_for().get(f"{API}/verify/{mangle(licence.identifier)}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_identifier"
    assert response.json()["detail"] == detail
    assert not LicenceUsage.objects.exists()


def test_unknown_identifier(licence):
    from tongban.core.codes import generate_licence_id

    parts = licence.identifier.split(".")
    other = generate_licence_id(type_code=parts[5], issuer_uscc=parts[6], number="5555555")
    response = client_for().get(f"{API}/verify/{other}")
    assert response.status_code == 404
    assert response.json() == {
        "code": "licence_not_found",
        "message": "未找到该证照",
        "field": "identifier",
    }


def test_verify_qr(licence):
    url = verification.qr_url(licence)
    payload = url.rstrip("/").rsplit("/", 1)[1]
    response = post(client_for(), f"{API}/verify-qr", {"payload": payload})
    assert response.status_code == 200 and response.json()["status"] == "valid"
    response = post(client_for(), f"{API}/verify-qr", {"payload": "abc"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_payload"


def test_verify_document_of_an_unknown_issuer(licence):
    data = base64.b64encode(bytes(licence.signed_data)).decode()
    signature = base64.b64encode(bytes(licence.signature_der)).decode()
    response = post(client_for(), f"{API}/verify-document", {"data": data, "signature": signature})
    assert response.status_code == 200 and response.json()["status"] == "valid"


def test_revocation_list_is_public_and_signed(licence, approver):
    from tongban.licences.services import revocation

    revocation.revoke_licence(licence, actor=approver, reason="吊销")
    response = client_for().get(f"{API}/revocations")
    assert response.status_code == 200
    document = response.json()
    assert [e["identifier"] for e in document["list"]["entries"]] == [licence.identifier]
    from tongban.core.crypto import keys

    assert revocation.verify_revocation_list(document, keys.platform_signing_key().public_key)


# --- export ----------------------------------------------------------------------------------
def _export(user, licence):
    return client_for(user).get(f"{API}/{licence.identifier}/export")


def _data_hash(cwd) -> str:
    out = openssl("asn1parse", "-inform", "DER", "-in", "tbs.der", cwd=cwd).stdout
    hashes = [
        m.group(1) for m in re.finditer(r"d=1 .*OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)", out)
    ]
    assert len(hashes) == 1, out
    return hashes[0].lower()


def _sm3(cwd, name="data.json") -> str:
    return openssl("dgst", "-sm3", name, cwd=cwd).stdout.strip().rsplit(" ", 1)[1].lower()


def _openssl_verifies(cwd) -> bool:
    return openssl_verifies(cwd) and _sm3(cwd) == _data_hash(cwd)


def test_openssl_alone_verifies_the_export_and_every_tampered_field_fails(
    licence, citizen, tmp_path
):
    response = _export(citizen, licence)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} >= {
        "data.json",
        "tbs.der",
        "signature.der",
        "seal-public.pem",
        "README.txt",
    }
    assert (tmp_path / "data.json").read_bytes() == bytes(licence.signed_data)
    assert _openssl_verifies(tmp_path)
    usage = LicenceUsage.objects.get(licence=licence, kind="download")
    assert usage.used_by == citizen.name

    original = (tmp_path / "data.json").read_bytes()
    document = json.loads(original)
    tampered_keys = []
    for section in ("metadata", "fields"):
        for key, value in document[section].items():
            changed = json.loads(original)
            changed[section][key] = (value + "0") if isinstance(value, str) else "0"
            (tmp_path / "data.json").write_bytes(
                json.dumps(
                    changed, ensure_ascii=False, sort_keys=True, separators=(",", ":")
                ).encode()
            )
            assert not _openssl_verifies(tmp_path), (section, key)
            tampered_keys.append(key)
    assert "证照标识" in tampered_keys and "持证主体代码" in tampered_keys
    assert len(tampered_keys) >= 15
    (tmp_path / "data.json").write_bytes(original)
    assert _openssl_verifies(tmp_path)

    # Tampering the signed structure or the signature: OpenSSL's check itself fails.
    tbs = bytearray((tmp_path / "tbs.der").read_bytes())
    tbs[-3] ^= 0x01
    (tmp_path / "tbs.der").write_bytes(bytes(tbs))
    assert not openssl_verifies(tmp_path)


@pytest.mark.parametrize("persona", ["clerk", "approver"])
def test_issuer_staff_may_export(licence, persona, request):
    assert _export(request.getfixturevalue(persona), licence).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "other_city_clerk", "operator"])
def test_others_cannot_export_and_nothing_is_recorded(licence, persona, request):
    response = _export(request.getfixturevalue(persona), licence)
    assert response.status_code == 404
    assert response.json()["code"] == "licence_not_found"
    assert not LicenceUsage.objects.exists()


def test_anonymous_cannot_export(licence):
    assert _export(None, licence).status_code == 401
    assert not LicenceUsage.objects.exists()


# --- revoke / suspend / reinstate --------------------------------------------------------------
def test_issuer_approver_revokes_through_the_api(licence, approver):
    client = client_for(approver)
    response = post(client, f"{API}/{licence.identifier}/suspend", {"reason": "调查"})
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    response = post(client, f"{API}/{licence.identifier}/reinstate", {"reason": "调查结束"})
    assert response.json()["status"] == "valid"
    response = post(client, f"{API}/{licence.identifier}/revoke", {"reason": "吊销"})
    assert response.json() == {
        "identifier": licence.identifier,
        "status": "revoked",
        "status_reason": "吊销",
    }
    response = post(client, f"{API}/{licence.identifier}/reinstate", {"reason": "再试"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_status_transition"
    assert client_for().get(f"{API}/verify/{licence.identifier}").json()["status"] == "revoked"


@pytest.mark.parametrize(
    "persona,status",
    [("outsider", 404), ("other_city_clerk", 404), ("clerk", 403), ("citizen", 404), (None, 401)],
)
def test_others_cannot_revoke(licence, persona, status, request):
    user = request.getfixturevalue(persona) if persona else None
    for verb in ("revoke", "suspend"):
        response = post(client_for(user), f"{API}/{licence.identifier}/{verb}", {"reason": "x"})
        assert response.status_code == status
    assert Licence.objects.get(pk=licence.pk).status == "valid"
    assert not AuditEvent.objects.filter(
        event_type__in=["licences.licence_revoked", "licences.licence_suspended"]
    ).exists()


# --- trust list ----------------------------------------------------------------------------------
def _pem():
    from tongban.core.crypto import sm2

    return sm2.PrivateKey.generate().public_key.to_pem().decode()


def test_operator_manages_the_trust_list(operator):
    client = client_for(operator)
    response = post(
        client,
        f"{API}/trusted-issuers",
        {
            "name": "北京市市场监督管理局",
            "issuer_code": "91350100M000100Y43",
            "public_pem": _pem(),
        },
    )
    assert response.status_code == 201, response.json()
    issuer_id = response.json()["id"]
    assert [row["id"] for row in client.get(f"{API}/trusted-issuers").json()] == [issuer_id]
    response = post(client, f"{API}/trusted-issuers/{issuer_id}/deactivate", {})
    assert response.status_code == 200 and response.json()["is_active"] is False
    response = post(
        client,
        f"{API}/trusted-issuers",
        {
            "name": "x",
            "issuer_code": "123",
            "public_pem": _pem(),
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_issuer_code"


@pytest.mark.parametrize("persona,status", [("outsider", 403), ("dept_admin", 403), (None, 401)])
def test_others_cannot_touch_the_trust_list(persona, status, request, operator):
    user = request.getfixturevalue(persona) if persona else None
    client = client_for(user)
    existing = TrustedIssuer.objects.create(
        name="a", issuer_code="91350100M000100Y43", fingerprint="f" * 64, public_pem=_pem()
    )
    assert client.get(f"{API}/trusted-issuers").status_code == status
    response = post(
        client,
        f"{API}/trusted-issuers",
        {
            "name": "x",
            "issuer_code": "91110000600037341L",
            "public_pem": _pem(),
        },
    )
    assert response.status_code == status
    assert post(client, f"{API}/trusted-issuers/{existing.pk}/deactivate", {}).status_code == status
    assert TrustedIssuer.objects.count() == 1
    assert TrustedIssuer.objects.get().is_active
