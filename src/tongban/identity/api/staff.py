"""Civil servant accounts — /api/v1/identity/staff (operators and department admins).

Same services as the console pages; session authentication (``django_auth``, CSRF enforced).
"""

import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.core.masking import mask_mobile
from tongban.core.models import OrgUnit, RoleAssignment
from tongban.core.schemas import ErrorOut
from tongban.identity.errors_companies import StaffError, error
from tongban.identity.services import staff as staff_services

router = Router(tags=["identity: staff"], auth=django_auth)


class RoleIn(Schema):
    org_unit_code: str = Field(..., description="组织机构编码 (OrgUnit.code)")
    role: str = Field(..., description="window_clerk | approver | dept_admin | operator | auditor")
    covers_children: bool = False


class StaffIn(Schema):
    username: str
    name: str
    mobile: str = Field(
        "", description="Optional; without it the account logs in with its password only"
    )
    id_number: str | None = None
    password: str | None = Field(None, description="Omit to have one generated and returned once")
    roles: list[RoleIn] = Field(..., min_length=1)


class RoleOut(Schema):
    id: int
    org_unit_code: str
    org_unit_name: str
    role: str
    covers_children: bool


class StaffOut(Schema):
    username: str
    name: str
    mobile: str  # masked
    is_active: bool
    date_joined: datetime.datetime
    roles: list[RoleOut]

    @staticmethod
    def resolve_mobile(obj):
        return mask_mobile(obj["mobile"] if isinstance(obj, dict) else obj.mobile)

    @staticmethod
    def resolve_roles(obj):
        if isinstance(obj, dict):
            return obj["roles"]
        # prefetched by the list view: role_assignments__org_unit__parent
        return [_role_out(a) for a in obj.role_assignments.all()]


class StaffCreatedOut(StaffOut):
    generated_password: str | None = Field(
        None, description="Only when no password was given; shown once"
    )


def _role_out(a: RoleAssignment) -> RoleOut:
    return RoleOut(
        id=a.pk,
        org_unit_code=a.org_unit.code,
        org_unit_name=a.org_unit.full_name,
        role=a.role,
        covers_children=a.covers_children,
    )


def _staff_out(user, schema=StaffOut, **extra):
    roles = [
        _role_out(a) for a in user.role_assignments.select_related("org_unit", "org_unit__parent")
    ]
    return schema(
        **{
            "username": user.username,
            "name": user.name,
            "mobile": user.mobile,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "roles": roles,
            **extra,
        }
    )


def _spec(role: RoleIn) -> staff_services.RoleSpec:
    unit = OrgUnit.objects.filter(code=role.org_unit_code.strip()).first()
    if unit is None:
        raise error(StaffError.ORG_UNIT_NOT_FOUND, field="org_unit_code")
    return staff_services.RoleSpec(unit, role.role, role.covers_children)


@router.get(
    "",
    response={200: list[StaffOut], 403: ErrorOut},
    operation_id="identity_list_staff",
    summary="工作人员列表（限本人管理的组织机构）",
)
@paginate(PageNumberPagination, page_size=50)
def list_staff(request):
    if not staff_services.can_manage_staff(request.user):
        raise error(StaffError.STAFF_PERMISSION_DENIED)
    return staff_services.staff_visible_to(request.user).prefetch_related(
        "role_assignments__org_unit__parent"
    )


@router.post(
    "",
    response={201: StaffCreatedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="identity_create_staff",
    summary="创建工作人员账户",
)
def create_staff(request, payload: StaffIn):
    if not staff_services.can_manage_staff(request.user):
        raise error(StaffError.STAFF_PERMISSION_DENIED)
    created = staff_services.create_staff(
        username=payload.username,
        name=payload.name,
        mobile=payload.mobile,
        id_number=payload.id_number,
        password=payload.password,
        roles=[_spec(r) for r in payload.roles],
        actor=request.user,
    )
    return Status(
        201,
        _staff_out(created.user, StaffCreatedOut, generated_password=created.generated_password),
    )


@router.get(
    "/{username}",
    response={200: StaffOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="identity_get_staff",
    summary="工作人员详情",
)
def get_staff(request, username: str):
    return _staff_out(staff_services.access_staff(request.user, username))


@router.post(
    "/{username}/roles",
    response={201: RoleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="identity_assign_role",
    summary="分配角色",
)
def assign_role(request, username: str, payload: RoleIn):
    staff = staff_services.access_staff(request.user, username)
    assignment = staff_services.assign_role(staff, _spec(payload), actor=request.user)
    return Status(201, _role_out(assignment))


@router.delete(
    "/{username}/roles/{assignment_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    operation_id="identity_remove_role",
    summary="移除角色",
)
def remove_role(request, username: str, assignment_id: int):
    staff = staff_services.access_staff(request.user, username)
    staff_services.remove_role(staff, assignment_id, actor=request.user)
    return Status(204, None)
