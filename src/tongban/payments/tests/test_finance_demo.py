"""The finance demo seed: paid fees of yesterday, a reconciled statement with differences, a
refund waiting for the second officer; running it again adds nothing."""

import pytest

from tongban.payments import demo_finance
from tongban.payments.models import PaymentOrder, ReconciliationRun, Refund

pytestmark = pytest.mark.django_db


class Report:
    def __init__(self):
        self.lines = []

    def add(self, line):
        self.lines.append(line)


@pytest.fixture
def demo_people(guangzhou, settings, tmp_path):
    from tongban.testing.factories import (
        OrgUnitFactory,
        RoleAssignmentFactory,
        StaffFactory,
        UserFactory,
    )

    settings.PAYMENTS_STATEMENT_DIR = tmp_path / "statements"
    unit = OrgUnitFactory(
        code="440100-公安局", name="公安局", kind="department", division_code="440100",
        parent=guangzhou,
    )  # fmt: skip
    for username in ("gz_finance", "gz_finance2"):
        user = StaffFactory(username=username)
        RoleAssignmentFactory(user=user, org_unit=unit, role="finance", covers_children=True)
    UserFactory(username="wangfang", id_number="440106199203150049", name="王芳", realname_level=2)
    return unit


def test_demo_seed_shows_differences_and_a_pending_refund(demo_people):
    report = Report()
    demo_finance.seed(report)
    orders = PaymentOrder.objects.filter(client_id="demo", reference__startswith="DEMO-FIN")
    assert orders.count() == 3
    assert set(orders.values_list("status", flat=True)) == {"success"}
    run = ReconciliationRun.objects.get(channel="wechat", status="completed")
    kinds = set(run.items.values_list("kind", flat=True))
    assert {"matched", "amount_mismatch", "missing_at_platform"} <= kinds
    refund = Refund.objects.get()
    assert refund.status == "requested" and refund.requested_by.username == "gz_finance"

    demo_finance.seed(Report())
    assert orders.count() == 3
    assert ReconciliationRun.objects.count() == 1
    assert Refund.objects.count() == 1
