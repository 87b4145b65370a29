from tongban.core.models.audit import AuditCheckpoint, AuditEvent
from tongban.core.models.calendar import CalendarDay
from tongban.core.models.keys import ManagedKey
from tongban.core.models.ops import PeriodicRun, WorkerHeartbeat
from tongban.core.models.orgunits import OrgUnit, RoleAssignment

__all__ = [
    "AuditCheckpoint",
    "AuditEvent",
    "CalendarDay",
    "ManagedKey",
    "OrgUnit",
    "PeriodicRun",
    "RoleAssignment",
    "WorkerHeartbeat",
]
