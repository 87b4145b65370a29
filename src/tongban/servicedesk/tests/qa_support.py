"""Shared set-up of the Q&A assistant's tests: the province catalogue on the persona org
units (广州/深圳 market departments), a Guangzhou public-security department, FAQ entries,
and a snapshot of everything the assistant writes (to assert that nothing changed)."""

import pytest

from tongban.core.models import AuditEvent
from tongban.servicedesk.models import AnswerBoost, AnswerLog, FaqEntry
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

API = "/api/v1/servicedesk/answers"


@pytest.fixture
def catalogue(gz_market_dept, sz_market_dept):
    """The 45 items of the province catalogue (published)."""
    from tongban.catalog.importer import import_catalog
    from tongban.servicedesk.qa import index

    import_catalog()
    index.invalidate()


@pytest.fixture
def gz_psb_dept(guangzhou):
    return OrgUnitFactory(
        code="440100-公安局",
        name="公安局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )


@pytest.fixture
def psb_admin(gz_psb_dept):
    user = StaffFactory(username="gz_psb_admin", name="郑管理")
    RoleAssignmentFactory(user=user, org_unit=gz_psb_dept, role="dept_admin", covers_children=True)
    return user


def make_faq(actor, unit, question="开饭店要办哪些证？", **extra):
    from tongban.servicedesk.services.knowledge import create_faq

    values = {
        "actor": actor,
        "org_unit": unit,
        "question": question,
        "alternatives": "开个餐馆需要什么手续\n开奶茶店要办什么证",
        "answer": "先办营业执照，再申请食品经营许可证。",
        "item_keys": ["sole-trader-registration", "food-business-licence"],
    }
    values.update(extra)
    return create_faq(**values)


def state() -> tuple:
    """Everything the knowledge base and the assistant write."""
    return (
        list(AnswerLog.objects.order_by("pk").values_list("pk", "feedback", "work_order_ref")),
        list(AnswerBoost.objects.order_by("pk").values_list("pk", "weight")),
        list(FaqEntry.objects.order_by("pk").values_list("pk", "status", "question", "answer")),
        AuditEvent.objects.count(),
    )
