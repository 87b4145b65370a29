"""Refunds under concurrency (SQLite file database with the project's connection options, or
PostgreSQL with row locks: ``DATABASE_URL=postgres://…``): never more than paid, one approval,
one channel submission."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.payments.models import Refund
from tongban.testing.concurrency import thread_database

THREADS = 4


def _people_and_order():
    from tongban.payments.tests.finance_support import paid_order
    from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

    city = OrgUnitFactory(code="440100", name="广州市", kind="city", division_code="440100")
    dept = OrgUnitFactory(
        code="440100-公安局", name="公安局", kind="department", division_code="440100", parent=city
    )
    staff = []
    for n in range(THREADS + 1):
        user = StaffFactory(username=f"finance{n}", name=f"财务{n}")
        RoleAssignmentFactory(user=user, org_unit=dept, role="finance")
        staff.append(user)
    return staff, paid_order(dept, amount=6000)


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_refund_more_than_paid(tmp_path):
    from tongban.payments.services import refunds

    with thread_database(tmp_path) as database:
        staff, order = _people_and_order()
        refused: list[str] = []

        def request(worker: int) -> None:
            try:  # each asks for 40 元 of the 60 元 paid: only one can get it
                refunds.request_refund(order, actor=staff[worker], amount=4000, reason="多收")
            except DomainError as exc:
                refused.append(exc.code)

        errors = database.run(request, threads=THREADS)
        assert errors == []
        assert Refund.objects.count() == 1
        assert refused == ["refund_exceeds_paid"] * (THREADS - 1)
        assert refunds.refundable_amount(order) == 2000


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_decide_once_and_submit_once(tmp_path):
    from tongban.core.models import AuditEvent
    from tongban.payments.services import refunds

    with thread_database(tmp_path) as database:
        staff, order = _people_and_order()
        refund = refunds.request_refund(order, actor=staff[THREADS], amount=6000, reason="多收")
        outcomes: list[str] = []

        def approve_and_submit(worker: int) -> None:
            try:
                refunds.approve_refund(refund, actor=staff[worker], note=f"复核{worker}")
                outcomes.append("approved")
            except DomainError as exc:
                outcomes.append(exc.code)
            refunds.submit_refund(refund.pk)  # the worker's claim: one wins

        errors = database.run(approve_and_submit, threads=THREADS)
        assert errors == []
        assert sorted(outcomes) == ["approved"] + ["refund_not_pending"] * (THREADS - 1)
        refund.refresh_from_db()
        assert refund.status == Refund.Status.SUCCEEDED
        submitted = AuditEvent.objects.filter(
            event_type="payments.refund_submitted", target_id=str(refund.pk)
        )
        assert submitted.count() == 1
