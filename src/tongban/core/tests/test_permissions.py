import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.test import RequestFactory

from tongban.core import permissions as perms
from tongban.core.exceptions import DomainError, NotFound, PermissionDenied
from tongban.core.models import OrgUnit, RoleAssignment
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory


@pytest.fixture
def tianhe(guangzhou):
    county = OrgUnitFactory(
        code="440106", name="天河区", kind="county", division_code="440106", parent=guangzhou
    )
    dept = OrgUnitFactory(
        code="440106-市场监督管理局",
        name="市场监督管理局",
        kind="department",
        division_code="440106",
        parent=county,
    )
    return county, dept


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


# --- the role matrix ---------------------------------------------------------------------------
def test_role_matrix_grants_what_the_issue_lists():
    assert perms.roles_granting(perms.CORE_VIEW_AUDIT) == {"operator", "auditor"}
    assert perms.roles_granting(perms.CORE_VIEW_PII) == {"window_clerk", "approver"}
    # finance officers handle money, not people's registry records
    assert perms.roles_granting(perms.REGISTRIES_VIEW_PERSON) == set(RoleAssignment.Role.values) - {
        "finance"
    }
    assert perms.roles_granting(perms.IDENTITY_MANAGE_STAFF) == {"operator", "dept_admin"}


def test_every_permission_name_has_the_app_action_thing_shape():
    for name in perms.all_permissions():
        app, _, rest = name.partition(".")
        assert app and "_" in rest, name


def test_unknown_permission_is_a_programming_error(clerk):
    with pytest.raises(ValueError):
        perms.units_for(clerk, "cases.fly_case")
    with pytest.raises(ValueError):
        perms.require_perm("cases.fly_case")


def test_register_permissions_adds_to_a_role():
    try:
        perms.register_permissions({"approver": ["testapp.sign_thing"]})
        assert perms.roles_granting("testapp.sign_thing") == {"approver"}
    finally:
        perms.ROLE_PERMISSIONS["approver"].discard("testapp.sign_thing")
    with pytest.raises(ValueError):
        perms.register_permissions({"janitor": ["testapp.sign_thing"]})


# --- units_for / has_perm_in -------------------------------------------------------------------
def test_clerk_holds_permissions_only_in_own_department(
    clerk, gz_market_dept, sz_market_dept, guangzhou
):
    assert _ids(perms.units_for(clerk, perms.CASES_ACCEPT_CASE)) == {gz_market_dept.pk}
    assert perms.has_perm_in(clerk, perms.CASES_ACCEPT_CASE, gz_market_dept)
    assert not perms.has_perm_in(clerk, perms.CASES_ACCEPT_CASE, sz_market_dept)
    assert not perms.has_perm_in(clerk, perms.CASES_ACCEPT_CASE, guangzhou)  # parent: no
    assert not perms.units_for(clerk, perms.CORE_VIEW_AUDIT).exists()  # role lacks it


def test_operator_covering_children_reaches_every_unit(
    operator, province, gz_market_dept, sz_market_dept, tianhe
):
    units = _ids(perms.units_for(operator, perms.CORE_VIEW_AUDIT))
    assert units == set(OrgUnit.objects.values_list("pk", flat=True))
    assert perms.has_perm_in(operator, perms.CORE_VIEW_AUDIT, tianhe[1])
    assert not perms.units_for(operator, perms.CASES_ACCEPT_CASE).exists()


def test_covers_children_follows_the_materialised_path(guangzhou, shenzhen, tianhe):
    county, county_dept = tianhe
    covering = StaffFactory()
    RoleAssignmentFactory(user=covering, org_unit=guangzhou, role="approver", covers_children=True)
    plain = StaffFactory()
    RoleAssignmentFactory(user=plain, org_unit=guangzhou, role="approver", covers_children=False)

    assert _ids(perms.units_for(covering, perms.CASES_REVIEW_CASE)) == {
        guangzhou.pk,
        county.pk,
        county_dept.pk,
    }
    assert _ids(perms.units_for(plain, perms.CASES_REVIEW_CASE)) == {guangzhou.pk}
    assert perms.has_perm_in(covering, perms.CASES_REVIEW_CASE, county_dept)
    assert not perms.has_perm_in(plain, perms.CASES_REVIEW_CASE, county_dept)
    assert not perms.has_perm_in(covering, perms.CASES_REVIEW_CASE, shenzhen)


