"""Change detection per backing, and change events that subscribers pull (变更事件).

How changes are detected:

* **Uploaded dataset** — every import makes a new numbered version and earlier versions are
  kept, so changes are the *difference between two versions*, matched by the resource's
  lookup key (``DatasetRow.lookup_value``): a key only in the newer version is ``added``, one
  whose values differ is ``changed``, one only in the older version is ``removed`` (the key
  only). Without a lookup key rows are matched by their whole content (``added`` /
  ``removed`` only). The cursor names the version delivered up to.
* **Registries** (人口, 法人) — rows carry ``updated_at`` (set on every save): changes are the
  rows with ``(updated_at, pk)`` after the cursor, ``added`` when created after it, else
  ``changed``. Registry rows are never deleted (a status item changes instead), so there is
  no ``removed``. A bulk ``QuerySet.update()`` that bypasses ``save()`` would not be seen.
* **Provider HTTP API** — the platform cannot see the provider's changes:
  ``changes_unsupported``.

Cursors are opaque (URL-safe base64 of a small JSON) and returned as ``next_cursor``; an
empty cursor means "from the beginning" (the whole resource as ``added``). Results honour
the grant's row scope (division) here and its items and masking in the callers.

``pull(...)`` is the consumer's ``GET …/changes?since=`` through the gateway's checks (bulk
grant required, purpose, reference, rate limit), recorded in the access log like a gateway
call, served or refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.core import audit
from tongban.core.exceptions import DomainError
from tongban.core.permissions import division_covers
from tongban.registries.models import LegalEntity, Person
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors_exchange import ExchangeError as X
from tongban.sharing.errors_exchange import error
from tongban.sharing.models import AccessLogEntry, DatasetRow, DatasetVersion, Grant, Resource
from tongban.sharing.services import access_log, gateway, sources

MAX_PULL_LIMIT = 500

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass
class Change:
    op: str
    key: str | None
    row: dict | None  # raw values of the resource's items (None when removed)


@dataclass
class ChangeBatch:
    changes: list[Change]
    next_cursor: str
    has_more: bool
    counts: dict = field(default_factory=dict)


# --- cursors -----------------------------------------------------------------------------------
def encode_cursor(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict:
    cursor = (cursor or "").strip()
    if not cursor:
        return {}
    if len(cursor) > 200:
        raise error(X.CURSOR_INVALID, field="since")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise error(X.CURSOR_INVALID, field="since") from None
    if not isinstance(data, dict):
        raise error(X.CURSOR_INVALID, field="since")
    return data


def _registry(resource: Resource):
    if resource.backing == Resource.Backing.PERSON_REGISTRY:
        return Person, sources.PERSON_FIELDS, "id_number"
    if resource.backing == Resource.Backing.ENTITY_REGISTRY:
        return LegalEntity, sources.ENTITY_FIELDS, "uscc"
    return None


def supports_changes(resource: Resource) -> bool:
    return resource.backing != Resource.Backing.HTTP_API


def current_cursor(resource: Resource, *, division: str = "") -> str:
    """The cursor of the resource's present state ("changes from now on")."""
    if resource.backing == Resource.Backing.DATASET:
        version = DatasetVersion.objects.filter(resource=resource, is_current=True).first()
        return encode_cursor({"k": "d", "v": version.number if version else 0})
    registry = _registry(resource)
    if registry is None:
        raise error(X.CHANGES_UNSUPPORTED)
    last = (
        _registry_qs(resource, registry[0], division)
        .order_by("-updated_at", "-pk")
        .values_list("updated_at", "pk")
        .first()
    )
    if last is None:
        return encode_cursor({"k": "r", "t": timezone.now().isoformat(), "id": 0})
    return encode_cursor({"k": "r", "t": last[0].isoformat(), "id": last[1]})


# --- registries --------------------------------------------------------------------------------
def _registry_qs(resource, model, division):
    qs = model.objects.all()
    for code in (resource.provider.division_code, division):
        if code:
            qs = qs.filter(division_code__startswith=sources._division_prefix(code))
    return qs


