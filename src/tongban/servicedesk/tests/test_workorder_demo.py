"""The demo work orders: one at each step, seeded once however often the seed runs."""

import pytest

from tongban.demo.services import SeedReport
from tongban.servicedesk import demo_workorders
from tongban.servicedesk.models import WorkOrder
from tongban.testing.factories import (
    OrgUnitFactory,
    RoleAssignmentFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people(guangzhou):
    psb = OrgUnitFactory(
        code="440100-公安局",
        name="公安局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )
    UserFactory(
        id_number=demo_workorders.WANG_FANG, username="wf", name="王芳", mobile="13700137000"
    )
    UserFactory(id_number=demo_workorders.LI_SI, username="ls", name="李四", mobile="13900139000")
    hotline = StaffFactory(username="hotline", name="林话务")
    RoleAssignmentFactory(
        user=hotline, org_unit=guangzhou, role="hotline_operator", covers_children=True
    )
    clerk = StaffFactory(username="gz_psb_clerk", name="马窗口")
    RoleAssignmentFactory(user=clerk, org_unit=psb, role="window_clerk")
    return psb


def test_seed_is_idempotent_and_covers_the_steps(demo_people):
    report = SeedReport()
    demo_workorders.seed(report)
    demo_workorders.seed(report)
    assert len([line for line in report.lines if line.startswith("work order")]) == 4
    by_ref = {o.source_ref: o for o in WorkOrder.objects.all()}
    assert by_ref["demo-2"].master == by_ref["demo-1"]
    assert by_ref["demo-3"].status == "dispatched" and by_ref["demo-3"].org_unit == demo_people
    assert by_ref["demo-4"].status == "concluded"


def test_seed_skips_without_the_demo_people(guangzhou):
    report = SeedReport()
    demo_workorders.seed(report)
    assert not WorkOrder.objects.exists() and "skipped" in report.lines[0]
