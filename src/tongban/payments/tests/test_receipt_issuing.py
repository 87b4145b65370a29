"""Issuing receipts: numbering, check code, the signed document, the finance seal,
idempotency, refusal of unpaid orders, audit."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tongban.core import signing
from tongban.core.crypto import envelope, seal_keys, sm3
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.payments.models import FinanceSeal, PaymentOrder, Receipt, ReceiptNumberSequence
from tongban.payments.services import finance_seals, receipts
from tongban.payments.tests.factories_receipts import PaidOrderFactory, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(gz_market_dept, citizen):
    return PaidOrderFactory(org_unit=gz_market_dept, payer=citizen, payer_name=citizen.name)


def test_receipt_has_code_number_check_code_and_the_order_data(order, gz_market_dept):
    receipt = issue(order)
    year = timezone.localtime(receipt.issued_at).year % 100
    assert receipt.code == f"440601{year:02d}"
    assert receipt.number == "0000000001"
    assert receipt.check_code == sm3.hexdigest(bytes(receipt.signed_data))[:6]
    assert receipt.order == order and receipt.org_unit == gz_market_dept
    assert receipt.payment_code == order.code and receipt.amount == 6000
    assert receipt.payer == order.payer and receipt.payer_name == "张三"
    assert receipt.payee_name == gz_market_dept.full_name == "广州市市场监督管理局"
    assert receipt.items == [
        {
            "name": "往来港澳通行证",
            "basis": "粤发改价格〔2019〕号",
            "budget_account": "1030403",
            "amount": 6000,
        }
    ]


def test_signed_document_is_canonical_json_of_the_receipt(order):
    receipt = issue(order)
    data = json.loads(bytes(receipt.signed_data))
    assert bytes(receipt.signed_data) == signing.canonical_json(data)
    assert data["format"] == "tongban.payments.receipt/1"
    assert (data["receipt_code"], data["receipt_number"]) == (receipt.code, receipt.number)
    assert data["amount"] == 6000 and data["amount_in_words"] == "陆拾元整"
    assert data["payer"] == {"name": "张三", "id_number": "440106199001011235"}
    assert data["payee"] == {"name": "广州市市场监督管理局"}
    assert data["issued_at"].endswith("+08:00")
    check = signing.verify_document(bytes(receipt.signed_data), bytes(receipt.signature_der))
    assert check.ok, check.reason
    assert check.property_info == receipt.full_number
    assert check.seal_name == "广州市市场监督管理局财务专用章"
    assert check.seal_certificate_verified  # signed by the platform key


def test_numbers_follow_each_other_per_code(order, gz_market_dept, sz_market_dept):
    first = issue(order)
    second = issue(PaidOrderFactory(org_unit=gz_market_dept))
    third = issue(PaidOrderFactory(org_unit=sz_market_dept))  # same province: same code
    assert [first.number, second.number, third.number] == [
        "0000000001",
        "0000000002",
        "0000000003",
    ]
    assert ReceiptNumberSequence.objects.get(code=first.code).last_value == 3


def test_a_new_code_starts_its_own_sequence(order, gz_market_dept, settings):
    first = issue(order)
    settings.PAYMENTS_RECEIPT_TYPE = "02"
    other = issue(PaidOrderFactory(org_unit=gz_market_dept))
    assert other.code == first.code[:4] + "02" + first.code[6:]
    assert other.number == "0000000001"


def test_issuing_twice_gives_one_receipt_and_one_event(order):
    first = issue(order)
    again = issue(order)
    stale = PaymentOrder.objects.get(pk=order.pk)
    assert issue(stale).pk == again.pk == first.pk
    assert Receipt.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="payments.receipt_issued").count() == 1
    assert ReceiptNumberSequence.objects.get().last_value == 1


@pytest.mark.parametrize("status", ["created", "started", "submitted", "failed", "expired"])
def test_an_unpaid_order_gets_no_receipt(gz_market_dept, status):
    order = PaidOrderFactory(org_unit=gz_market_dept, status=status, paid_at=None, paid_amount=0)
    with pytest.raises(DomainError) as exc:
        issue(order)
    assert exc.value.code == "receipt_order_not_paid" and exc.value.status == 409
    assert not Receipt.objects.exists()
    assert not ReceiptNumberSequence.objects.filter(last_value__gt=0).exists()
    assert not AuditEvent.objects.filter(event_type="payments.receipt_issued").exists()


def test_issuing_is_audited_with_masked_payer(order, gz_market_dept):
    receipt = issue(order)
    event = AuditEvent.objects.get(event_type="payments.receipt_issued")
    assert event.target_id == str(receipt.pk) and event.org_unit_id == gz_market_dept.pk
    assert event.actor_id is None
    new = event.data["new"]
    assert (new["code"], new["number"], new["amount"]) == (receipt.code, receipt.number, 6000)
    assert "440106199001011235" not in json.dumps(event.data, ensure_ascii=False)
    assert new["payer_id_number"] == "440***********1235"
    assert event.data["data_sm3"] == sm3.hexdigest(bytes(receipt.signed_data))


def test_an_order_without_items_gets_one_line(gz_market_dept):
    receipt = issue(PaidOrderFactory(org_unit=gz_market_dept, items=[], amount=1234))
    assert receipt.items == [
        {"name": "非税收入", "basis": "", "budget_account": "", "amount": 1234}
    ]


def test_missing_receipts_are_issued_by_the_task(gz_market_dept):
    orders = [PaidOrderFactory(org_unit=gz_market_dept) for _ in range(2)]
    PaidOrderFactory(org_unit=gz_market_dept, status="created", paid_at=None, paid_amount=0)
    issue(orders[0])
    assert receipts.issue_missing_receipts() == 1
    assert Receipt.objects.count() == 2 and receipts.issue_missing_receipts() == 0


# --- the finance seal -------------------------------------------------------------------------
def test_finance_seal_created_once_per_department(order, gz_market_dept, sz_market_dept):
    issue(order)
    issue(PaidOrderFactory(org_unit=gz_market_dept))
    issue(PaidOrderFactory(org_unit=sz_market_dept))
    seals = list(FinanceSeal.objects.order_by("pk"))
    assert [s.org_unit for s in seals] == [gz_market_dept, sz_market_dept]
    year = timezone.localdate().year
    assert seals[0].esid == f"440100{year}9001" and seals[1].esid == f"440300{year}9001"
    assert seals[0].name == "广州市市场监督管理局财务专用章"
    events = AuditEvent.objects.filter(event_type="payments.finance_seal_created")
    assert events.count() == 2
    info = signing.parse_seal_certificate(bytes(seals[0].certificate_der))
    assert info.esid == seals[0].esid and info.fingerprint == seals[0].fingerprint
    assert "财务专用章" in info.picture.decode("utf-8")


def test_private_key_is_encrypted_and_bound_to_its_seal(order, gz_market_dept, sz_market_dept):
    issue(order)
    issue(PaidOrderFactory(org_unit=sz_market_dept))
    gz, sz = FinanceSeal.objects.order_by("pk")
    assert "PRIVATE" not in gz.private_key_encrypted
    seal_keys.forget()
    assert finance_seals.signing_key(gz).public_key.fingerprint() == gz.fingerprint
    sz.private_key_encrypted = gz.private_key_encrypted  # copied to another row: refused
    seal_keys.forget()
    with pytest.raises(DomainError):
        finance_seals.signing_key(sz)
    labels = {entry.label for entry in envelope.registered_fields()}
    assert any("financeseal" in label.lower() for label in labels)


def test_an_expired_finance_seal_is_replaced_and_old_receipts_still_verify(order, gz_market_dept):
    old_receipt = issue(order)
    seal = FinanceSeal.objects.get()
    FinanceSeal.objects.filter(pk=seal.pk).update(
        valid_from=timezone.localdate() - dt.timedelta(days=400),
        valid_to=timezone.localdate() - dt.timedelta(days=1),
    )
    new_receipt = issue(PaidOrderFactory(org_unit=gz_market_dept))
    seal.refresh_from_db()
    assert not seal.is_active and seal.retired_at is not None
    assert new_receipt.finance_seal.is_active and new_receipt.finance_seal != seal
    assert new_receipt.finance_seal.esid.endswith("9002")
    old_receipt.refresh_from_db()
    assert receipts.verify_receipt(old_receipt).valid


def test_the_paying_account_gets_an_sms(order, gz_market_dept):
    from tongban.identity.models import SmsMessage

    receipt = issue(order)
    message = SmsMessage.objects.get(purpose="receipt_issued")
    assert message.mobile == "13800138000"
    assert receipt.number in message.text and "¥60.00" in message.text
    assert "我的票据" in message.text
    issue(PaidOrderFactory(org_unit=gz_market_dept))  # no account on the order: no SMS
    assert SmsMessage.objects.filter(purpose="receipt_issued").count() == 1
