"""The demo open datasets seed: imported through the import service, published, idempotent."""

import pytest

from tongban.sharing import demo_opendata
from tongban.sharing.models import DatasetVersion, NegativeListEntry, OpenDataset
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    make_resource,
)
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


class Report:
    def __init__(self):
        self.lines = []

    def add(self, line):
        self.lines.append(line)


@pytest.fixture
def demo_people(gz_market_dept, guangzhou, province):
    mca = OrgUnitFactory(
        code="440100-民政局",
        name="民政局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )
    psb = OrgUnitFactory(
        code="440100-公安局",
        name="公安局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )
    for username, unit, role in [
        ("gz_admin", gz_market_dept, "dept_admin"),
        ("gz_mca_admin", mca, "dept_admin"),
        ("operator", province, "operator"),
    ]:
        RoleAssignmentFactory(
            user=StaffFactory(username=username), org_unit=unit, role=role, covers_children=True
        )
    return make_resource(
        psb, code="440100-RK", name="人口基础信息", backing="person_registry", open_type="closed"
    )


def test_seed_publishes_demo_datasets_once(demo_people):
    report = Report()
    demo_opendata.seed(report)
    assert OpenDataset.objects.filter(status="published").count() == 3
    pharmacies = OpenDataset.objects.get(resource__code="440100-OD-YPLS")
    versions = DatasetVersion.objects.filter(resource=pharmacies.resource, status="accepted")
    assert sorted(versions.values_list("number", "row_count")) == [(1, 30), (2, 36)]
    assert NegativeListEntry.objects.get().resource == demo_people

    again = Report()
    demo_opendata.seed(again)
    assert again.lines == []
    assert DatasetVersion.objects.filter(status="accepted").count() == 4
