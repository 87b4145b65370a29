"""Consumer systems (共享使用系统): a consumer department's business system with machine
credentials from identity (an OIDC client-credentials client with the ``sharing:gateway``
scope, owned by the department through its ``ClientPolicy.org_unit``).

The client is registered through ``identity.oidc.services.register_client`` on the platform's
behalf (the department admin is not an OIDC operator); the admin's act is this app's
``sharing.consumer_system_registered`` event. The secret is shown once.
"""

from __future__ import annotations

from django.db import transaction

from tongban.core import audit
from tongban.core import permissions as core_permissions
from tongban.core.models import OrgUnit
from tongban.identity.models import ClientPolicy
from tongban.identity.oidc import services as oidc_services
from tongban.sharing import permissions
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.models import ConsumerSystem

GATEWAY_SCOPE = "sharing:gateway"


def register_consumer_system(
    *, actor, org_unit: OrgUnit, name: str, contact: str = ""
) -> tuple[ConsumerSystem, str]:
    """Register a system of ``org_unit``; returns ``(system, client_secret)``."""
    if org_unit is None or org_unit.kind != OrgUnit.Kind.DEPARTMENT:
        raise error(E.PROVIDER_NOT_DEPARTMENT, field="org_unit")
    if actor is not None:
        core_permissions.check_perm(actor, permissions.SHARING_REQUEST_SHARE, org_unit)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise error(E.SYSTEM_NAME_REQUIRED, field="name")
    with transaction.atomic():
        application, secret = oidc_services.register_client(
            actor=None,
            name=f"{org_unit.full_name} · {name}",
            kind=ClientPolicy.Kind.MACHINE,
            scopes=[GATEWAY_SCOPE],
            org_unit=org_unit,
            description="政务数据共享使用系统",
            contact=(contact or "")[:100],
        )
        system = ConsumerSystem.objects.create(
            org_unit=org_unit,
            name=name,
            application=application,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            "sharing.consumer_system_registered",
            actor=actor,
            target=system,
            org_unit=org_unit,
            data={"name": name, "client_id": application.client_id, "scopes": [GATEWAY_SCOPE]},
        )
    return system, secret


def set_consumer_system_status(*, actor, system: ConsumerSystem, active: bool) -> ConsumerSystem:
    """Suspend (tokens revoked, the gateway refuses it) or resume a department's system."""
    core_permissions.check_perm(actor, permissions.SHARING_REQUEST_SHARE, system.org_unit)
    new = ConsumerSystem.Status.ACTIVE if active else ConsumerSystem.Status.SUSPENDED
    with transaction.atomic():
        old = ConsumerSystem.objects.select_for_update().get(pk=system.pk).status
        if old == new:
            return system
        ConsumerSystem.objects.filter(pk=system.pk).update(status=new)
        oidc_services.update_client(
            actor=None,
            application=system.application,
            status=ClientPolicy.Status.ACTIVE if active else ClientPolicy.Status.SUSPENDED,
        )
        system.status = new
        audit.record(
            "sharing.consumer_system_resumed" if active else "sharing.consumer_system_suspended",
            actor=actor,
            target=system,
            org_unit=system.org_unit,
            data={"old": old, "new": new, "client_id": system.client_id},
        )
    return system


def system_for_application(application) -> ConsumerSystem:
    """The consumer system calling with ``application``'s token, or 403."""
    system = (
        ConsumerSystem.objects.select_related("org_unit", "org_unit__parent")
        .filter(application=application)
        .first()
    )
    if system is None:
        raise error(E.NOT_A_CONSUMER_SYSTEM)
    return system
