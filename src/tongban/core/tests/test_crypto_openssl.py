"""Interoperability with the OpenSSL 3 command line, both ways.

Requires the ``openssl`` binary (OpenSSL >= 3.0, which knows SM2 and ``-sigopt distid``).
"""

import shutil
import subprocess

import pytest

from tongban.core.crypto import sm2

CUSTOM_ID = b"tongban@gd.gov.cn"


def openssl(*args, input=None, check=True):
    binary = shutil.which("openssl")
    assert binary, "the openssl command (OpenSSL 3) must be on PATH for interop tests"
    return subprocess.run([binary, *args], input=input, capture_output=True, check=check)


@pytest.fixture(scope="module", autouse=True)
def _openssl_3():
    version = openssl("version").stdout.decode()
    assert version.startswith("OpenSSL 3."), f"OpenSSL 3 required, found {version!r}"


@pytest.fixture
def ours(tmp_path):
    key = sm2.PrivateKey.generate()
    (tmp_path / "key.pem").write_bytes(key.to_pem())
    (tmp_path / "pub.pem").write_bytes(key.public_key.to_pem())
    (tmp_path / "msg").write_bytes("通办 message".encode())
    return key


@pytest.fixture
def theirs(tmp_path):
    openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:SM2",
        "-out",
        str(tmp_path / "their-key.pem"),
    )
    openssl(
        "pkey",
        "-in",
        str(tmp_path / "their-key.pem"),
        "-pubout",
        "-out",
        str(tmp_path / "their-pub.pem"),
    )
    return tmp_path


def test_openssl_reads_our_private_key_and_derives_our_public_key(tmp_path, ours):
    text = openssl("pkey", "-in", str(tmp_path / "key.pem"), "-noout", "-text").stdout.decode()
    assert "SM2" in text
    public_pem = openssl("pkey", "-in", str(tmp_path / "key.pem"), "-pubout").stdout
    assert public_pem == ours.public_key.to_pem()


def test_openssl_reads_our_public_key(tmp_path, ours):
    der = openssl("pkey", "-pubin", "-in", str(tmp_path / "pub.pem"), "-outform", "DER").stdout
    assert der == ours.public_key.to_der()


@pytest.mark.parametrize("signer_id", [sm2.DEFAULT_SIGNER_ID, CUSTOM_ID])
def test_openssl_verifies_our_signature(tmp_path, ours, signer_id):
    (tmp_path / "sig.der").write_bytes(
        ours.sign((tmp_path / "msg").read_bytes(), signer_id=signer_id)
    )
    result = openssl(
        "dgst",
        "-sm3",
        "-verify",
        str(tmp_path / "pub.pem"),
        "-sigopt",
        f"distid:{signer_id.decode()}",
        "-signature",
        str(tmp_path / "sig.der"),
        str(tmp_path / "msg"),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Verified OK" in result.stdout


def test_openssl_rejects_our_signature_with_another_signer_id(tmp_path, ours):
    (tmp_path / "sig.der").write_bytes(ours.sign((tmp_path / "msg").read_bytes()))
    result = openssl(
        "dgst",
        "-sm3",
        "-verify",
        str(tmp_path / "pub.pem"),
        "-sigopt",
        f"distid:{CUSTOM_ID.decode()}",
        "-signature",
        str(tmp_path / "sig.der"),
        str(tmp_path / "msg"),
        check=False,
    )
    assert result.returncode != 0


@pytest.mark.parametrize("signer_id", [sm2.DEFAULT_SIGNER_ID, CUSTOM_ID])
def test_we_verify_openssl_signature(tmp_path, theirs, signer_id):
    message = b"signed by openssl"
    (tmp_path / "m").write_bytes(message)
    openssl(
        "dgst",
        "-sm3",
        "-sign",
        str(tmp_path / "their-key.pem"),
        "-sigopt",
        f"distid:{signer_id.decode()}",
        "-out",
        str(tmp_path / "their-sig.der"),
        str(tmp_path / "m"),
    )
    signature = (tmp_path / "their-sig.der").read_bytes()
    public = sm2.PublicKey.from_pem((tmp_path / "their-pub.pem").read_bytes())
    assert public.verify(message, signature, signer_id=signer_id)
    assert not public.verify(message + b"!", signature, signer_id=signer_id)
    other_id = CUSTOM_ID if signer_id == sm2.DEFAULT_SIGNER_ID else sm2.DEFAULT_SIGNER_ID
    assert not public.verify(message, signature, signer_id=other_id)


def test_we_import_openssl_private_key(tmp_path, theirs):
    private = sm2.PrivateKey.from_pem((tmp_path / "their-key.pem").read_text())
    public = sm2.PublicKey.from_pem((tmp_path / "their-pub.pem").read_text())
    assert private.public_key == public
    # and what we sign with it, OpenSSL verifies with its own public key file
    (tmp_path / "m").write_bytes(b"x")
    (tmp_path / "s.der").write_bytes(private.sign(b"x"))
    result = openssl(
        "dgst",
        "-sm3",
        "-verify",
        str(tmp_path / "their-pub.pem"),
        "-sigopt",
        "distid:1234567812345678",
        "-signature",
        str(tmp_path / "s.der"),
        str(tmp_path / "m"),
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_fingerprint_matches_openssl_der(tmp_path, theirs):
    der = openssl(
        "pkey", "-in", str(tmp_path / "their-key.pem"), "-pubout", "-outform", "DER"
    ).stdout
    digest = openssl("dgst", "-sm3", "-r", input=der).stdout.decode().split()[0]
    assert sm2.PublicKey.from_der(der).fingerprint() == digest


def test_sm2_encryption_interop_with_openssl_pkeyutl(tmp_path, ours, theirs):
    # OpenSSL encrypts to our key, we decrypt
    (tmp_path / "plain").write_bytes("公文".encode())
    openssl(
        "pkeyutl",
        "-encrypt",
        "-pubin",
        "-inkey",
        str(tmp_path / "pub.pem"),
        "-in",
        str(tmp_path / "plain"),
        "-out",
        str(tmp_path / "ct"),
    )
    assert sm2.decrypt(ours, (tmp_path / "ct").read_bytes()) == "公文".encode()
    # we encrypt to OpenSSL's key, OpenSSL decrypts
    public = sm2.PublicKey.from_pem((tmp_path / "their-pub.pem").read_bytes())
    (tmp_path / "ct2").write_bytes(sm2.encrypt(public, b"reply"))
    plain = openssl(
        "pkeyutl",
        "-decrypt",
        "-inkey",
        str(tmp_path / "their-key.pem"),
        "-in",
        str(tmp_path / "ct2"),
    ).stdout
    assert plain == b"reply"
