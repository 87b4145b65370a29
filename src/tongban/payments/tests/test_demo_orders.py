"""The payments demo seed (orders part): idempotent, one order to pay and one paid."""

from tongban.core import orgunits
from tongban.demo.services import SeedReport
from tongban.payments import demo
from tongban.payments.models import PaymentOrder
from tongban.payments.services import orders
from tongban.testing.factories import OrgUnitFactory, UserFactory


def test_demo_orders_are_seeded_once(guangzhou):
    OrgUnitFactory(
        code=orgunits.department_code("440100", "公安局"),
        name="公安局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )
    wang = UserFactory(username="wf", id_number="440106199203150049", name="王芳", realname_level=2)
    report = SeedReport()
    demo.seed(report)
    demo.seed(report)
    assert PaymentOrder.objects.count() == 2 and len(report.lines) == 2
    statuses = {o.reference: o.status for o in orders.orders_of_payer(wang)}
    assert statuses == {"DEMO-PSB-0001": "created", "DEMO-PSB-0002": "success"}
