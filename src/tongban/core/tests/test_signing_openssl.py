"""OpenSSL alone verifies an exported signature bundle (the recipe in its README.txt)."""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from tongban.core import signing
from tongban.core.crypto import keys, sm2

VERIFY = (
    "openssl dgst -sm3 -verify seal-public.pem -sigopt distid:1234567812345678 "
    "-signature signature.der tbs.der"
)
ASN1PARSE = "openssl asn1parse -inform DER -in tbs.der"
DIGEST = "openssl dgst -sm3 data.json"


def run(command, cwd):
    assert shutil.which("openssl"), "the openssl command (OpenSSL 3) must be on PATH"
    return subprocess.run(command.split(), cwd=cwd, capture_output=True, text=True)


def data_hash_in_tbs(cwd) -> str:
    output = run(ASN1PARSE, cwd)
    assert output.returncode == 0, output.stderr
    depth_one = [line for line in output.stdout.splitlines() if "d=1" in line]
    [line] = [line for line in depth_one if "OCTET STRING" in line]
    return re.search(r"\[HEX DUMP\]:([0-9A-F]+)", line).group(1).lower()


def digest_of_data(cwd) -> str:
    output = run(DIGEST, cwd)
    assert output.returncode == 0, output.stderr
    return output.stdout.strip().rsplit("= ", 1)[1].lower()


@pytest.fixture
def bundle_dir(tmp_path, db):
    keys.clear_cache()
    seal_key = sm2.PrivateKey.generate()
    today = dt.date.today()
    cert = signing.build_seal_certificate(
        esid="44010020260001",
        name="广州市市场监督管理局电子证照专用章",
        org_unit_name="广州市市场监督管理局",
        public_key=seal_key.public_key,
        valid_from=today - dt.timedelta(days=1),
        valid_to=today + dt.timedelta(days=365),
        picture=b"<svg/>",
        platform_key=keys.platform_signing_key(),
    )
    data = signing.canonical_json({"证照名称": "营业执照", "名称": "广州某某餐饮店", "编号": "7"})
    der = signing.sign_document(data, key=seal_key, seal_certificate_der=cert, property_info="L-7")
    files = signing.openssl_bundle(data, der, seal_key.public_key)
    assert set(files) == {"tbs.der", "signature.der", "seal-public.pem", "data.json", "README.txt"}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return tmp_path


def test_readme_has_the_commands(bundle_dir):
    readme = (bundle_dir / "README.txt").read_text("utf-8")
    assert VERIFY in readme and ASN1PARSE in readme and DIGEST in readme


def test_openssl_verifies_the_bundle(bundle_dir):
    result = run(VERIFY, bundle_dir)
    assert result.returncode == 0 and "Verified OK" in result.stdout, result.stderr
    assert data_hash_in_tbs(bundle_dir) == digest_of_data(bundle_dir)
    readme = (bundle_dir / "README.txt").read_text("utf-8")
    assert digest_of_data(bundle_dir).upper() in readme


def test_tampered_data_json_is_detected(bundle_dir):
    path = bundle_dir / "data.json"
    path.write_bytes(path.read_bytes().replace("某某".encode(), "某乙".encode()))
    assert "Verified OK" in run(VERIFY, bundle_dir).stdout  # the signed TBS is untouched ...
    assert data_hash_in_tbs(bundle_dir) != digest_of_data(bundle_dir)  # ... but its hash differs


def test_tampered_tbs_fails_openssl(bundle_dir):
    path = bundle_dir / "tbs.der"
    path.write_bytes(path.read_bytes().replace(b"L-7", b"L-8"))
    result = run(VERIFY, bundle_dir)
    assert result.returncode != 0 and "Verified OK" not in result.stdout
    assert "Verification failure" in result.stdout + result.stderr


def test_tampered_signature_fails_openssl(bundle_dir):
    path = bundle_dir / "signature.der"
    signature = bytearray(path.read_bytes())
    signature[10] ^= 0x01
    path.write_bytes(bytes(signature))
    result = run(VERIFY, bundle_dir)
    assert result.returncode != 0 and "Verified OK" not in result.stdout
