"""Windows calling at the same moment never call the same number, and numbers taken at the
same moment are never given twice (SQLite and PostgreSQL, one connection per thread)."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.servicedesk.models import Ticket, Window
from tongban.servicedesk.services import queue
from tongban.servicedesk.tests.halls_support import make_hall
from tongban.testing.concurrency import thread_database
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

WINDOWS = 6
TICKETS = 3


@pytest.mark.django_db(transaction=True)
def test_windows_calling_at_once_each_get_a_different_ticket(tmp_path):
    with thread_database(tmp_path) as database:
        unit = OrgUnitFactory(code="440100", name="广州市", division_code="440100")
        hall = make_hall(unit)
        windows = [
            Window.objects.create(hall=hall, number=f"{n:02d}", name="综合窗口")
            for n in range(1, WINDOWS + 1)
        ]
        clerk = StaffFactory(username="clerk")
        RoleAssignmentFactory(user=clerk, org_unit=unit, role="window_clerk")
        for _ in range(TICKETS):
            queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
        outcomes: list = []

        def work(worker: int) -> None:
            try:
                outcomes.append(queue.call_next(windows[worker], actor=clerk).pk)
            except DomainError as exc:
                outcomes.append(exc.code)

        errors = database.run(work, threads=WINDOWS)

        assert errors == []
        called = [o for o in outcomes if isinstance(o, int)]
        assert len(called) == len(set(called)) == TICKETS
        assert outcomes.count("no_waiting_ticket") == WINDOWS - TICKETS
        assert Ticket.objects.filter(status="called").values("window").distinct().count() == 3


@pytest.mark.django_db(transaction=True)
def test_numbers_taken_at_once_are_all_different(tmp_path):
    with thread_database(tmp_path) as database:
        unit = OrgUnitFactory(code="440100", name="广州市", division_code="440100")
        hall = make_hall(unit)
        Window.objects.create(hall=hall, number="01", name="综合窗口")
        numbers: list[str] = []

        def work(worker: int) -> None:
            numbers.append(queue.take_walk_in_ticket(hall=hall, department_name="公安局").number)

        errors = database.run(work, threads=8)

        assert errors == []
        assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 9)]
