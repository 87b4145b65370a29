"""Reads of data sharing for pages and the API (tenancy through ``core.permissions``).

Both sides see their requests and grants: the consumer department (``sharing.request_share``
in the consumer unit) and the provider (``sharing.approve_share`` in the provider unit; the
platform operator holds it province-wide, for coordination).
"""

from __future__ import annotations

from django.db.models import Q

from tongban.core import permissions as core_permissions
from tongban.core.models import OrgUnit
from tongban.sharing import permissions
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.models import (
    AccessLogEntry,
    AccessSubject,
    ConsumerSystem,
    Grant,
    Resource,
    ShareRequest,
)
from tongban.sharing.services.access_log import subject_digest

PAGE_SIZE = 20


# --- catalogue -------------------------------------------------------------------------------
def search_resources(
    user,
    *,
    q: str = "",
    provider: int | None = None,
    classification: str = "",
    share_type: str = "",
):
    """Published resources (and drafts of the user's own departments), filtered."""
    if not core_permissions.has_perm(user, permissions.SHARING_VIEW_RESOURCE):
        return Resource.objects.none()
    own = core_permissions.units_for(user, permissions.SHARING_MANAGE_RESOURCE)
    qs = Resource.objects.filter(
        Q(status=Resource.Status.PUBLISHED) | Q(provider__in=own)
    ).select_related("provider", "provider__parent")
    for word in query_terms(q):
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(code__icontains=word)
            | Q(items__name__icontains=word)
            | Q(provider__name__icontains=word)
            | Q(provider__parent__name__icontains=word)
        )
    if provider:
        qs = qs.filter(provider_id=provider)
    if classification:
        qs = qs.filter(classification__startswith=classification)
    if share_type:
        qs = qs.filter(share_type=share_type)
    return qs.distinct().order_by("classification", "code")


def query_terms(q: str) -> list[str]:
    """Search terms of a query: each space-separated part cut with the catalogue's jieba
    tokenizer (``catalog.search.terms``: "人口信息" → 人口, 信息), every term must match."""
    from tongban.catalog.search import terms

    found: list[str] = []
    for part in (q or "").split()[:8]:
        cut = sorted(terms(part), key=len, reverse=True) or [part]
        found.extend(t for t in cut if t not in found)
    return found[:16]


def providers_with_resources():
    return (
        OrgUnit.objects.filter(sharing_resources__status=Resource.Status.PUBLISHED)
        .select_related("parent")
        .distinct()
        .order_by("code")
    )


def access_resource(user, code: str) -> Resource:
    resource = search_resources(user).filter(code=code).first()
    if resource is None:
        raise error(E.RESOURCE_NOT_FOUND)
    return resource


def can_manage(user, resource: Resource) -> bool:
    return core_permissions.has_perm_in(
        user, permissions.SHARING_MANAGE_RESOURCE, resource.provider
    )


def can_request(user, resource: Resource) -> bool:
    """May the user request this resource for a department other than its provider?"""
    if not resource.is_published:
        return False
    units = core_permissions.units_for(user, permissions.SHARING_REQUEST_SHARE)
    return units.exclude(pk=resource.provider_id).exists()


# --- consumer systems, requests, grants --------------------------------------------------------
def consumer_systems_for(user):
    return core_permissions.restrict(
        ConsumerSystem.objects.select_related("org_unit", "org_unit__parent", "application"),
        user,
        permissions.SHARING_REQUEST_SHARE,
    )


def _request_qs():
    return ShareRequest.objects.select_related(
        "resource",
        "resource__provider",
        "resource__provider__parent",
        "consumer_unit",
        "consumer_unit__parent",
        "consumer_system",
    )


def requests_as_consumer(user):
    return core_permissions.restrict(
        _request_qs(), user, permissions.SHARING_REQUEST_SHARE, field="consumer_unit"
    )


def requests_as_provider(user):
    return core_permissions.restrict(
        _request_qs(), user, permissions.SHARING_APPROVE_SHARE, field="resource__provider"
    )


def escalated_requests(user):
    if not core_permissions.has_perm(user, permissions.SHARING_ARBITRATE_SHARE):
        return ShareRequest.objects.none()
    return _request_qs().filter(status=ShareRequest.Status.ESCALATED).order_by("due_on")


