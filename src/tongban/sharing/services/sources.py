"""Where the gateway reads a resource's rows, by its backing (registries, datasets, the
provider's HTTP API).

Each reader returns ``(rows, total)`` with rows as ``{item_key: value}`` dicts holding the
resource's items, for equality ``filters`` on items, optionally limited to a division
(``division``: rows whose ``division_code`` lies in it). Registry resources also serve only
the rows of their provider's own region (谁主管谁提供谁负责).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from tongban.core import webhooks
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
    rows = list(qs.order_by("pk").values(*[fields[k] for k in keys])[offset : offset + limit])
    # a short first page is the whole answer: count only when there may be more
    total = len(rows) if offset == 0 and len(rows) < limit else qs.count()
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
    if resource.backing == Resource.Backing.HTTP_API:
        return _api_rows(resource, filters=filters, division=division, limit=limit, offset=offset)
    raise error(E.BACKING_UNAVAILABLE)


# --- the provider's HTTP API -------------------------------------------------------------------
HTTP_TIMEOUT_SECONDS = 5
MAX_API_ROWS = 1000


def allow_private() -> bool:
    """Provider interfaces usually live on the government extranet (private addresses)."""
    return bool(getattr(settings, "SHARING_PROVIDER_API_ALLOW_PRIVATE", True))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http_get_json(url: str) -> dict:
    """GET ``url`` (no redirects, short timeout) and parse its JSON; any failure →
    ``backing_unavailable`` (raw network errors never reach the consumer)."""
    if not webhooks.public_host(urlsplit(url).hostname or "", allow_private=allow_private()):
        raise error(E.BACKING_UNAVAILABLE)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with _opener.open(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            if response.status != 200:
                raise error(E.BACKING_UNAVAILABLE)
            return json.loads(response.read(2_000_000))
    except (urllib.error.URLError, OSError, ValueError):
        raise error(E.BACKING_UNAVAILABLE) from None


def _api_rows(resource: Resource, *, filters, division, limit, offset):
    """The provider answers ``GET api_url?<item>=<value>…&limit=&offset=`` with
    ``{"count": n, "records": [{item: value}, …]}``; only declared items are kept."""
    params = dict(filters)
    params.update(
        {"limit": MAX_API_ROWS if division else limit, "offset": 0 if division else offset}
    )
    separator = "&" if "?" in resource.api_url else "?"
    body = http_get_json(f"{resource.api_url}{separator}{urlencode(params)}")
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        raise error(E.BACKING_UNAVAILABLE)
    keys = resource.item_keys()
    rows = [{k: r.get(k) for k in keys} for r in records if isinstance(r, dict)]
    if division:
        rows = [r for r in rows if division_covers(division, str(r.get("division_code", "")))]
        return rows[offset : offset + limit], len(rows)
    try:
        total = int(body.get("count", len(rows)))
    except (TypeError, ValueError):
        total = len(rows)
    return rows[:limit], total
