"""Permissions the cases app adds to core's role table.

* ``cases.handle_rectification`` — everyone who may see a unit's cases (``cases.view_case``)
  sees its rectification items (差评整改); recording the callback (回访) and closing them is
  for the department's own staff.
* ``cases.monitor_deadlines`` — the console's deadline monitor per department, for
  operators and department admins (counts within their ``cases.view_case`` reach).
"""

from tongban.core.permissions import Role, register_permissions

CASES_HANDLE_RECTIFICATION = "cases.handle_rectification"
CASES_MONITOR_DEADLINES = "cases.monitor_deadlines"

register_permissions(
    {
        Role.WINDOW_CLERK: [CASES_HANDLE_RECTIFICATION],
        Role.APPROVER: [CASES_HANDLE_RECTIFICATION],
        Role.DEPT_ADMIN: [CASES_HANDLE_RECTIFICATION, CASES_MONITOR_DEADLINES],
        Role.OPERATOR: [CASES_MONITOR_DEADLINES],
    }
)
