"""Permissions of 12345 work orders.

* ``servicedesk.handle_work_order`` (core): a department's staff handle (reply to, return)
  the orders dispatched to their unit. Core grants it to window clerks and hotline
  operators; department admins get it here.
* ``servicedesk.dispatch_work_order``: the 12345 centre (``hotline_operator`` at the city
  unit, covering its children) registers orders for callers, dispatches them, reviews the
  answers (办结 or 督办), calls back, and receives escalations of overdue orders. Reads go
  through the order's ``hotline_unit``.
"""

from tongban.core.permissions import SERVICEDESK_HANDLE_WORK_ORDER, Role, register_permissions

SERVICEDESK_DISPATCH_WORK_ORDER = "servicedesk.dispatch_work_order"


def register() -> None:
    register_permissions(
        {
            Role.DEPT_ADMIN: [SERVICEDESK_HANDLE_WORK_ORDER],
            Role.HOTLINE_OPERATOR: [SERVICEDESK_DISPATCH_WORK_ORDER],
        }
    )


register()
