"""Permissions of data sharing (政务数据共享).

* ``sharing.view_resource`` — all staff roles: browse the resource catalogue.
* ``sharing.manage_resource`` — 部门管理员 (their department's resources), 平台运营.
* ``sharing.request_share`` — 部门管理员 of the consumer department: consumer systems,
  requests, their grants (core's table).
* ``sharing.approve_share`` — 部门管理员 of the provider department: approve or refuse with
  reasons, set the grant's terms, revoke grants (core's table also gives it to 平台运营, who
  sees every request for coordination).
* ``sharing.arbitrate_share`` — 平台运营: decide escalated requests (final).
* ``sharing.view_access_log`` — 部门管理员 (their resources' log), 平台运营, 审计员; verify
  the chain: ``core.verify_audit``.
"""

from tongban.core import permissions as _core
from tongban.core.permissions import Role, register_permissions

SHARING_REQUEST_SHARE = _core.SHARING_REQUEST_SHARE
SHARING_APPROVE_SHARE = _core.SHARING_APPROVE_SHARE
SHARING_VIEW_RESOURCE = "sharing.view_resource"
SHARING_MANAGE_RESOURCE = "sharing.manage_resource"
SHARING_ARBITRATE_SHARE = "sharing.arbitrate_share"
SHARING_VIEW_ACCESS_LOG = "sharing.view_access_log"

GRANTS = {
    Role.WINDOW_CLERK: [SHARING_VIEW_RESOURCE],
    Role.APPROVER: [SHARING_VIEW_RESOURCE],
    Role.DEPT_ADMIN: [
        SHARING_VIEW_RESOURCE,
        SHARING_MANAGE_RESOURCE,
        SHARING_REQUEST_SHARE,
        SHARING_APPROVE_SHARE,
        SHARING_VIEW_ACCESS_LOG,
    ],
    Role.OPERATOR: [
        SHARING_VIEW_RESOURCE,
        SHARING_MANAGE_RESOURCE,
        SHARING_ARBITRATE_SHARE,
        SHARING_VIEW_ACCESS_LOG,
    ],
    Role.AUDITOR: [SHARING_VIEW_RESOURCE, SHARING_VIEW_ACCESS_LOG],
}


def decides_as_provider(user, unit) -> bool:
    """May ``user`` decide for the provider ``unit`` — through a department role, not as the
    platform operator (who holds ``sharing.approve_share`` province-wide to see every request
    but decides only escalated ones, by arbitration)?"""
    from tongban.core.models import RoleAssignment

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = _core.roles_granting(SHARING_APPROVE_SHARE) - {Role.OPERATOR}
    for pk, path, covers in RoleAssignment.objects.filter(
        user=user, role__in=roles, org_unit__is_active=True
    ).values_list("org_unit_id", "org_unit__path", "covers_children"):
        if pk == unit.pk or (covers and path and unit.path.startswith(path)):
            return True
    return False


def register() -> None:
    register_permissions(GRANTS)


register()  # at import time too, so modules importing the constants see a complete table
