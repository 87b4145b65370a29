"""Permissions of payments orders (缴款单) and the API scope of department systems.

* ``payments.view_order`` (core's table) — 窗口人员, 审批人员, 部门管理员, 运营, 审计, 财务:
  see their units' orders and payment attempts.
* ``payments.cancel_order`` — 窗口人员, 部门管理员, 财务: cancel an unpaid order of their unit
  with a reason.

Department systems use client-credentials tokens with the scope ``payments:orders``
(``PAYMENTS_SCOPE``); the client's registered org unit is the collecting unit of the orders it
opens, and it sees only the orders it opened.
"""

from tongban.core import permissions as _core
from tongban.core.permissions import Role, register_permissions

PAYMENTS_VIEW_ORDER = _core.PAYMENTS_VIEW_ORDER  # "payments.view_order"
PAYMENTS_CANCEL_ORDER = "payments.cancel_order"
PAYMENTS_SCOPE = "payments:orders"

GRANTS = {
    Role.WINDOW_CLERK: [PAYMENTS_CANCEL_ORDER],
    Role.DEPT_ADMIN: [PAYMENTS_CANCEL_ORDER],
    Role.FINANCE: [PAYMENTS_CANCEL_ORDER],
}


def register() -> None:
    register_permissions(GRANTS)


register()