def access_request(user, number: str) -> ShareRequest:
    """A request seen from either side (or by the arbitrating operator); else 404."""
    for qs in (requests_as_provider(user), requests_as_consumer(user)):
        found = qs.filter(number=number).first()
        if found is not None:
            return found
    if core_permissions.has_perm(user, permissions.SHARING_ARBITRATE_SHARE):
        found = _request_qs().filter(number=number).first()
        if found is not None:
            return found
    raise error(E.REQUEST_NOT_FOUND)


def sides(user, share_request: ShareRequest) -> dict:
    return {
        "provider": permissions.decides_as_provider(user, share_request.resource.provider),
        "consumer": core_permissions.has_perm_in(
            user, permissions.SHARING_REQUEST_SHARE, share_request.consumer_unit
        ),
        "arbitrator": core_permissions.has_perm(user, permissions.SHARING_ARBITRATE_SHARE),
    }


def grants_as_consumer(user):
    return core_permissions.restrict(
        Grant.objects.select_related("request", "resource", "consumer_system"),
        user,
        permissions.SHARING_REQUEST_SHARE,
        field="consumer_unit",
    )


def grants_as_provider(user):
    return core_permissions.restrict(
        Grant.objects.select_related("request", "resource", "consumer_system", "consumer_unit"),
        user,
        permissions.SHARING_APPROVE_SHARE,
        field="resource__provider",
    )


def access_grant(user, grant_id: int) -> Grant:
    """A grant the user may revoke: its provider's admins, or the platform operator."""
    qs = grants_as_provider(user)
    if core_permissions.has_perm(user, permissions.SHARING_ARBITRATE_SHARE):
        qs = Grant.objects.select_related("request", "resource", "consumer_system")
    grant = qs.filter(pk=grant_id).first()
    if grant is None:
        raise error(E.GRANT_NOT_FOUND)
    return grant


# --- access log -------------------------------------------------------------------------------
def access_log_for(user, *, resource_code: str = ""):
    """Entries about resources the user's departments provide, or calls of their systems."""
    units = core_permissions.units_for(user, permissions.SHARING_VIEW_ACCESS_LOG)
    qs = AccessLogEntry.objects.filter(
        Q(provider_unit_id__in=units.values("pk")) | Q(consumer_unit_id__in=units.values("pk"))
    )
    if resource_code:
        qs = qs.filter(resource_code=resource_code)
    return qs.order_by("-seq")


def data_usage_for_citizen(user):
    """Served gateway calls that returned this person's data, newest first. Only for a
    verified ID number (real-name L2+): at L1 the number is self-declared."""
    id_number = getattr(user, "id_number", "") or ""
    if not id_number or (getattr(user, "realname_level", 0) or 0) < 2:
        return AccessLogEntry.objects.none()
    entry_ids = AccessSubject.objects.filter(subject_digest=subject_digest(id_number)).values(
        "entry_id"
    )
    return AccessLogEntry.objects.filter(
        pk__in=entry_ids, outcome=AccessLogEntry.Outcome.ALLOWED
    ).order_by("-seq")


def usage_rows(entries) -> list[dict]:
    """Entries with the consumer department, resource and item names resolved (for pages)."""
    entries = list(entries)
    units = OrgUnit.objects.in_bulk({e.consumer_unit_id for e in entries if e.consumer_unit_id})
    resources = Resource.objects.prefetch_related("items").in_bulk(
        {e.resource_id for e in entries if e.resource_id}
    )
    parents = OrgUnit.objects.in_bulk({u.parent_id for u in units.values() if u.parent_id})
    rows = []
    for e in entries:
        unit = units.get(e.consumer_unit_id)
        resource = resources.get(e.resource_id)
        names = {i.key: i.name for i in resource.items.all()} if resource else {}
        department = ""
        if unit is not None:
            parent = parents.get(unit.parent_id)
            department = f"{parent.name if parent else ''}{unit.name}"
        rows.append(
            {
                "entry": e,
                "department": department or e.consumer_name,
                "resource_name": resource.name if resource else e.resource_code,
                "item_names": [names.get(k, k) for k in e.items],
            }
        )
    return rows
