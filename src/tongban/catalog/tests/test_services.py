import pytest
from django.db import IntegrityError, transaction

from tongban.catalog import services
from tongban.catalog.errors import Errors
from tongban.catalog.models import Implementation, ItemVersion, ServiceItem
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory
from tongban.testing.factories_catalog import make_published_item

pytestmark = pytest.mark.django_db
Status = ItemVersion.Status


def events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


@pytest.fixture
def sz_dept_admin(sz_market_dept):
    user = StaffFactory(username="sz_admin")
    RoleAssignmentFactory(user=user, org_unit=sz_market_dept, role="dept_admin")
    return user


def test_draft_copies_current_version(gz_item, dept_admin):
    current = gz_item.current_version
    draft = services.create_draft(gz_item, actor=dept_admin, change_note="调整时限")
    assert draft.number == 2 and draft.status == Status.DRAFT
    assert draft.legal_days == current.legal_days and draft.form_schema == current.form_schema
    assert [m.name for m in draft.materials.all()] == [m.name for m in current.materials.all()]
    assert [(s.name, s.tasks.count()) for s in draft.stages.all()] == [
        (s.name, s.tasks.count()) for s in current.stages.all()
    ]
    assert events("catalog.item_version_drafted").get().actor_id == dept_admin.pk
    with pytest.raises(DomainError) as exc:
        services.create_draft(gz_item, actor=dept_admin)
    assert exc.value.code == Errors.OPEN_VERSION_EXISTS
    assert gz_item.versions.count() == 2


def test_full_publication_cycle(gz_item, dept_admin):
    old = gz_item.current_version
    draft = services.create_draft(gz_item, actor=dept_admin)
    services.update_version(draft, actor=dept_admin, promised_days=5, conditions="新条件")
    services.set_materials(
        draft,
        [
            {"name": "申请书"},
            {"name": "身份证明", "licence_type_key": "resident-id", "required": True},
            {"name": "补充说明", "required": False},
        ],
        actor=dept_admin,
    )
    services.set_process(
        draft,
        [
            {
                "name": "审查",
                "tasks": [
                    {"name": "审查", "department_name": "市场监督管理局"},
                    {"name": "并联审查", "department_name": "公安局"},
                ],
            },
            {"name": "决定", "tasks": [{"name": "决定", "department_name": "市场监督管理局"}]},
        ],
        actor=dept_admin,
    )
    with pytest.raises(DomainError) as exc:
        services.publish_version(draft, actor=dept_admin)
    assert exc.value.code == Errors.VERSION_WRONG_STATE
    services.submit_version(draft, actor=dept_admin)
    published = services.publish_version(draft, actor=dept_admin)

    gz_item.refresh_from_db()
    old.refresh_from_db()
    assert gz_item.current_version_id == published.pk and published.status == Status.PUBLISHED
    assert published.published_at is not None
    assert old.status == Status.SUPERSEDED
    assert published.promised_days == 5 and published.conditions == "新条件"
    assert published.materials.count() == 3
    assert published.stages.get(position=1).tasks.count() == 2
    event = events("catalog.item_version_published").get()
    assert event.data["old"] == 1 and event.data["new"] == 2
    for name in ("drafted", "updated", "submitted"):
        assert events(f"catalog.item_version_{name}").count() == 1
    assert events("catalog.item_materials_changed").count() == 1
    assert events("catalog.item_process_changed").count() == 1


