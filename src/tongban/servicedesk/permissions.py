"""Permissions of the service desk, added to core's role table by :func:`register`.

Halls, appointments and the queue:

* ``servicedesk.manage_hall`` — configure a hall (windows, the categories they serve, slot
  templates), see its kiosk address: department admins and operators.
* ``servicedesk.call_ticket`` — work at a hall window (call, recall, served, no-show):
  window clerks.
* ``servicedesk.view_hall_stats`` — waiting-time statistics per hall: clerks, department
  admins, operators, auditors.
* ``servicedesk.manage_appointment`` (core) — the hall's booking list.

A hall belongs to a region unit (city or county). The departments of that region work in
its hall, so a permission held in the hall's region unit *or in one of its departments*
reaches the hall (see ``tongban.servicedesk.selectors_halls.halls_for``).

The other service-desk areas keep theirs in ``permissions_<area>.py``.
"""

from tongban.core.permissions import (
    SERVICEDESK_MANAGE_APPOINTMENT,
    Role,
    register_permissions,
)

SERVICEDESK_MANAGE_HALL = "servicedesk.manage_hall"
SERVICEDESK_CALL_TICKET = "servicedesk.call_ticket"
SERVICEDESK_VIEW_HALL_STATS = "servicedesk.view_hall_stats"

__all__ = [
    "SERVICEDESK_CALL_TICKET",
    "SERVICEDESK_MANAGE_APPOINTMENT",
    "SERVICEDESK_MANAGE_HALL",
    "SERVICEDESK_VIEW_HALL_STATS",
    "register",
]


def register() -> None:
    register_permissions(
        {
            Role.WINDOW_CLERK: [SERVICEDESK_CALL_TICKET, SERVICEDESK_VIEW_HALL_STATS],
            Role.DEPT_ADMIN: [SERVICEDESK_MANAGE_HALL, SERVICEDESK_VIEW_HALL_STATS],
            Role.OPERATOR: [SERVICEDESK_MANAGE_HALL, SERVICEDESK_VIEW_HALL_STATS],
            Role.AUDITOR: [SERVICEDESK_VIEW_HALL_STATS],
        }
    )


register()
