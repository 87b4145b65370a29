"""Where the gateway reads a resource's rows, by its backing.

Each reader returns ``(rows, total)`` with rows as ``{item_key: value}`` dicts holding the
resource's items, for equality ``filters`` on items, optionally limited to a division
(``division``: rows whose ``division_code`` lies in it). Registry resources also serve only
the rows of their provider's own region (谁主管谁提供谁负责).
"""

from __future__ import annotations

from tongban.core.permissions import division_covers
from tongban.registries.models import LegalEntity, Person
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.models import Resource

PERSON_FIELDS = {
    "id_number": "id_number",
    "name": "name",
    "gender": "gender",
    "birth_date": "birth_date",
    "division_code": "division_code",
    "address": "address",
    "phone": "phone",
    "status": "status",
}
ENTITY_FIELDS = {
    "uscc": "uscc",
    "name": "name",
    "entity_type": "entity_type",
    "legal_rep_name": "legal_rep_name",
    "legal_rep_id_number": "legal_rep_id_number",
    "address": "address",
    "division_code": "division_code",
    "status": "status",
    "established_date": "established_date",
    "registered_capital": "registered_capital",
    "business_scope": "business_scope",
}


def _division_prefix(code: str) -> str:
    """ "440000" → "44", "440100" → "4401", "440106" → "440106" (division_covers' rule)."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _registry_rows(model, fields, resource, *, filters, division, limit, offset):
    qs = model.objects.all()
    for key, value in filters.items():
        qs = qs.filter(**{fields[key]: value})
    for code in (resource.provider.division_code, division):
        if code:
            qs = qs.filter(division_code__startswith=_division_prefix(code))
    keys = [k for k in resource.item_keys() if k in fields]
    total = qs.count()
    rows = list(qs.order_by("pk").values(*[fields[k] for k in keys])[offset : offset + limit])
    return [{k: row[fields[k]] for k in keys} for row in rows], total


def read_rows(resource: Resource, *, filters: dict, division: str, limit: int, offset: int = 0):
    if resource.backing == Resource.Backing.PERSON_REGISTRY:
        return _registry_rows(
            Person,
            PERSON_FIELDS,
            resource,
            filters=filters,
            division=division,
            limit=limit,
            offset=offset,
        )
    if resource.backing == Resource.Backing.ENTITY_REGISTRY:
        return _registry_rows(
            LegalEntity,
            ENTITY_FIELDS,
            resource,
            filters=filters,
            division=division,
            limit=limit,
            offset=offset,
        )
    if resource.backing == Resource.Backing.DATASET:
        from tongban.sharing.services import datasets

        try:
            rows, total = datasets.query_rows(
                resource,
                filters=filters,
                limit=limit if not division else 10_000,
                offset=0 if division else offset,
            )
        except NotImplementedError:
            raise error(E.BACKING_UNAVAILABLE) from None
        if division:
            rows = [r for r in rows if division_covers(division, str(r.get("division_code", "")))]
            total = len(rows)
            rows = rows[offset : offset + limit]
        return rows, total
    # http_api: the provider's own interface is not wired to the gateway yet
    raise error(E.BACKING_UNAVAILABLE)
