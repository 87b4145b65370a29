"""Reconciliation under concurrency (SQLite file database or PostgreSQL): several workers
reconciling the same channel and day leave one statement, one completed run, one item per
line or payment."""

import pytest

from tongban.payments.models import ReconciliationItem, ReconciliationRun, StatementFile
from tongban.testing.concurrency import thread_database

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_reconciliations_of_one_day_complete_once(tmp_path, settings):
    from tongban.payments.services import reconciliation
    from tongban.payments.tests.finance_support import at, paid_order, yesterday
    from tongban.testing.factories import OrgUnitFactory

    settings.PAYMENTS_STATEMENT_DIR = tmp_path / "statements"
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ["amount_mismatch"]
    day = yesterday()
    with thread_database(tmp_path) as database:
        city = OrgUnitFactory(code="440100", name="广州市", kind="city", division_code="440100")
        dept = OrgUnitFactory(
            code="440100-公安局", name="公安局", kind="department", division_code="440100",
            parent=city,
        )  # fmt: skip
        for hour in (9, 10, 11):
            paid_order(dept, amount=6000, paid_at=at(day, hour))
        runs: list[int] = []

        def work(worker: int) -> None:
            runs.append(reconciliation.reconcile("wechat", day, actor=f"worker{worker}").pk)

        errors = database.run(work, threads=THREADS)
        assert errors == []
        assert len(set(runs)) == 1
        assert StatementFile.objects.count() == 1
        assert ReconciliationRun.objects.filter(status="completed").count() == 1
        assert ReconciliationItem.objects.count() == 3
        assert ReconciliationItem.objects.filter(kind="amount_mismatch").count() == 1
