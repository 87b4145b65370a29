from tongban.core.models.audit import AuditEvent
from tongban.core.models.ops import PeriodicRun, WorkerHeartbeat
from tongban.core.models.orgunits import OrgUnit, RoleAssignment

__all__ = ["AuditEvent", "OrgUnit", "PeriodicRun", "RoleAssignment", "WorkerHeartbeat"]
