"""Civil servant accounts: create, roles, deactivate — and who may do it where."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent, RoleAssignment
from tongban.identity.models import User
from tongban.identity.services import staff as svc
from tongban.identity.services.staff import RoleSpec

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        User.objects.count(),
        RoleAssignment.objects.count(),
        User.objects.filter(is_active=False).count(),
        AuditEvent.objects.count(),
    )


def create(actor, unit, role="window_clerk", covers=False, **kwargs):
    args = {"username": "gz_new", "name": "新同事", "mobile": "13700137000"}
    args.update(kwargs)
    return svc.create_staff(roles=[RoleSpec(unit, role, covers)], actor=actor, **args)


def test_operator_creates_staff_with_generated_password(operator, gz_market_dept):
    created = create(operator, gz_market_dept, "approver", id_number="440305199206062428")
    user = created.user
    assert user.kind == User.Kind.STAFF and user.username == "gz_new"
    assert created.generated_password and user.check_password(created.generated_password)
    assert list(user.role_assignments.values_list("org_unit", "role")) == [
        (gz_market_dept.pk, "approver")
    ]
    event = AuditEvent.objects.get(event_type="identity.staff_created")
    assert event.actor == operator and event.org_unit == gz_market_dept
    assert "password" not in str(event.data).lower()


def test_given_password_is_used_and_checked(dept_admin, gz_market_dept):
    created = create(dept_admin, gz_market_dept, password="Gz-Market#2026")
    assert created.generated_password is None
    assert created.user.check_password("Gz-Market#2026")
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        create(dept_admin, gz_market_dept, username="gz_weak", password="12345678")
    assert exc.value.code == "weak_password"
    assert snapshot() == before


def test_dept_admin_cannot_create_in_other_city(dept_admin, sz_market_dept):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        create(dept_admin, sz_market_dept)
    assert exc.value.code == "org_unit_out_of_scope" and exc.value.status == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ["operator", "auditor"])
def test_dept_admin_cannot_grant_operator_or_auditor(dept_admin, gz_market_dept, role):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        create(dept_admin, gz_market_dept, role)
    assert exc.value.code == "role_not_grantable" and exc.value.status == 403
    assert snapshot() == before


def test_dept_admin_without_children_cannot_grant_covering_role(gz_market_dept):
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    admin = StaffFactory(username="narrow_admin")
    RoleAssignmentFactory(
        user=admin, org_unit=gz_market_dept, role="dept_admin", covers_children=False
    )
    create(admin, gz_market_dept, "window_clerk", covers=False)
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        create(admin, gz_market_dept, "window_clerk", covers=True, username="gz_other")
    assert exc.value.code == "org_unit_out_of_scope"
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["clerk", "citizen", "other_city_clerk"])
def test_non_managers_cannot_create(request, persona, gz_market_dept):
    actor = request.getfixturevalue(persona)
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        create(actor, gz_market_dept)
    assert exc.value.code == "staff_permission_denied"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"username": "1startsdigit"}, "username_invalid", "username"),
        ({"username": "440106199001011235"}, "username_invalid", "username"),
        ({"username": "new"}, "username_invalid", "username"),
        ({"username": "Ab"}, "username_invalid", "username"),
        ({"name": "  "}, "name_required", "name"),
        ({"mobile": "12345"}, None, "mobile"),
        ({"id_number": "440106199001011234"}, "invalid_checksum", "id_number"),
        ({"username": "gz_clerk"}, "username_taken", "username"),
        ({"id_number": "440106199001011235"}, "id_number_taken", "id_number"),
    ],
)
def test_create_bad_input(operator, clerk, citizen, gz_market_dept, kwargs, code, field):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        create(operator, gz_market_dept, **kwargs)
    if code:
        assert exc.value.code == code
    assert exc.value.field == field
    assert snapshot() == before


def test_role_required(operator):
    with pytest.raises(DomainError) as exc:
        svc.create_staff(
            username="gz_new", name="新同事", mobile="13700137000", roles=[], actor=operator
        )
    assert exc.value.code == "role_required"


def test_assign_and_remove_role(dept_admin, clerk, gz_market_dept, guangzhou):
    assignment = svc.assign_role(clerk, RoleSpec(gz_market_dept, "approver"), actor=dept_admin)
    assert AuditEvent.objects.filter(event_type="identity.role_assigned").count() == 1
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.assign_role(clerk, RoleSpec(gz_market_dept, "approver"), actor=dept_admin)
    assert exc.value.code == "role_already_assigned"
    # the city region unit is above the department: out of the dept admin's reach
    with pytest.raises(DomainError) as exc:
        svc.assign_role(clerk, RoleSpec(guangzhou, "approver"), actor=dept_admin)
    assert exc.value.code == "org_unit_out_of_scope"
    assert snapshot() == before
    svc.remove_role(clerk, assignment.pk, actor=dept_admin)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(event_type="identity.role_removed").count() == 1


def test_dept_admin_cannot_touch_other_city_staff(dept_admin, other_city_clerk, sz_market_dept):
    before = snapshot()
    assignment = other_city_clerk.role_assignments.get()
    with pytest.raises(DomainError) as exc:
        svc.remove_role(other_city_clerk, assignment.pk, actor=dept_admin)
    assert exc.value.code == "role_not_grantable"
    with pytest.raises(DomainError) as exc:
        svc.deactivate_staff(other_city_clerk, actor=dept_admin)
    assert exc.value.code == "staff_permission_denied"
    with pytest.raises(DomainError) as exc:
        svc.access_staff(dept_admin, other_city_clerk.username)
    assert exc.value.code == "staff_not_found" and exc.value.status == 404
    assert other_city_clerk not in svc.staff_visible_to(dept_admin)
    assert snapshot() == before


def test_dept_admin_cannot_deactivate_operator_or_self(dept_admin, operator, gz_market_dept):
    RoleAssignment.objects.create(user=operator, org_unit=gz_market_dept, role="window_clerk")
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.deactivate_staff(operator, actor=dept_admin)
    assert exc.value.code == "staff_permission_denied"
    with pytest.raises(DomainError) as exc:
        svc.deactivate_staff(dept_admin, actor=dept_admin)
    assert exc.value.code == "cannot_modify_self"
    assert snapshot() == before


def test_deactivate(dept_admin, clerk):
    svc.deactivate_staff(clerk, actor=dept_admin)
    clerk.refresh_from_db()
    assert clerk.is_active is False
    assert AuditEvent.objects.filter(
        event_type="identity.staff_deactivated", target_id=str(clerk.pk)
    ).exists()
    with pytest.raises(DomainError) as exc:
        svc.deactivate_staff(clerk, actor=dept_admin)
    assert exc.value.code == "staff_already_inactive"


def test_visibility(operator, dept_admin, clerk, other_city_clerk):
    assert set(svc.staff_visible_to(operator)) >= {dept_admin, clerk, other_city_clerk}
    assert set(svc.staff_visible_to(dept_admin)) == {dept_admin, clerk}
    assert list(svc.staff_visible_to(clerk)) == []


def test_citizen_is_not_staff(operator, citizen, gz_market_dept):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.assign_role(citizen, RoleSpec(gz_market_dept, "window_clerk"), actor=operator)
    assert exc.value.code == "not_staff"
    assert snapshot() == before


def test_create_without_mobile(operator, gz_market_dept):
    created = create(operator, gz_market_dept, mobile="")
    user = User.objects.get(username="gz_new")
    assert user.pk == created.user.pk and user.mobile == "" and user.kind == User.Kind.STAFF
    assert AuditEvent.objects.filter(
        event_type="identity.staff_created", target_id=str(user.pk)
    ).exists()
    # the keyword may also be omitted entirely
    svc.create_staff(
        username="gz_nomobile",
        name="无手机",
        roles=[RoleSpec(gz_market_dept, "approver")],
        actor=operator,
    )
    assert User.objects.get(username="gz_nomobile").mobile == ""


@pytest.mark.parametrize("mobile", ["12345", "1380013800a", "23800138000"])
def test_invalid_mobile_still_rejected(operator, gz_market_dept, mobile):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        create(operator, gz_market_dept, mobile=mobile)
    assert exc.value.field == "mobile" and exc.value.code
    assert snapshot() == before
    assert not User.objects.filter(username="gz_new").exists()
