"""Permissions of logistics: ``servicedesk.dispatch_delivery`` — window clerks, approvers and
department admins see their units' delivery orders and hand results to the courier."""

from tongban.core.permissions import register_permissions

SERVICEDESK_DISPATCH_DELIVERY = "servicedesk.dispatch_delivery"

GRANTS = {
    "window_clerk": [SERVICEDESK_DISPATCH_DELIVERY],
    "approver": [SERVICEDESK_DISPATCH_DELIVERY],
    "dept_admin": [SERVICEDESK_DISPATCH_DELIVERY],
}


def register() -> None:
    register_permissions(GRANTS)


register()  # at import time too, so importers of the constant see a complete table
