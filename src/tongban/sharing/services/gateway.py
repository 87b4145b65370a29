"""The sharing gateway (共享交换): a consumer system reads a resource under its grant.

``lookup(...)`` reads one record by the resource's lookup key (e.g. an ID number);
``query(...)`` reads rows by equality filters, only under a grant whose row scope allows bulk
queries. Both enforce the grant — items, rows (row scope, division), masking per item, rate
limit, expiry, revocation — and require a purpose and, where the grant says so, a case number
(``reference``). Every call, served or refused, is appended to the chained access log
(``services.access_log``); refusals are committed before the error is raised.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tongban.core import audit, masking
from tongban.core.exceptions import DomainError
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.models import AccessLogEntry, DataItem, Grant, Resource
from tongban.sharing.services import access_log, sources
from tongban.sharing.services.consumers import system_for_application

MAX_LIMIT = 100
RATE_WINDOW = datetime.timedelta(seconds=60)


@dataclass
class GatewayResult:
    resource: Resource
    items: list[str]
    rows: list[dict]
    total: int
    entry: AccessLogEntry


@dataclass
class _Call:
    application: object
    resource_code: str
    purpose: str
    reference: str
    items: list[str] | None
    query: dict
    system: object = None
    resource: Resource | None = None
    grant: Grant | None = None

    def log(self, *, outcome, refusal_code="", items=(), row_count=0, subjects=()):
        system = self.system
        return access_log.append(
            outcome=outcome,
            refusal_code=refusal_code,
            consumer_system=system,
            consumer_unit=getattr(system, "org_unit", None),
            consumer_name=(
                f"{system.org_unit.full_name} · {system.name}" if system is not None else ""
            ),
            client_id=getattr(self.application, "client_id", ""),
            resource=self.resource,
            resource_code=self.resource.code if self.resource else self.resource_code,
            provider_unit=self.resource.provider if self.resource else None,
            grant=self.grant,
            purpose=self.purpose,
            reference=self.reference,
            items=items,
            query=masking.mask_data(self.query),
            row_count=row_count,
            subjects=subjects,
        )

    def refuse(self, code, **kwargs) -> DomainError:
        """Record the refused call (committed) and return the error to raise."""
        return self.refused(error(code, **kwargs))

    def refused(self, exc: DomainError) -> DomainError:
        """Record a call refused with ``exc`` (possibly another area's code) and return it."""
        with transaction.atomic():
            self.log(
                outcome=AccessLogEntry.Outcome.REFUSED,
                refusal_code=exc.code,
                items=self.items or [],
            )
        return exc


def _active_grant(call: _Call) -> Grant:
    grants = list(
        Grant.objects.filter(consumer_system=call.system, resource=call.resource).order_by(
            "-granted_at", "-pk"
        )
    )
    today = timezone.localdate()
    usable = [g for g in grants if g.is_usable_on(today)]
    if usable:
        return usable[0]
    if not grants:
        raise call.refuse(E.NO_GRANT)
    call.grant = grants[0]
    if any(g.status == Grant.Status.ACTIVE for g in grants):
        raise call.refuse(E.GRANT_EXPIRED)
    raise call.refuse(E.GRANT_REVOKED)


def _prepare(call: _Call) -> list[str]:
    """Identify the caller, resource and grant; check purpose, reference and items."""
    try:
        call.system = system_for_application(call.application)
    except DomainError as exc:
        raise call.refused(exc) from None
    call.resource = (
        Resource.objects.select_related("provider", "provider__parent")
        .prefetch_related("items")
        .filter(code=call.resource_code, status=Resource.Status.PUBLISHED)
        .first()
    )
    if call.resource is None:
        raise call.refuse(E.RESOURCE_NOT_FOUND)
    if call.system.status != call.system.Status.ACTIVE:
        raise call.refuse(E.SYSTEM_SUSPENDED)
    if not call.purpose or len(call.purpose) > 200:
        raise call.refuse(E.PURPOSE_REQUIRED, field="purpose")
    call.grant = _active_grant(call)
    if call.grant.require_reference and not call.reference:
        raise call.refuse(E.REFERENCE_REQUIRED, field="reference")
    if len(call.reference) > 64:
        raise call.refuse(E.REFERENCE_REQUIRED, field="reference")
    granted = list(call.grant.items)
    items = [i for i in dict.fromkeys(call.items or []) if i] or granted
    if set(items) - set(granted):
        raise call.refuse(E.ITEM_NOT_GRANTED, field="items")
    return [k for k in granted if k in set(items)]


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shape(rows, items, grant: Grant) -> list[dict]:
    out = []
    for row in rows:
        shaped = {}
        for key in items:
            value = _plain(row.get(key))
            kind = grant.masking.get(key)
            if kind and value not in (None, ""):
                value = masking.mask_value(kind, value)
            shaped[key] = value
        out.append(shaped)
    return out


def _subjects(resource: Resource, rows, items) -> list[str]:
    """ID numbers of the persons whose personal data was returned: any row of a resource about
    persons (keyed by ID number), or rows where a personal item was among the returned items
    (e.g. a legal representative's ID number)."""
    personal = {
        item.key
        for item in resource.items.all()  # prefetched by _prepare
        if item.sensitivity == DataItem.Sensitivity.PERSONAL
    }
    about_persons = masking.PII_KEYS.get(resource.lookup_key) == "id_number"
    if not about_persons and not personal & set(items):
        return []
    id_keys = [k for k in personal if masking.PII_KEYS.get(k) == "id_number"]
    return [str(row[k]) for row in rows for k in id_keys if row.get(k)]


def _serve(call: _Call, items, filters, *, limit, offset) -> GatewayResult:
    grant = call.grant
    try:
        rows, total = sources.read_rows(
            call.resource, filters=filters, division=grant.row_division, limit=limit, offset=offset
        )
    except DomainError as exc:
        raise call.refused(exc) from None
    with transaction.atomic():
        # Under the chain's lock every append is serialised: the count is exact.
        audit._lock_chain(AccessLogEntry, access_log.CHAIN_LOCK_KEY)
        # counting at most ``limit`` rows keeps the check's cost bounded by the limit
        recent = AccessLogEntry.objects.filter(
            grant=grant,
            outcome=AccessLogEntry.Outcome.ALLOWED,
            created_at__gte=timezone.now() - RATE_WINDOW,
        )[: grant.rate_limit_per_minute].count()
        limited = recent >= grant.rate_limit_per_minute
        if not limited:
            entry = call.log(
                outcome=AccessLogEntry.Outcome.ALLOWED,
                items=items,
                row_count=len(rows),
                subjects=_subjects(call.resource, rows, items),
            )
    if limited:
        raise call.refuse(E.RATE_LIMITED)
    return GatewayResult(call.resource, items, _shape(rows, items, grant), total, entry)


def lookup(
    *, application, resource_code: str, key: str, purpose: str, reference: str = "", items=None
) -> GatewayResult:
    """One record by the resource's lookup key (``record_not_found`` when outside the grant's
    rows or absent — the call is logged either way)."""
    key = "".join(str(key or "").split()).upper()
    call = _Call(
        application,
        resource_code,
        (purpose or "").strip(),
        (reference or "").strip(),
        items,
        {},
    )
    items = _prepare(call)
    lookup_key = call.resource.lookup_key
    call.query = {lookup_key or "key": key}
    if not lookup_key:
        raise call.refuse(E.BULK_NOT_ALLOWED)
    if not key or len(key) > 64:
        raise call.refuse(E.KEY_INVALID, field="key")
    result = _serve(call, items, {lookup_key: key}, limit=1, offset=0)
    if not result.rows:
        raise error(E.RECORD_NOT_FOUND, field="key")
    return result


def query(
    *,
    application,
    resource_code: str,
    filters: dict,
    purpose: str,
    reference: str = "",
    items=None,
    limit: int = 20,
    offset: int = 0,
) -> GatewayResult:
    """Rows matching equality ``filters`` on granted items (bulk: needs a ``filter`` grant)."""
    filters = {str(k): str(v).strip() for k, v in (filters or {}).items()}
    call = _Call(
        application,
        resource_code,
        (purpose or "").strip(),
        (reference or "").strip(),
        items,
        filters,
    )
    items = _prepare(call)
    if call.grant.row_scope != Grant.RowScope.FILTER:
        raise call.refuse(E.BULK_NOT_ALLOWED)
    if not filters or set(filters) - set(call.grant.items):
        raise call.refuse(E.FILTER_NOT_GRANTED, field="filters")
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    return _serve(call, items, filters, limit=limit, offset=offset)
