from tongban.core.models.audit import AuditEvent
from tongban.core.models.keys import ManagedKey
from tongban.core.models.ops import PeriodicRun, WorkerHeartbeat
from tongban.core.models.orgunits import OrgUnit, RoleAssignment

__all__ = ["AuditEvent", "ManagedKey", "OrgUnit", "PeriodicRun", "RoleAssignment", "WorkerHeartbeat"]
