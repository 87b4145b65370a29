"""Shared set-up of the work-order tests: Guangzhou's 12345 centre, two of its departments,
a Shenzhen centre for outsider tests, and helpers that walk an order through the loop."""

import pytest

from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.services import workorders as svc
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

COMPLAINT = "楼下饭店每天晚上油烟和噪音扰民，严重影响休息"


@pytest.fixture
def gz_env_dept(guangzhou):
    return OrgUnitFactory(
        code="440100-生态环境局",
        name="生态环境局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )


@pytest.fixture
def env_clerk(gz_env_dept):
    user = StaffFactory(username="gz_env_clerk", name="何环保")
    RoleAssignmentFactory(user=user, org_unit=gz_env_dept, role="window_clerk")
    return user


@pytest.fixture
def sz_hotline(shenzhen):
    user = StaffFactory(username="sz_hotline", name="深话务")
    RoleAssignmentFactory(
        user=user, org_unit=shenzhen, role="hotline_operator", covers_children=True
    )
    return user


def file_complaint(citizen, content=COMPLAINT, **extra) -> WorkOrder:
    values = {
        "actor": citizen,
        "kind": "complaint",
        "channel": "web",
        "title": "饭店油烟噪音扰民",
        "content": content,
        "division_code": "440106",
        "location": "天河区体育西路 1 号",
    }
    values.update(extra)
    return svc.create_work_order(**values)


def snapshot(order: WorkOrder) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        order.org_unit_id,
        order.reply,
        order.rating,
        order.callback_note,
        order.is_supervised,
        order.return_count,
        order.events.count(),
    )
