"""Verifying receipts: the signature (also with OpenSSL alone), tampering, the public look-up
with its check code and rate limit."""

import datetime as dt
import json
import re
import shutil

import pytest
from django.utils import timezone

from tongban.core import signing
from tongban.core.exceptions import DomainError
from tongban.payments.models import Receipt, ReceiptVerificationFailure
from tongban.payments.services import receipts
from tongban.payments.tests.factories_receipts import PaidOrderFactory, issue, refund_of
from tongban.testing.fixtures import skip_unless
from tongban.testing.openssl import openssl, openssl_verifies

pytestmark = pytest.mark.django_db
IP = "203.0.113.9"


@pytest.fixture
def receipt(gz_market_dept, citizen):
    return issue(PaidOrderFactory(org_unit=gz_market_dept, payer=citizen))


def reload(receipt) -> Receipt:
    return Receipt.objects.select_related("finance_seal").get(pk=receipt.pk)


def test_an_issued_receipt_verifies(receipt):
    check = receipts.verify_receipt(reload(receipt))
    assert check.valid and check.signature_ok and check.reason == ""
    assert check.seal_name == "广州市市场监督管理局财务专用章"
    data = check.public_data()
    assert data["payer_name"] == "张*" and data["payer_id_number"] == "440***********1235"
    assert data["amount_yuan"] == "60.00" and data["amount_in_words"] == "陆拾元整"


def test_a_changed_amount_column_fails(receipt):
    Receipt.objects.filter(pk=receipt.pk).update(amount=600)
    check = receipts.verify_receipt(reload(receipt))
    assert not check.valid and check.signature_ok and check.reason == "data_mismatch"


def test_a_changed_payer_column_fails(receipt):
    Receipt.objects.filter(pk=receipt.pk).update(payer_name="李四")
    assert receipts.verify_receipt(reload(receipt)).reason == "data_mismatch"


def test_changed_signed_data_fails(receipt):
    data = json.loads(bytes(receipt.signed_data))
    data["amount"] = 600
    Receipt.objects.filter(pk=receipt.pk).update(signed_data=signing.canonical_json(data))
    check = receipts.verify_receipt(reload(receipt))
    assert not check.valid and not check.signature_ok and check.reason == "data_hash_mismatch"


def test_a_changed_signature_fails(receipt):
    signature = bytearray(bytes(receipt.signature_der))
    signature[-5] ^= 0x01
    Receipt.objects.filter(pk=receipt.pk).update(signature_der=bytes(signature))
    check = receipts.verify_receipt(reload(receipt))
    assert not check.valid and check.reason == "bad_signature"


def test_a_changed_check_code_column_fails(receipt):
    other = "000000" if receipt.check_code != "000000" else "111111"
    Receipt.objects.filter(pk=receipt.pk).update(check_code=other)
    assert receipts.verify_receipt(reload(receipt)).reason == "check_code_mismatch"


# --- OpenSSL alone --------------------------------------------------------------------------
def _write_bundle(receipt, directory):
    for name, content in receipts.openssl_bundle(reload(receipt)).items():
        (directory / name).write_bytes(content)


def _data_hash_in_tbs(directory) -> str:
    parsed = openssl("asn1parse", "-inform", "DER", "-in", "tbs.der", cwd=directory)
    assert parsed.returncode == 0, parsed.stderr
    [line] = [row for row in parsed.stdout.splitlines() if "d=1" in row and "OCTET STRING" in row]
    return re.search(r"\[HEX DUMP\]:([0-9A-F]+)", line).group(1).lower()


def _sm3_of(directory, name="data.json") -> str:
    return openssl("dgst", "-sm3", name, cwd=directory).stdout.rsplit("=", 1)[1].strip().lower()


def test_openssl_verifies_the_receipt_signature(receipt, tmp_path):
    skip_unless(shutil.which("openssl") is not None, "the openssl command is needed")
    _write_bundle(receipt, tmp_path)
    assert openssl_verifies(tmp_path)
    assert _data_hash_in_tbs(tmp_path) == _sm3_of(tmp_path)
    # the check code is the start of the same SM3 digest
    assert _sm3_of(tmp_path)[:6] == receipt.check_code
    assert json.loads((tmp_path / "data.json").read_bytes())["receipt_number"] == receipt.number


