# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""`tongban licence verify-qr / export / trust-import`."""

import pytest
from django.core.management import CommandError, call_command

from tongban.core.crypto import sm2
from tongban.core.models import AuditEvent
from tongban.licences.models import Licence, TrustedIssuer
from tongban.licences.services import verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    licence,
    openssl_verifies,
    permit_type,
)

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("licence", *args, stdout=out)
    return out.getvalue()


def test_verify_qr_offline_with_a_public_key_file(licence, tmp_path):
    url = verification.qr_url(licence)
    pem = tmp_path / "seal.pem"
    pem.write_text(licence.seal_key.public_pem)
    # Offline: the revocation made after the QR was printed is not visible to the command.
    Licence.objects.filter(pk=licence.pk).update(status="revoked")
    out = run("verify-qr", url, "--public-key", str(pem))
    assert "有效 (valid)" in out and licence.identifier in out and "张*" in out


def test_verify_qr_with_local_keys(licence):
    payload = verification.qr_url(licence).rstrip("/").rsplit("/", 1)[1]
    assert "有效 (valid)" in run("verify-qr", payload)


def test_verify_qr_refuses_a_stranger_key(licence, tmp_path):
    pem = tmp_path / "other.pem"
    pem.write_bytes(sm2.PrivateKey.generate().public_key.to_pem())
    payload = verification.qr_url(licence).rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(CommandError, match="unknown_issuer"):
        run("verify-qr", payload, "--public-key", str(pem))
    with pytest.raises(CommandError, match="invalid_payload"):
        run("verify-qr", "garbage")


def test_export_writes_an_openssl_bundle(licence, tmp_path):
    run("export", licence.identifier, str(tmp_path))
    assert openssl_verifies(tmp_path)
    with pytest.raises(CommandError, match="invalid_identifier"):
        run("export", licence.identifier[:-1] + "?", str(tmp_path / "x"))


def test_trust_import(tmp_path):
    pem = tmp_path / "bj.pem"
    pem.write_bytes(sm2.PrivateKey.generate().public_key.to_pem())
    out = run(
        "trust-import",
        str(pem),
        "--name",
        "北京市市场监督管理局",
        "--issuer-code",
        "91110000600037341L",
    )
    issuer = TrustedIssuer.objects.get()
    assert issuer.fingerprint in out
    assert AuditEvent.objects.get(event_type="licences.trusted_issuer_imported").actor_name == "cli"
    with pytest.raises(CommandError, match="already_trusted"):
        run("trust-import", str(pem), "--name", "x", "--issuer-code", "91110000600037341L")