def test_path_prefix_does_not_leak_to_sibling_with_longer_pk(province):
    # "/1/2/" must not match "/1/23/": paths end with a slash.
    first = OrgUnitFactory(code="X1", parent=province)
    units = [OrgUnitFactory(code=f"X{n}", parent=province) for n in range(2, 13)]
    user = StaffFactory()
    RoleAssignmentFactory(user=user, org_unit=first, role="approver", covers_children=True)
    assert _ids(perms.units_for(user, perms.CASES_REVIEW_CASE)) == {first.pk}
    assert all(not perms.has_perm_in(user, perms.CASES_REVIEW_CASE, unit) for unit in units)


def test_deactivated_unit_grants_nothing(clerk, gz_market_dept):
    OrgUnit.objects.filter(pk=gz_market_dept.pk).update(is_active=False)
    assert not perms.units_for(clerk, perms.CASES_ACCEPT_CASE).exists()
    assert not perms.has_perm(clerk, perms.CASES_ACCEPT_CASE)


def test_anonymous_and_inactive_users_hold_nothing(clerk, gz_market_dept):
    anonymous = AnonymousUser()
    assert not perms.units_for(anonymous, perms.CASES_VIEW_CASE).exists()
    assert not perms.has_perm_in(anonymous, perms.CASES_VIEW_CASE, gz_market_dept)
    assert not perms.units_for(None, perms.CASES_VIEW_CASE).exists()
    clerk.is_active = False
    assert not perms.has_perm_in(clerk, perms.CASES_VIEW_CASE, gz_market_dept)


def test_superuser_holds_everything(gz_market_dept, sz_market_dept):
    root = StaffFactory(is_superuser=True)
    assert perms.has_perm_in(root, perms.CASES_DECIDE_CASE, sz_market_dept)
    assert perms.units_for(root, perms.CASES_DECIDE_CASE).count() == OrgUnit.objects.count()


def test_citizen_holds_no_staff_permission(citizen, gz_market_dept):
    assert not perms.has_perm(citizen, perms.REGISTRIES_VIEW_PERSON)
    assert not perms.has_perm_in(citizen, perms.CASES_VIEW_CASE, gz_market_dept)


def test_view_pii_by_division_follows_the_unit_region(clerk, other_city_clerk, operator):
    assert perms.has_perm_for_division(clerk, perms.CORE_VIEW_PII, "440106")  # 天河 in 广州
    assert perms.has_perm_for_division(clerk, perms.CORE_VIEW_PII, "440100")
    assert not perms.has_perm_for_division(clerk, perms.CORE_VIEW_PII, "440304")  # 福田 in 深圳
    assert perms.has_perm_for_division(other_city_clerk, perms.CORE_VIEW_PII, "440304")
    assert not perms.has_perm_for_division(
        operator, perms.CORE_VIEW_PII, "440106"
    )  # operators: masked


def test_division_covers():
    assert perms.division_covers("440000", "445302")
    assert perms.division_covers("440100", "440106")
    assert not perms.division_covers("440100", "440306")
    assert perms.division_covers("440106", "440106")
    assert not perms.division_covers("440106", "440105")
    assert not perms.division_covers("", "440106")


# --- restrict / access_object -----------------------------------------------------------------
def test_restrict_filters_rows_by_their_org_unit(
    clerk, approver, dept_admin, other_city_clerk, operator
):
    everything = RoleAssignment.objects.all()
    gz_rows = set(
        RoleAssignment.objects.filter(org_unit__code="440100-市场监督管理局").values_list(
            "pk", flat=True
        )
    )
    assert len(gz_rows) == 3

    assert _ids(perms.restrict(everything, dept_admin, perms.IDENTITY_MANAGE_STAFF)) == gz_rows
    assert _ids(perms.restrict(everything, operator, perms.IDENTITY_MANAGE_STAFF)) == _ids(
        everything
    )
    assert not perms.restrict(everything, clerk, perms.IDENTITY_MANAGE_STAFF).exists()
    assert not perms.restrict(everything, AnonymousUser(), perms.IDENTITY_MANAGE_STAFF).exists()