def test_openssl_refuses_a_tampered_receipt(receipt, tmp_path):
    skip_unless(shutil.which("openssl") is not None, "the openssl command is needed")
    _write_bundle(receipt, tmp_path)
    data = tmp_path / "data.json"
    data.write_bytes(data.read_bytes().replace(b'"amount":6000', b'"amount":9000'))
    assert openssl_verifies(tmp_path)  # the signed TBS is untouched ...
    assert _data_hash_in_tbs(tmp_path) != _sm3_of(tmp_path)  # ... but no longer covers the data
    tbs = tmp_path / "tbs.der"
    raw = bytearray(tbs.read_bytes())
    raw[-3] ^= 0x01
    tbs.write_bytes(bytes(raw))
    assert not openssl_verifies(tmp_path)


# --- the public look-up -----------------------------------------------------------------------
def test_look_up_by_code_number_and_check_code(receipt):
    check = receipts.verify_public(
        receipt.code, receipt.number, receipt.check_code.upper(), client_ip=IP
    )
    assert check.valid and check.receipt.pk == receipt.pk
    assert not ReceiptVerificationFailure.objects.exists()


def test_a_wrong_check_code_is_refused_like_a_missing_receipt(receipt):
    wrong = "000000" if receipt.check_code != "000000" else "111111"
    with pytest.raises(DomainError) as bad_check:
        receipts.verify_public(receipt.code, receipt.number, wrong, client_ip=IP)
    with pytest.raises(DomainError) as missing:
        receipts.verify_public(receipt.code, "0000009999", receipt.check_code, client_ip=IP)
    assert bad_check.value.code == missing.value.code == "receipt_not_found"
    assert bad_check.value.message == missing.value.message and bad_check.value.status == 404
    assert ReceiptVerificationFailure.objects.filter(client_ip=IP).count() == 2


def test_malformed_input_names_the_field_and_is_not_counted(receipt):
    with pytest.raises(DomainError) as exc:
        receipts.verify_public(receipt.code, "12", receipt.check_code, client_ip=IP)
    assert exc.value.code == "invalid_receipt_number" and exc.value.field == "number"
    assert not ReceiptVerificationFailure.objects.exists()


def test_too_many_failures_block_the_client_for_the_window(receipt, settings):
    settings.PAYMENTS_RECEIPT_VERIFY_MAX_FAILURES = 3
    wrong = "000000" if receipt.check_code != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(DomainError):
            receipts.verify_public(receipt.code, receipt.number, wrong, client_ip=IP)
    with pytest.raises(DomainError) as exc:  # even the right check code now
        receipts.verify_public(receipt.code, receipt.number, receipt.check_code, client_ip=IP)
    assert exc.value.code == "receipt_verify_rate_limited" and exc.value.status == 429
    # another client is not affected
    assert receipts.verify_public(
        receipt.code, receipt.number, receipt.check_code, client_ip="198.51.100.7"
    ).valid
    # after the window the client may try again
    ReceiptVerificationFailure.objects.update(
        created_at=timezone.now()
        - dt.timedelta(seconds=settings.PAYMENTS_RECEIPT_VERIFY_WINDOW_SECONDS + 1)
    )
    assert receipts.verify_public(
        receipt.code, receipt.number, receipt.check_code, client_ip=IP
    ).valid


# --- refunds of the receipted payment ---------------------------------------------------------


def test_a_partial_refund_keeps_the_receipt_valid_and_shows_it(receipt):
    refund_of(receipt, 1000)
    refund_of(receipt, 2000, status="requested")  # not refunded yet: does not count
    check = receipts.verify_receipt(reload(receipt))
    assert check.valid and check.status == "partially_refunded"
    assert check.refunded_amount == 1000 and "10.00" in check.message


def test_a_full_refund_makes_the_receipt_no_longer_valid(receipt):
    refund_of(receipt, 4000)
    refund_of(receipt, 2000)
    check = receipts.verify_receipt(reload(receipt))
    assert check.signature_ok and check.reason == ""
    assert not check.valid and check.status == "refunded" and check.refunded_amount == 6000
    assert check.public_data()["refunded_amount_yuan"] == "60.00"


def test_refunding_a_late_second_payment_does_not_touch_the_receipt(receipt):
    refund_of(receipt, 6000, settles=False)  # automatic refund of money that came too late
    check = receipts.verify_receipt(reload(receipt))
    assert check.valid and check.status == "valid" and check.refunded_amount == 0
