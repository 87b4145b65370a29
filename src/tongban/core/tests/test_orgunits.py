import pytest

from tongban.core import orgunits
from tongban.core.models import AuditEvent, OrgUnit

SMALL_ITEMS = """
- {key: a, name: 甲, department: 市场监督管理局, level: county}
- {key: b, name: 乙, department: 公安局, level: city, joint: [税务局]}
- {key: c, name: 丙, department: 司法局, level: county}
- {key: d, name: 丁, department: 司法厅, level: province}
"""
SMALL_DIVISIONS = """code,name,level,parent
440000,广东省,province,
440100,广州市,city,440000
441900,东莞市,city,440000
"""


@pytest.fixture
def small_data(db, tmp_path, settings):
    (tmp_path / "service-items.yaml").write_text(SMALL_ITEMS, encoding="utf-8")
    (tmp_path / "divisions-guangdong.csv").write_text(SMALL_DIVISIONS, encoding="utf-8")
    settings.SHARED_DATA_DIR = tmp_path
    return tmp_path


def _snapshot():
    return list(
        OrgUnit.objects.order_by("code").values_list(
            "pk", "code", "name", "kind", "parent_id", "path", "division_code"
        )
    )


def test_department_plan_levels_and_province_naming():
    import yaml

    plan = orgunits.department_plan(yaml.safe_load(SMALL_ITEMS))
    assert plan["province"] == ["公安局", "司法厅", "市场监督管理局", "税务局"]  # 厅 replaces 局
    assert plan["city"] == ["公安局", "司法局", "市场监督管理局", "税务局"]  # joint dept included
    assert plan["county"] == ["司法局", "市场监督管理局"]  # only county-level items


def test_seed_builds_the_tree_with_codes_and_paths(small_data):
    result = orgunits.seed_org_units()

    province = OrgUnit.objects.get(code="440000")
    assert (province.kind, province.parent_id, province.path) == (
        "province",
        None,
        f"/{province.pk}/",
    )
    gz = OrgUnit.objects.get(code="440100")
    assert gz.parent == province and gz.kind == "city"
    tianhe = OrgUnit.objects.get(code="440106")
    assert (tianhe.name, tianhe.kind, tianhe.parent) == ("天河区", "county", gz)
    market = OrgUnit.objects.get(code="440106-市场监督管理局")
    assert market.full_name == "天河区市场监督管理局"
    assert market.division_code == "440106"
    assert OrgUnit.objects.get(code="440000-司法厅").full_name == "广东省司法厅"
    assert not OrgUnit.objects.filter(code="440000-司法局").exists()
    assert not OrgUnit.objects.filter(code="440106-公安局").exists()  # only city-level items
    # 东莞 has no county level: its city departments cover county-level items.
    assert not OrgUnit.objects.filter(parent__code="441900", kind="county").exists()
    assert OrgUnit.objects.filter(code="441900-市场监督管理局").exists()

    for unit in OrgUnit.objects.select_related("parent"):
        expected = (unit.parent.path if unit.parent else "/") + f"{unit.pk}/"
        assert unit.path == expected, unit.code
    assert result.created == OrgUnit.objects.count() == result.total
    gz_counties = OrgUnit.objects.filter(parent=gz, kind="county").count()
    assert gz_counties == 11
    assert result.created_by_kind == {
        "province": 1,
        "city": 2,
        "county": 11,
        "department": 4 + 4 * 2 + 2 * 11,
    }


def test_seed_is_audited_once_and_rerun_changes_nothing(small_data):
    orgunits.seed_org_units()
    assert AuditEvent.objects.filter(event_type="core.org_units_seeded").count() == 1
    event = AuditEvent.objects.get(event_type="core.org_units_seeded")
    assert event.data["created"] == OrgUnit.objects.count()
    before = _snapshot()

    again = orgunits.seed_org_units()

    assert (again.created, again.updated) == (0, 0)
    assert _snapshot() == before
    assert AuditEvent.objects.count() == 1


def test_seed_keeps_existing_units_and_renames_changed_ones(small_data, gz_market_dept, clerk):
    OrgUnit.objects.filter(code="440100").update(name="旧名")
    pk, path = gz_market_dept.pk, gz_market_dept.path

    result = orgunits.seed_org_units()

    gz_market_dept.refresh_from_db()
    assert (gz_market_dept.pk, gz_market_dept.path) == (pk, path)  # the persona's unit is reused
    assert OrgUnit.objects.get(code="440100").name == "广州市"
    assert result.updated == 1
    assert clerk.role_assignments.get().org_unit_id == pk


def test_seed_with_the_province_data(db):
    result = orgunits.seed_org_units()
    assert OrgUnit.objects.filter(kind="city").count() == 21
    assert OrgUnit.objects.filter(kind="county").count() > 100
    assert result.total == OrgUnit.objects.count()
    assert OrgUnit.objects.get(code="440000-市场监督管理局").full_name == "广东省市场监督管理局"
    assert OrgUnit.objects.get(code="440300-市场监督管理局").full_name == "深圳市市场监督管理局"


def test_selectors(small_data):
    orgunits.seed_org_units()
    assert orgunits.department_unit("440000", "司法局").code == "440000-司法厅"
    assert orgunits.department_unit("440106", "司法局").code == "440106-司法局"
    assert orgunits.department_unit("440106", "公安局") is None
    assert orgunits.region_unit("440106").name == "天河区"
    gz = orgunits.region_unit("440100")
    assert set(orgunits.departments_of(gz).values_list("name", flat=True)) == {
        "公安局",
        "司法局",
        "市场监督管理局",
        "税务局",
    }
    tianhe_market = OrgUnit.objects.get(code="440106-市场监督管理局")
    assert [u.code for u in orgunits.ancestors(tianhe_market)] == ["440000", "440100", "440106"]
    assert orgunits.descendants(gz).filter(pk=tianhe_market.pk).exists()
    assert not orgunits.descendants(gz, include_self=False).filter(pk=gz.pk).exists()