@pytest.mark.parametrize("state", ["published", "submitted"])
def test_non_draft_versions_are_immutable(gz_item, dept_admin, state):
    version = gz_item.current_version
    if state == "submitted":
        version = services.create_draft(gz_item, actor=dept_admin)
        services.submit_version(version, actor=dept_admin)
    before = (version.legal_days, version.promised_days, version.materials.count())
    for call in (
        lambda: services.update_version(version, actor=dept_admin, promised_days=1),
        lambda: services.set_materials(version, [{"name": "x"}], actor=dept_admin),
        lambda: services.add_material(version, actor=dept_admin, name="x"),
        lambda: services.set_process(
            version,
            [{"name": "a", "tasks": [{"name": "a", "department_name": "b"}]}],
            actor=dept_admin,
        ),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == Errors.VERSION_NOT_EDITABLE
    version.refresh_from_db()
    assert before == (version.legal_days, version.promised_days, version.materials.count())
    assert not events("catalog.item_version_updated").exists()


def test_return_and_discard(gz_item, dept_admin):
    draft = services.create_draft(gz_item, actor=dept_admin)
    services.submit_version(draft, actor=dept_admin)
    services.return_version(draft, actor=dept_admin, reason="补充依据")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    services.discard_draft(draft, actor=dept_admin)
    assert gz_item.versions.count() == 1
    assert events("catalog.item_version_discarded").count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"promised_days": 30}, Errors.PROMISED_EXCEEDS_LEGAL),
        ({"legal_days": 5}, Errors.PROMISED_EXCEEDS_LEGAL),  # promised 10 > new legal 5
        ({"legal_days": -1}, Errors.INVALID_VALUE),
        ({"max_visits": 11}, Errors.INVALID_VALUE),
        ({"handling_type": "随便"}, Errors.INVALID_VALUE),
        ({"outputs": ["no-such-licence"]}, Errors.UNKNOWN_LICENCE_TYPE),
        ({"item": None}, Errors.INVALID_VALUE),
    ],
)
def test_bad_version_edits_change_nothing(gz_item, dept_admin, changes, code):
    draft = services.create_draft(gz_item, actor=dept_admin)
    with pytest.raises(DomainError) as exc:
        services.update_version(draft, actor=dept_admin, **changes)
    assert exc.value.code == code
    fresh = ItemVersion.objects.get(pk=draft.pk)
    assert (fresh.legal_days, fresh.promised_days, fresh.max_visits) == (20, 10, 0)
    assert not events("catalog.item_version_updated").exists()


def test_bad_materials_and_process(gz_item, dept_admin):
    draft = services.create_draft(gz_item, actor=dept_admin)
    for materials, code in [
        ([{"name": " "}], Errors.MATERIAL_NAME_REQUIRED),
        ([{"name": "a", "licence_type_key": "nope"}], Errors.UNKNOWN_LICENCE_TYPE),
        ([{"name": "a", "copies": 0}], Errors.INVALID_VALUE),
    ]:
        with pytest.raises(DomainError) as exc:
            services.set_materials(draft, materials, actor=dept_admin)
        assert exc.value.code == code
    for stages in ([], [{"name": "审查", "tasks": []}], [{"name": "a", "tasks": [{"name": "x"}]}]):
        with pytest.raises(DomainError) as exc:
            services.set_process(draft, stages, actor=dept_admin)
        assert exc.value.code == Errors.PROCESS_INVALID
    assert draft.materials.count() == 2 and draft.stages.count() == 2


def test_database_refuses_promised_over_legal(gz_item):
    version = gz_item.current_version
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVersion.objects.filter(pk=version.pk).update(promised_days=99)
    impl = gz_item.implementations.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Implementation.objects.filter(pk=impl.pk).update(promised_days=99)


def test_implementation_limits(gz_item, dept_admin):
    impl = gz_item.implementations.get()
    services.update_implementation_limits(impl, actor=dept_admin, legal_days=18, promised_days=3)
    impl.refresh_from_db()
    assert (impl.legal_days, impl.promised_days) == (18, 3)
    event = events("catalog.implementation_limits_changed").get()
    assert event.data["old"] == {"legal_days": 20, "promised_days": 10}

    for legal, promised, code in [
        (18, 19, Errors.PROMISED_EXCEEDS_LEGAL),
        (21, 3, Errors.LEGAL_EXCEEDS_ITEM),
        ("x", 3, Errors.INVALID_VALUE),
    ]:
        with pytest.raises(DomainError) as exc:
            services.update_implementation_limits(
                impl, actor=dept_admin, legal_days=legal, promised_days=promised
            )
        assert exc.value.code == code
        impl.refresh_from_db()
        assert (impl.legal_days, impl.promised_days) == (18, 3)
    assert events("catalog.implementation_limits_changed").count() == 1


