"""Data set-up for the workbench tests: items with materials and (joint) review stages,
and cases created directly in the submitted state (the lifecycle moves them on)."""

import itertools

from django.utils import timezone

from tongban.cases.models import Case
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory
from tongban.testing.factories_cases import make_implementation

_sequence = itertools.count(1)

FORM_SCHEMA = [
    {"name": "name", "label": "经营者姓名", "type": "text", "source": "person.name"},
    {"name": "id_number", "label": "身份证号码", "type": "text", "source": "person.id_number"},
    {"name": "mobile", "label": "联系电话", "type": "text", "source": ""},
    {"name": "shop_name", "label": "个体户名称", "type": "text", "source": ""},
]


def make_item(org_unit, *, name="个体工商户设立登记", joint_department=None, promised_days=5):
    """An item implemented by ``org_unit``; with ``joint_department`` (a department name)
    its one review stage has two parallel tasks (并联审批)."""
    tasks = [("审查决定", org_unit.name)]
    if joint_department:
        tasks.append(("联合审查", joint_department))
    return make_implementation(
        org_unit,
        name=name,
        promised_days=promised_days,
        form_schema=FORM_SCHEMA,
        audience="natural",
        materials=["身份证明", "经营场所证明"],
        stages=[("审查", tasks)],
    )


def make_case(
    applicant,
    implementation,
    *,
    status=Case.Status.SUBMITTED,
    applicant_name=None,
    channel=Case.Channel.ONLINE,
    submitted_at=None,
):
    n = next(_sequence)
    division = implementation.org_unit.division_code
    return Case.objects.create(
        number=f"{division}260105{n:07d}X",
        implementation=implementation,
        item_version=implementation.item.current_version,
        org_unit=implementation.org_unit,
        status=status,
        channel=channel,
        applicant=applicant,
        applicant_name=applicant_name or applicant.name,
        applicant_code=applicant.id_number or "",
        form_data={
            "name": {"value": applicant.name, "source": "registry"},
            "id_number": {"value": applicant.id_number, "source": "registry"},
            "mobile": {"value": "13800138000", "source": "applicant"},
            "shop_name": {"value": "张三小吃店", "source": "applicant"},
        },
        submitted_at=submitted_at or timezone.now(),
    )


def tax_department(guangzhou):
    """广州市税务局 with an approver (for joint approvals)."""
    unit = OrgUnitFactory(
        code="440100-税务局",
        name="税务局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )
    approver = StaffFactory(username="gz_tax_approver", name="钱税务")
    RoleAssignmentFactory(user=approver, org_unit=unit, role="approver")
    return unit, approver
