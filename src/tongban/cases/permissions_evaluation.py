"""Permission of the rectification workflow (差评整改).

Everyone who may see a unit's cases (``cases.view_case``) sees its rectification items;
recording the callback (回访) and closing them is for the department's own staff.
"""

from tongban.core.permissions import Role, register_permissions

CASES_HANDLE_RECTIFICATION = "cases.handle_rectification"

register_permissions(
    {
        Role.WINDOW_CLERK: [CASES_HANDLE_RECTIFICATION],
        Role.APPROVER: [CASES_HANDLE_RECTIFICATION],
        Role.DEPT_ADMIN: [CASES_HANDLE_RECTIFICATION],
    }
)
