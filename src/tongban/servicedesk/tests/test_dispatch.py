"""派单建议: the department suggested from the order's text, resolved in the order's area."""

import pytest

from tongban.servicedesk.services.dispatch import suggest_departments
from tongban.servicedesk.tests import _workorder_setup as setup
from tongban.testing.factories import OrgUnitFactory

gz_env_dept = setup.gz_env_dept  # shared fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def gz_hrss(guangzhou):
    return OrgUnitFactory(
        code="440100-人力资源和社会保障局",
        name="人力资源和社会保障局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )


@pytest.fixture
def tianhe_env(guangzhou):
    tianhe = OrgUnitFactory(
        code="440106", name="天河区", kind="county", division_code="440106", parent=guangzhou
    )
    return OrgUnitFactory(
        code="440106-生态环境局",
        name="生态环境局",
        kind="department",
        division_code="440106",
        parent=tianhe,
    )


def test_keywords_point_at_the_right_department(gz_env_dept, gz_hrss, gz_market_dept):
    assert suggest_departments("公司拖欠工资三个月不发", "440100")[0].unit == gz_hrss
    first = suggest_departments("楼下饭店晚上噪音扰民", "440100")[0]
    assert first.unit == gz_env_dept and "噪音" in first.reasons
    assert suggest_departments("超市卖过期食品", "440100")[0].unit == gz_market_dept


def test_the_county_department_is_preferred_when_it_exists(gz_env_dept, tianhe_env):
    assert suggest_departments("工地夜间施工噪音", "440106")[0].unit == tianhe_env
    assert suggest_departments("工地夜间施工噪音", "440105")[0].unit == gz_env_dept


def test_no_department_in_the_area_means_no_suggestion(guangzhou):
    assert suggest_departments("楼下饭店晚上噪音扰民", "440100") == []
    assert suggest_departments("今天天气很好", "440100") == []
