"""Work orders under concurrent clicks: several operators conclude the same answered order
at once, the overdue escalation runs twice at once — each change happens exactly once.

Runs on SQLite (a file database in WAL mode) and on PostgreSQL (``DATABASE_URL``)."""

import datetime

import pytest
from django.db import connections

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.servicedesk.models import WorkOrder, WorkOrderNotice
from tongban.servicedesk.services import workorders as svc
from tongban.testing.concurrency import thread_database
from tongban.testing.factories import (
    OrgUnitFactory,
    RoleAssignmentFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 4


def _setup():
    province = OrgUnitFactory(code="440000", name="广东省", kind="province", division_code="440000")
    city = OrgUnitFactory(
        code="440100", name="广州市", kind="city", division_code="440100", parent=province
    )
    dept = OrgUnitFactory(
        code="440100-生态环境局",
        name="生态环境局",
        kind="department",
        division_code="440100",
        parent=city,
    )
    operators = []
    for n in range(THREADS):
        user = StaffFactory(username=f"hotline{n}", name=f"话务{n}")
        RoleAssignmentFactory(
            user=user, org_unit=city, role="hotline_operator", covers_children=True
        )
        operators.append(user)
    clerk = StaffFactory(username="env_clerk", name="何环保")
    RoleAssignmentFactory(user=clerk, org_unit=dept, role="window_clerk")
    citizen = UserFactory(
        id_number="440106199001011235", username="zs", name="张三", mobile="13800138000"
    )
    order = svc.create_work_order(
        actor=citizen,
        kind="complaint",
        channel="web",
        title="油烟扰民",
        content="楼下饭店油烟扰民",
        division_code="440106",
    )
    svc.dispatch_work_order(order, actor=operators[0], department=dept)
    svc.reply_work_order(order, actor=clerk, reply="已责令整改")
    return order, operators, citizen


def test_concurrent_conclusions_conclude_once(tmp_path):
    with thread_database(tmp_path) as database:
        order, operators, citizen = _setup()
        connections["default"].close()

        def work(worker):
            svc.conclude_work_order(order, actor=operators[worker])

        errors = database.run(work, threads=THREADS)
        assert len(errors) == THREADS - 1
        assert all(
            isinstance(e, DomainError) and e.code == "illegal_work_order_transition" for e in errors
        )
        order.refresh_from_db()
        assert order.status == WorkOrder.Status.CONCLUDED
        assert AuditEvent.objects.filter(event_type="servicedesk.work_order_concluded").count() == 1
        assert WorkOrderNotice.objects.filter(user=citizen, text__contains="已办结").count() == 1


def test_concurrent_escalation_runs_escalate_once(tmp_path):
    with thread_database(tmp_path) as database:
        order, _operators, _citizen = _setup()
        connections["default"].close()
        later = order.deadline + datetime.timedelta(days=1)
        results = []

        def work(worker):
            results.append(svc.escalate_overdue_work_orders(today=later))

        assert database.run(work, threads=2) == []
        assert sorted(len(r) for r in results) == [0, 1]
        assert AuditEvent.objects.filter(event_type="servicedesk.work_order_escalated").count() == 1
