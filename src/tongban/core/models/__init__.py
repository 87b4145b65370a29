from tongban.core.models.audit import AuditEvent
from tongban.core.models.orgunits import OrgUnit, RoleAssignment

__all__ = ["AuditEvent", "OrgUnit", "RoleAssignment"]