def test_restricted_queryset_restrict_method(clerk, other_city_clerk):
    queryset = perms.RestrictedQuerySet(model=RoleAssignment)
    rows = queryset.restrict(clerk, perms.CASES_VIEW_CASE)
    assert list(rows.values_list("user__username", flat=True)) == ["gz_clerk"]
    assert perms.RestrictedManager  # managers for tenant-owned models of later apps


def test_restrict_on_org_units_themselves(clerk, gz_market_dept, sz_market_dept):
    visible = perms.restrict(OrgUnit.objects.all(), clerk, perms.CASES_VIEW_CASE)
    assert _ids(visible) == {gz_market_dept.pk}


def test_access_object_returns_a_row_within_reach(clerk):
    row = perms.access_object(RoleAssignment.objects, clerk, perms.CASES_VIEW_CASE, user=clerk)
    assert row.user == clerk


def test_access_object_hides_another_citys_row_as_not_found(clerk, other_city_clerk):
    other_row = RoleAssignment.objects.get(user=other_city_clerk)
    with pytest.raises(NotFound) as outside:
        perms.access_object(RoleAssignment.objects, clerk, perms.CASES_VIEW_CASE, pk=other_row.pk)
    with pytest.raises(NotFound) as missing:
        perms.access_object(
            RoleAssignment.objects, clerk, perms.CASES_VIEW_CASE, pk=other_row.pk + 1000
        )
    assert outside.value.status == 404
    assert outside.value.code == missing.value.code == perms.Errors.NOT_FOUND
    assert outside.value.message == missing.value.message  # existence does not leak
    assert RoleAssignment.objects.filter(pk=other_row.pk).exists()


# --- decorators ---------------------------------------------------------------------------------
def _request(user):
    request = RequestFactory().get("/x")
    request.user = user
    return request


def test_require_perm_lets_holders_through(dept_admin):
    @perms.require_perm(perms.IDENTITY_MANAGE_STAFF)
    def operation(request):
        return "ok"

    assert operation(_request(dept_admin)) == "ok"


def test_require_perm_refuses_with_403_and_chinese_message(clerk):
    calls = []

    @perms.require_perm(perms.IDENTITY_MANAGE_STAFF)
    def operation(request):
        calls.append(1)

    with pytest.raises(PermissionDenied) as denied:
        operation(_request(clerk))
    assert denied.value.status == 403
    assert denied.value.code == perms.Errors.PERMISSION_DENIED
    assert "权限" in denied.value.message
    assert calls == []


def test_require_perm_refuses_anonymous_with_401(db):
    @perms.require_perm(perms.IDENTITY_MANAGE_STAFF)
    def operation(request):
        raise AssertionError("must not run")

    with pytest.raises(DomainError) as denied:
        operation(_request(AnonymousUser()))
    assert (denied.value.status, denied.value.code) == (401, perms.Errors.NOT_AUTHENTICATED)


def test_require_perm_page(clerk, dept_admin):
    @perms.require_perm_page(perms.IDENTITY_MANAGE_STAFF)
    def view(request):
        return "page"

    assert view(_request(dept_admin)) == "page"
    assert view(_request(AnonymousUser())).status_code == 302
    with pytest.raises(DjangoPermissionDenied):
        view(_request(clerk))


def test_check_perm_in_unit(clerk, gz_market_dept, sz_market_dept):
    perms.check_perm(clerk, perms.CASES_ACCEPT_CASE, gz_market_dept)
    with pytest.raises(PermissionDenied):
        perms.check_perm(clerk, perms.CASES_ACCEPT_CASE, sz_market_dept)
