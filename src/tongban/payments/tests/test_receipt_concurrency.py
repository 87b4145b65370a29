"""Receipts under concurrency: consecutive numbers without repeats or gaps, one receipt per
order however many workers issue it (SQLite file database with the project's connection
options, or PostgreSQL with row locks when DATABASE_URL says so)."""

import pytest
from django.db import transaction

from tongban.core.models import AuditEvent
from tongban.payments.models import FinanceSeal, Receipt, ReceiptNumberSequence
from tongban.payments.services import receipts
from tongban.payments.services.receipt_numbers import claim_receipt_number
from tongban.testing.concurrency import thread_database

THREADS = 4
PER_THREAD = 3


def _department():
    from tongban.testing.factories import OrgUnitFactory

    city = OrgUnitFactory(code="440100", name="广州市", kind="city", division_code="440100")
    return OrgUnitFactory(
        code="440100-公安局",
        name="公安局",
        kind="department",
        division_code="440100",
        parent=city,
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_consecutive_numbers(tmp_path):
    from tongban.payments.tests.factories_receipts import PaidOrderFactory

    with thread_database(tmp_path) as database:
        dept = _department()
        orders = [PaidOrderFactory(org_unit=dept) for _ in range(THREADS * PER_THREAD)]

        def work(worker: int) -> None:
            for order in orders[worker::THREADS]:
                receipts.issue_receipt(order, actor=None)

        assert database.run(work, threads=THREADS) == []
        total = THREADS * PER_THREAD
        numbers = sorted(int(n) for n in Receipt.objects.values_list("number", flat=True))
        assert numbers == list(range(1, total + 1))
        assert ReceiptNumberSequence.objects.get().last_value == total
        assert FinanceSeal.objects.filter(is_active=True).count() == 1  # created once
        assert all(receipts.verify_receipt(r).valid for r in Receipt.objects.all())


@pytest.mark.django_db(transaction=True)
def test_one_order_issued_by_many_workers_gets_one_receipt(tmp_path):
    from tongban.payments.tests.factories_receipts import PaidOrderFactory

    with thread_database(tmp_path) as database:
        dept = _department()
        order = PaidOrderFactory(org_unit=dept)
        issued: list[int] = []

        def work(worker: int) -> None:
            issued.append(receipts.issue_receipt(order, actor=None).pk)

        assert database.run(work, threads=THREADS) == []
        assert len(issued) == THREADS and len(set(issued)) == 1
        assert Receipt.objects.count() == 1
        assert AuditEvent.objects.filter(event_type="payments.receipt_issued").count() == 1
        assert ReceiptNumberSequence.objects.get().last_value == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_issuance_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert claim_receipt_number("44060126") == "0000000001"
        raise RuntimeError("signing failed")
    with transaction.atomic():
        assert claim_receipt_number("44060126") == "0000000001"
    with pytest.raises(RuntimeError):
        claim_receipt_number("44060126")  # outside a transaction