def _registry_changes(resource, cursor: dict, *, division, limit) -> ChangeBatch:
    model, fields, key_field = _registry(resource)
    qs = _registry_qs(resource, model, division)
    since = None
    if cursor:
        if cursor.get("k") != "r":
            raise error(X.CURSOR_INVALID, field="since")
        try:
            since = dt.datetime.fromisoformat(str(cursor["t"]))
            since_id = int(cursor.get("id", 0))
        except (KeyError, TypeError, ValueError):
            raise error(X.CURSOR_INVALID, field="since") from None
        if timezone.is_naive(since):
            raise error(X.CURSOR_INVALID, field="since")
        qs = qs.filter(Q(updated_at__gt=since) | Q(updated_at=since, pk__gt=since_id))
    keys = [k for k in resource.item_keys() if k in fields]
    columns = [fields[k] for k in keys]
    rows = list(
        qs.order_by("updated_at", "pk").values(
            "pk", "created_at", "updated_at", key_field, *columns
        )[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        Change(
            ADDED if since is None or row["created_at"] > since else CHANGED,
            str(row[key_field]),
            {k: row[fields[k]] for k in keys},
        )
        for row in rows
    ]
    if rows:
        next_cursor = encode_cursor(
            {"k": "r", "t": rows[-1]["updated_at"].isoformat(), "id": rows[-1]["pk"]}
        )
    else:
        next_cursor = (
            encode_cursor(cursor) if cursor else current_cursor(resource, division=division)
        )
    return ChangeBatch(changes, next_cursor, has_more, _count(changes))


# --- datasets ----------------------------------------------------------------------------------
def _version_map(version: DatasetVersion | None, *, division: str, keyed: bool) -> dict:
    if version is None:
        return {}
    out = {}
    for lookup_value, line, data in (
        DatasetRow.objects.filter(version=version)
        .order_by("line")
        .values_list("lookup_value", "line", "data")
        .iterator(chunk_size=2000)
    ):
        if division and not division_covers(division, str(data.get("division_code", ""))):
            continue
        if keyed:
            out[lookup_value] = data
        else:
            content = json.dumps(data, sort_keys=True, ensure_ascii=False)
            out[f"{content}\x00{line}"] = data
    return out


def _content_multiset(rows: dict) -> dict:
    counts: dict = {}
    for name, data in rows.items():
        counts.setdefault(name.rsplit("\x00", 1)[0], []).append(data)
    return counts


def dataset_diff(resource, old: DatasetVersion | None, new: DatasetVersion | None, *, division=""):
    """Every change from ``old`` to ``new`` (either may be None = empty), sorted by key."""
    keyed = bool(resource.lookup_key)
    before = _version_map(old, division=division, keyed=keyed)
    after = _version_map(new, division=division, keyed=keyed)
    changes = []
    if keyed:
        for key in sorted(set(before) | set(after)):
            if key not in before:
                changes.append(Change(ADDED, key, after[key]))
            elif key not in after:
                changes.append(Change(REMOVED, key, None))
            elif before[key] != after[key]:
                changes.append(Change(CHANGED, key, after[key]))
        return changes
    old_set, new_set = _content_multiset(before), _content_multiset(after)
    for content in sorted(set(old_set) | set(new_set)):
        a, b = old_set.get(content, []), new_set.get(content, [])
        changes += [Change(ADDED, None, row) for row in b[len(a) :]]
        changes += [Change(REMOVED, None, row) for row in a[len(b) :]]
    return changes


def _dataset_version(resource, number: int) -> DatasetVersion | None:
    if number == 0:
        return None
    version = DatasetVersion.objects.filter(
        resource=resource, number=number, status=DatasetVersion.Status.ACCEPTED
    ).first()
    if version is None:
        raise error(X.CURSOR_INVALID, field="since")
    return version


def _dataset_changes(resource, cursor: dict, *, division, limit) -> ChangeBatch:
    if cursor and cursor.get("k") != "d":
        raise error(X.CURSOR_INVALID, field="since")
    try:
        base = int(cursor.get("v", 0))
        offset = int(cursor.get("o", 0))
        target = cursor.get("to")
        target = int(target) if target is not None else None
    except (TypeError, ValueError):
        raise error(X.CURSOR_INVALID, field="since") from None
    if base < 0 or offset < 0:
        raise error(X.CURSOR_INVALID, field="since")
    current = DatasetVersion.objects.filter(resource=resource, is_current=True).first()
    if target is None:
        target = current.number if current else 0
    if base > target or (current is not None and target > current.number):
        raise error(X.CURSOR_INVALID, field="since")
    if base == target:
        return ChangeBatch([], encode_cursor({"k": "d", "v": target}), False, _count([]))
    old = _dataset_version(resource, base)
    new = _dataset_version(resource, target)
    changes = dataset_diff(resource, old, new, division=division)
    page = changes[offset : offset + limit]
    has_more = offset + limit < len(changes)
    if has_more:
        next_cursor = encode_cursor({"k": "d", "v": base, "to": target, "o": offset + limit})
    else:
        next_cursor = encode_cursor({"k": "d", "v": target})
    return ChangeBatch(page, next_cursor, has_more, _count(page))


def _count(changes) -> dict:
    counts = {ADDED: 0, CHANGED: 0, REMOVED: 0}
    for change in changes:
        counts[change.op] += 1
    return counts


def changes_since(
    resource: Resource, cursor: str, *, division: str = "", limit: int
) -> ChangeBatch:
    """Changes of ``resource`` after ``cursor`` (at most ``limit``), within ``division``."""
    data = decode_cursor(cursor)
    if resource.backing == Resource.Backing.DATASET:
        return _dataset_changes(resource, data, division=division, limit=limit)
    if _registry(resource) is not None:
        return _registry_changes(resource, data, division=division, limit=limit)
    raise error(X.CHANGES_UNSUPPORTED)


# --- shaping under a grant ---------------------------------------------------------------------
def shape_changes(resource: Resource, grant: Grant, changes: list[Change], items: list[str]):
    """Changes as JSON-ready dicts with the granted items, masked per the grant."""
    out = []
    lookup_key = resource.lookup_key
    for change in changes:
        key = change.key
        if key is not None:
            if lookup_key not in items:
                key = None
            else:
                key = gateway._shape([{lookup_key: key}], [lookup_key], grant)[0][lookup_key]
        record = gateway._shape([change.row], items, grant)[0] if change.row is not None else None
        out.append({"op": change.op, "key": key, "record": record})
    return out


def subjects_of(resource, changes: list[Change], items) -> list[str]:
    rows = [change.row for change in changes if change.row is not None]
    return gateway._subjects(resource, rows, items)


# --- the consumer's pull -----------------------------------------------------------------------
@dataclass
class PullResult:
    resource: Resource
    items: list[str]
    changes: list[dict]
    next_cursor: str
    has_more: bool
    entry: AccessLogEntry


def pull(
    *,
    application,
    resource_code: str,
    since: str,
    purpose: str,
    reference: str = "",
    limit: int = 100,
) -> PullResult:
    """Changes after ``since`` for the calling consumer system, under its grant (a bulk
    ``filter`` grant: a lookup-only grant cannot read a resource's changes)."""
    since = (since or "").strip()
    call = gateway._Call(
        application,
        resource_code,
        (purpose or "").strip(),
        (reference or "").strip(),
        None,
        {"since": since[:200]},
    )
    items = gateway._prepare(call)
    if call.grant.row_scope != Grant.RowScope.FILTER:
        raise call.refuse(E.BULK_NOT_ALLOWED)
    limit = max(1, min(int(limit), MAX_PULL_LIMIT))
    try:
        batch = changes_since(call.resource, since, division=call.grant.row_division, limit=limit)
    except DomainError as exc:
        raise call.refused(exc) from None
    grant = call.grant
    with transaction.atomic():
        audit._lock_chain(AccessLogEntry, access_log.CHAIN_LOCK_KEY)
        recent = AccessLogEntry.objects.filter(
            grant=grant,
            outcome=AccessLogEntry.Outcome.ALLOWED,
            created_at__gte=timezone.now() - gateway.RATE_WINDOW,
        )[: grant.rate_limit_per_minute].count()
        limited = recent >= grant.rate_limit_per_minute
        if not limited:
            entry = call.log(
                outcome=AccessLogEntry.Outcome.ALLOWED,
                items=items,
                row_count=len(batch.changes),
                subjects=subjects_of(call.resource, batch.changes, items),
            )
    if limited:
        raise call.refuse(E.RATE_LIMITED)
    return PullResult(
        call.resource,
        items,
        shape_changes(call.resource, grant, batch.changes, items),
        batch.next_cursor,
        batch.has_more,
        entry,
    )


__all__ = [
    "ADDED",
    "CHANGED",
    "REMOVED",
    "Change",
    "ChangeBatch",
    "changes_since",
    "current_cursor",
    "dataset_diff",
    "pull",
    "shape_changes",
]
