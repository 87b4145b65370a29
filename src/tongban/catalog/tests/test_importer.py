from collections import Counter

import pytest

from tongban.catalog.importer import THEME_KEY, basic_code_for, import_catalog
from tongban.catalog.models import (
    Implementation,
    ItemVersion,
    Material,
    ServiceItem,
    StageTask,
    ThemeService,
)
from tongban.catalog.shared_data import load_service_items
from tongban.core.models import AuditEvent, OrgUnit

pytestmark = pytest.mark.django_db


def test_import_is_complete(imported_catalog):
    specs = load_service_items()
    assert ServiceItem.objects.count() == len(specs) == 45
    assert imported_catalog.items_created == 45
    for spec in specs:
        item = ServiceItem.objects.select_related("current_version").get(key=spec["key"])
        version = item.current_version
        assert version.status == ItemVersion.Status.PUBLISHED and version.number == 1
        assert (version.legal_days, version.promised_days) == (
            spec["legal_days"],
            spec["promised_days"],
        )
        assert version.max_visits == spec["max_visits"]
        assert version.outputs == spec["outputs"]
        assert [m.name for m in version.materials.order_by("position")] == [
            m["name"] for m in spec["materials"]
        ]
        assert len(item.basic_code) == 14
        stages = list(version.stages.order_by("position"))
        assert [s.name for s in stages] == ["审查", "决定"]
        review_departments = sorted(t.department_name for t in stages[0].tasks.all())
        assert review_departments == sorted([spec["department"], *(spec.get("joint") or [])])
        sources = {f["source"].split(".")[0] for f in version.form_schema if f["source"]}
        assert sources == ({"entity"} if spec["audience"] == "legal" else {"person"})
        assert any(not f["source"] for f in version.form_schema)  # applicant-typed fields
    assert len({i.basic_code for i in ServiceItem.objects.all()}) == 45


def test_licence_substitution_and_optional_materials(imported_catalog):
    material = Material.objects.get(
        version__item__key="sole-trader-registration", name="经营者身份证明"
    )
    assert material.licence_type_key == "resident-id" and material.required
    specs = load_service_items()
    optional = [(s["key"], m["name"]) for s in specs for m in s["materials"] if m.get("optional")]
    for key, name in optional:
        assert not Material.objects.get(version__item__key=key, name=name).required


def test_joint_items_have_parallel_tasks_in_one_stage(imported_catalog):
    for key, joint in [
        ("business-startup-one-window", {"公安局", "税务局", "人力资源和社会保障局"}),
        ("planning-permit", {"住房和城乡建设局", "生态环境局"}),
    ]:
        item = ServiceItem.objects.get(key=key)
        review = item.current_version.stages.get(position=1)
        tasks = list(review.tasks.all())
        assert len(tasks) == 1 + len(joint)
        assert {t.department_name for t in tasks} == joint | {item.department_name}
    # every joint department exists where the item is implemented (city level)
    impl = Implementation.objects.get(item__key="planning-permit", org_unit__division_code="440100")
    assert impl.org_unit.code == "440100-自然资源局"
    assert OrgUnit.objects.filter(code="440100-生态环境局").exists()


def test_implementations_at_the_items_level(imported_catalog):
    cities = OrgUnit.objects.filter(kind="city")
    counties = OrgUnit.objects.filter(kind="county")
    cities_without_counties = cities.exclude(pk__in=counties.values("parent_id"))
    assert cities_without_counties.count() == 2  # 东莞, 中山

    city_item = ServiceItem.objects.get(key="company-registration")
    assert city_item.implementations.count() == cities.count()
    assert set(city_item.implementations.values_list("org_unit__code", flat=True)) == {
        f"{c}-市场监督管理局" for c in cities.values_list("code", flat=True)
    }

    county_item = ServiceItem.objects.get(key="sole-trader-registration")
    assert county_item.implementations.count() == counties.count() + 2
    impl = county_item.implementations.get(org_unit__code="440106-市场监督管理局")
    assert (impl.legal_days, impl.promised_days) == (15, 1)
    code = impl.implementation_code.split("-")
    assert code[0] == county_item.basic_code
    assert code[1] == "440106000000" and code[2] == "000" and len(code[3]) == 18
    assert code[4:] == ["1", "00"]

    province_item = ServiceItem.objects.get(key="lawyer-licence")
    assert list(province_item.implementations.values_list("org_unit__code", flat=True)) == [
        "440000-司法厅"
    ]
    assert Implementation.objects.filter(legal_days__lt=0).count() == 0


def test_theme_service(imported_catalog):
    theme = ThemeService.objects.get(key=THEME_KEY)
    assert theme.name == "开办企业一件事"
    assert set(theme.items.values_list("key", flat=True)) == {
        "company-registration",
        "seal-engraving-filing",
        "invoice-application",
        "social-insurance-enrolment",
    }


def test_import_is_idempotent_and_audited(imported_catalog):
    counts = (
        ServiceItem.objects.count(),
        ItemVersion.objects.count(),
        Material.objects.count(),
        StageTask.objects.count(),
        Implementation.objects.count(),
        ThemeService.objects.count(),
    )
    events = AuditEvent.objects.filter(event_type="catalog.catalog_imported")
    assert events.count() == 1
    assert events.get().data["items_created"] == 45
    again = import_catalog()
    assert not again.changed
    assert counts == (
        ServiceItem.objects.count(),
        ItemVersion.objects.count(),
        Material.objects.count(),
        StageTask.objects.count(),
        Implementation.objects.count(),
        ThemeService.objects.count(),
    )
    assert events.count() == 1  # nothing changed, nothing written


def test_import_adds_implementations_for_new_units(imported_catalog):
    unit = OrgUnit.objects.get(code="440106-市场监督管理局")
    Implementation.objects.filter(org_unit=unit).delete()
    result = import_catalog()
    counts = Counter(
        Implementation.objects.filter(org_unit=unit).values_list("item__level", flat=True)
    )
    assert result.implementations_created == sum(counts.values()) > 0
    assert set(counts) == {"county"}


def test_basic_code_is_stable():
    assert basic_code_for("sole-trader-registration", "行政许可") == basic_code_for(
        "sole-trader-registration", "行政许可"
    )
    assert basic_code_for("a", "行政许可").startswith("4401")
    assert len(basic_code_for("a", "公共服务")) == 14


def test_import_command(province_units):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import_catalog", stdout=out)
    assert "items: 45 (45 created)" in out.getvalue()
    event = AuditEvent.objects.get(event_type="catalog.catalog_imported")
    assert event.actor_name == "import_catalog"


def test_bad_data_file_is_refused(tmp_path, settings, db):
    from tongban.catalog.errors import Errors
    from tongban.core.exceptions import DomainError

    (tmp_path / "licence-types.yaml").write_text("- {key: resident-id, name: 居民身份证}\n")
    (tmp_path / "service-items.yaml").write_text(
        "- {key: x, name: 测试, department: 民政局, level: county, type: 行政许可,"
        " audience: natural, handling: 承诺件, legal_days: 5, promised_days: 9,"
        " max_visits: 0, fee: 0, materials: [], outputs: [no-such]}\n"
    )
    settings.SHARED_DATA_DIR = tmp_path
    with pytest.raises(DomainError) as exc:
        import_catalog()
    assert exc.value.code == Errors.IMPORT_DATA_INVALID
    assert ServiceItem.objects.count() == 0
