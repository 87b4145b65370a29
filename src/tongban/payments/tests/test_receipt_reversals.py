"""Reversal receipts (红字票据, 冲红) for refunds: one per succeeded refund of the receipted
payment, signed with a negative amount, pointing at the original."""

import json

import pytest

from tongban.core import signing
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.payments.models import Receipt
from tongban.payments.services import receipt_reversals, receipts
from tongban.payments.tests.factories_receipts import PaidOrderFactory, issue, refund_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(gz_market_dept, citizen):
    return issue(PaidOrderFactory(org_unit=gz_market_dept, payer=citizen, payer_name=citizen.name))


def test_a_refund_gets_a_signed_reversal_receipt(receipt):
    refund = refund_of(receipt, 1500, reason="部分撤回申请")
    reversal = receipt_reversals.reverse_receipt_for_refund(refund, actor=None)
    assert reversal.kind == "reversal" and reversal.original == receipt
    assert reversal.code == receipt.code and reversal.number == "0000000002"
    assert reversal.amount == 1500 and reversal.payer == receipt.payer
    data = json.loads(bytes(reversal.signed_data))
    assert data["kind"] == "reversal" and data["amount"] == -1500
    assert data["amount_in_words"] == "负壹拾伍元整"
    assert data["original"] == {"receipt_code": receipt.code, "receipt_number": receipt.number}
    assert data["items"] == [
        {
            "name": "冲红：往来港澳通行证",
            "basis": "部分撤回申请",
            "budget_account": "1030403",
            "amount": -1500,
        }
    ]
    assert signing.verify_document(bytes(reversal.signed_data), bytes(reversal.signature_der))
    check = receipts.verify_receipt(reversal)
    assert check.valid and check.status == "valid"
    public = check.public_data()
    assert public["amount_yuan"] == "-15.00" and public["kind_label"] == "红字票据（冲红）"
    assert (public["original_code"], public["original_number"]) == (receipt.code, receipt.number)
    event = AuditEvent.objects.get(event_type="payments.receipt_reversed")
    assert event.data["new"]["refund_no"] == refund.refund_no


def test_reversing_twice_gives_one_reversal(receipt):
    refund = refund_of(receipt, 6000)
    first = receipt_reversals.reverse_receipt_for_refund(refund, actor=None)
    assert receipt_reversals.reverse_receipt_for_refund(refund, actor=None).pk == first.pk
    assert Receipt.objects.filter(kind="reversal").count() == 1
    assert AuditEvent.objects.filter(event_type="payments.receipt_reversed").count() == 1


def test_each_partial_refund_gets_its_own_reversal(receipt):
    for amount in (1000, 2000):
        receipt_reversals.reverse_receipt_for_refund(refund_of(receipt, amount), actor=None)
    assert sorted(receipt.reversals.values_list("amount", flat=True)) == [1000, 2000]
    check = receipts.verify_receipt(Receipt.objects.get(pk=receipt.pk))
    assert check.status == "partially_refunded" and check.refunded_amount == 3000


@pytest.mark.parametrize(
    ("status", "settles"), [("requested", True), ("failed", True), ("succeeded", False)]
)
def test_no_reversal_for_a_refund_not_covered_or_not_done(receipt, status, settles):
    refund = refund_of(receipt, 1000, status=status, settles=settles)
    with pytest.raises(DomainError) as exc:
        receipt_reversals.reverse_receipt_for_refund(refund, actor=None)
    assert exc.value.code == "receipt_refund_not_reversible" and exc.value.status == 409
    assert not Receipt.objects.filter(kind="reversal").exists()
    assert not AuditEvent.objects.filter(event_type="payments.receipt_reversed").exists()


def test_the_task_issues_missing_receipts_and_reversals(receipt, gz_market_dept):
    refund_of(receipt, 6000)
    refund_of(receipt, 500, status="requested")
    PaidOrderFactory(org_unit=gz_market_dept)
    from tongban.payments.tasks_receipts import issue_missing_receipts

    result = issue_missing_receipts.call()
    assert result == {"issued": 1, "reversed": 1}
    assert issue_missing_receipts.call() == {"issued": 0, "reversed": 0}
    assert Receipt.objects.filter(kind="normal").count() == 2


def test_a_second_normal_receipt_for_an_order_is_refused_by_the_database(receipt):
    from django.db import IntegrityError, transaction

    clone = Receipt.objects.get(pk=receipt.pk)
    clone.pk = None
    clone.number = "0000000099"
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save(force_insert=True)


def test_the_payer_sees_the_reversal_and_anyone_can_verify_it(receipt, citizen, tmp_path):
    import shutil
    import subprocess

    from django.test import Client
    from django.urls import reverse

    from tongban.payments import receipt_pdf
    from tongban.testing.fixtures import skip_unless

    reversal = receipt_reversals.reverse_receipt_for_refund(refund_of(receipt, 6000), actor=None)
    client = Client()
    client.force_login(citizen)
    listing = client.get(reverse("payments_receipts:receipt_list")).content.decode()
    assert f'data-receipt="{reversal.code}{reversal.number}"' in listing and "¥-60.00" in listing
    api = client.get("/api/v1/payments/my/receipts").json()
    by_number = {row["number"]: row for row in api["items"]}
    assert by_number[reversal.number]["kind"] == "reversal"
    assert by_number[reversal.number]["amount"] == -6000
    assert by_number[reversal.number]["original_number"] == receipt.number
    page = (
        Client()
        .get(
            reverse(
                "payments_receipt_verify:receipt_verify_result",
                args=[reversal.code, reversal.number, reversal.check_code],
            )
        )
        .content.decode()
    )
    assert "红字票据（冲红）" in page and "负陆拾元整" in page and receipt.number in page
    pdftotext = shutil.which("pdftotext")
    skip_unless(pdftotext is not None, "pdftotext (poppler-utils) is needed")
    path = tmp_path / "reversal.pdf"
    path.write_bytes(receipt_pdf.render_receipt_pdf(reversal))
    text = "".join(
        subprocess.run(
            [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True
        ).stdout.split()
    )
    assert "红字票据（冲红）" in text and "人民币负陆拾元整" in text and "¥-60.00" in text
    assert f"原票据：{receipt.code}{receipt.number}" in text