def test_publish_refused_while_implementations_exceed_new_legal_limit(gz_item, dept_admin):
    draft = services.create_draft(gz_item, actor=dept_admin)
    services.update_version(draft, actor=dept_admin, legal_days=10, promised_days=5)
    services.submit_version(draft, actor=dept_admin)
    with pytest.raises(DomainError) as exc:
        services.publish_version(draft, actor=dept_admin)
    assert exc.value.code == Errors.IMPLEMENTATIONS_EXCEED_LEGAL
    gz_item.refresh_from_db()
    assert gz_item.current_version.number == 1
    impl = gz_item.implementations.get()
    services.update_implementation_limits(impl, actor=dept_admin, legal_days=10, promised_days=5)
    services.publish_version(draft, actor=dept_admin)
    gz_item.refresh_from_db()
    assert gz_item.current_version.number == 2


def test_withdraw_and_restore(gz_item, dept_admin):
    impl = gz_item.implementations.get()
    services.require_open_for_application(impl)
    services.withdraw_item(gz_item, actor=dept_admin, reason="职能调整")
    gz_item.refresh_from_db()
    assert gz_item.is_withdrawn
    # the published version stays (old cases continue under it)
    assert gz_item.current_version.status == Status.PUBLISHED
    with pytest.raises(DomainError) as exc:
        services.require_open_for_application(Implementation.objects.get(pk=impl.pk))
    assert exc.value.code == Errors.ITEM_WITHDRAWN
    with pytest.raises(DomainError) as exc:
        services.withdraw_item(gz_item, actor=dept_admin)
    assert exc.value.code == Errors.ITEM_ALREADY_WITHDRAWN
    services.restore_item(gz_item, actor=dept_admin)
    assert not ServiceItem.objects.get(pk=gz_item.pk).is_withdrawn
    with pytest.raises(DomainError) as exc:
        services.restore_item(gz_item, actor=dept_admin)
    assert exc.value.code == Errors.ITEM_NOT_WITHDRAWN
    assert events("catalog.item_withdrawn").get().data["reason"] == "职能调整"
    assert events("catalog.item_restored").count() == 1


def test_outsiders_cannot_maintain(gz_item, clerk, sz_dept_admin, citizen):
    impl = gz_item.implementations.get()
    for actor in (clerk, sz_dept_admin, citizen):
        with pytest.raises(DomainError) as exc:
            services.create_draft(gz_item, actor=actor)
        assert exc.value.status == 403
        with pytest.raises(DomainError) as exc:
            services.withdraw_item(gz_item, actor=actor)
        assert exc.value.status == 403
        with pytest.raises(DomainError) as exc:
            services.update_implementation_limits(impl, actor=actor, legal_days=5, promised_days=1)
        assert exc.value.status == 403
    gz_item.refresh_from_db()
    impl.refresh_from_db()
    assert gz_item.versions.count() == 1 and not gz_item.is_withdrawn
    assert (impl.legal_days, impl.promised_days) == (20, 10)
    assert not AuditEvent.objects.filter(event_type__startswith="catalog.").exists()


def test_sz_admin_keeps_its_own_implementation(gz_item, sz_market_dept, sz_dept_admin, dept_admin):
    sz_impl = services.create_implementation(
        gz_item, sz_market_dept, actor=sz_dept_admin, legal_days=20, promised_days=8
    )
    # implementing the item makes 深圳 a department unit of the item …
    services.create_draft(gz_item, actor=sz_dept_admin)
    # … but each city edits only its own implementation list
    with pytest.raises(DomainError):
        services.update_implementation_limits(
            sz_impl, actor=dept_admin, legal_days=20, promised_days=1
        )
    sz_impl.refresh_from_db()
    assert sz_impl.promised_days == 8


def test_operator_maintains_everything(gz_item, operator):
    draft = services.create_draft(gz_item, actor=operator)
    assert draft.created_by == operator


def test_province_department_admin_maintains_items_of_its_department(gz_item):
    province = OrgUnitFactory(code="440000", name="广东省", kind="province", division_code="440000")
    unit = OrgUnitFactory(
        code="440000-市场监督管理局",
        name="市场监督管理局",
        kind="department",
        division_code="440000",
        parent=province,
    )
    admin = StaffFactory(username="gd_admin")
    RoleAssignmentFactory(user=admin, org_unit=unit, role="dept_admin")
    services.create_draft(gz_item, actor=admin)
    other = make_published_item(None, key="police-item", department_name="公安局")
    with pytest.raises(DomainError):
        services.create_draft(other, actor=admin)
