"""Permissions of the licences app (电子证照、电子印章).

Constants for every licences permission live here; the names already in core's role table
(``tongban.core.permissions``) are re-exported so callers import from one place.

* ``licences.manage_seal`` — 部门管理员: create, suspend, revoke and rotate the keys of their
  department's seals (within their org-unit reach).
* ``licences.issue_licence`` — 审批人员, 部门管理员: issue licences of their department.
* ``licences.view_licence`` — 窗口人员, 审批人员, 部门管理员: see licences their department
  issued (and, through cases, licences attached to applications).
* ``licences.manage_licence_type`` (``LICENCES_MANAGE_TYPES``) — 部门管理员, 运维人员: the
  licence-type catalogue.
* ``licences.manage_trust`` — 运维人员: the trust list of other platforms' issuer keys.

``register()`` adds the grants to core's table; it runs from ``LicencesConfig.ready`` (and is
idempotent: the role table holds sets).
"""

from tongban.core import permissions as _core
from tongban.core.permissions import Role, register_permissions

LICENCES_MANAGE_SEAL = _core.LICENCES_MANAGE_SEAL  # "licences.manage_seal"
LICENCES_ISSUE_LICENCE = _core.LICENCES_ISSUE_LICENCE  # "licences.issue_licence"
LICENCES_MANAGE_TYPES = _core.LICENCES_MANAGE_LICENCE_TYPE  # "licences.manage_licence_type"
LICENCES_MANAGE_LICENCE_TYPE = LICENCES_MANAGE_TYPES
LICENCES_VIEW_LICENCE = "licences.view_licence"
LICENCES_MANAGE_TRUST = "licences.manage_trust"

GRANTS = {
    Role.WINDOW_CLERK: [LICENCES_VIEW_LICENCE],
    Role.APPROVER: [LICENCES_VIEW_LICENCE, LICENCES_ISSUE_LICENCE],
    Role.DEPT_ADMIN: [
        LICENCES_VIEW_LICENCE,
        LICENCES_ISSUE_LICENCE,
        LICENCES_MANAGE_SEAL,
        LICENCES_MANAGE_TYPES,
    ],
    Role.OPERATOR: [LICENCES_MANAGE_TYPES, LICENCES_MANAGE_TRUST],
}


def register() -> None:
    register_permissions(GRANTS)


register()  # at import time too, so modules importing the constants see a complete table
