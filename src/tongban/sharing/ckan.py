"""The CKAN-compatible Action API (``/api/3/action/<action>``, also ``/api/action/``).

Existing CKAN clients (``ckanapi``, ckanr, the JavaScript clients, curl scripts) work
unchanged: every answer is CKAN's envelope ``{"help", "success", "result"}``; errors are
``{"help", "success": false, "error": {"__type", "message", …}}`` with CKAN's HTTP statuses
(Not Found Error 404, Authorization Error 403, Validation Error 409, Search Query Error 400).

Mapping: an open dataset is a CKAN *package*; its provider department an *organization*;
each accepted version of its data a *resource* (current version first, every earlier version
stays listed, downloadable and queryable); the catalogue topic a *group*. Only public data
items are served (see ``services.opendata``). Read-only: no create/update/delete actions.

Supported actions: ``package_list``, ``package_show``, ``package_search`` (q, fq, rows,
start, sort), ``organization_list``, ``organization_show``, ``resource_show``,
``datastore_search`` (resource_id, filters, q, fields, limit, offset), ``group_list``,
``status_show``, ``help_show``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.sharing.errors_opendata import OpenDataError
from tongban.sharing.models import DataItem, DatasetUsage, OpenDataset, Resource
from tongban.sharing.services import datasets, opendata

CKAN_VERSION = "2.10.4"  # the API level this module answers like
FIELD_TYPES = {
    DataItem.Type.STRING: "text",
    DataItem.Type.INTEGER: "int",
    DataItem.Type.DECIMAL: "numeric",
    DataItem.Type.DATE: "date",
    DataItem.Type.BOOLEAN: "bool",
}
SORTS = {
    "score desc": "-published_at",
    "metadata_modified desc": "-updated_at",
    "metadata_modified asc": "updated_at",
    "metadata_created desc": "-published_at",
    "metadata_created asc": "published_at",
    "name asc": "name",
    "name desc": "-name",
    "title_string asc": "resource__name",
    "title_string desc": "-resource__name",
}


class CkanError(Exception):
    """An error answered in CKAN's shape."""

    STATUS = {
        "Not Found Error": 404,
        "Authorization Error": 403,
        "Validation Error": 409,
        "Search Query Error": 400,
        "Bad Request": 400,
    }

    def __init__(self, error_type: str, message: str = "", **fields):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.fields = fields

    @property
    def status(self) -> int:
        return self.STATUS.get(self.error_type, 400)

    def as_dict(self) -> dict:
        body = {"__type": self.error_type}
        if self.message:
            body["message"] = self.message
        body.update(self.fields)
        return body


def from_domain_error(exc: DomainError) -> CkanError:
    if exc.status == 404:
        return CkanError("Not Found Error", exc.message, code=exc.code)
    if exc.status in (401, 403):
        return CkanError("Authorization Error", exc.message, code=exc.code)
    field = exc.field or "message"
    return CkanError("Validation Error", exc.message, **{field: [exc.message]}, code=exc.code)


class Call:
    """One action call: its parameters (GET query or POST JSON/form), the request (for
    absolute URLs and the user)."""

    def __init__(self, request, params: dict):
        self.request = request
        self.params = params

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def url(self, url_name: str, /, **kwargs) -> str:
        return self.request.build_absolute_uri(reverse(url_name, kwargs=kwargs))

    def text(self, key: str, default: str = "") -> str:
        value = self.params.get(key, default)
        return default if value is None else str(value)

    def integer(self, key: str, default: int, *, minimum: int = 0, maximum: int | None = None):
        value = self.params.get(key, default)
        if value in (None, ""):
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise CkanError("Validation Error", **{key: ["Invalid integer"]}) from None
        if number < minimum:
            raise CkanError("Validation Error", **{key: [f"Must be at least {minimum}"]})
        return min(number, maximum) if maximum is not None else number

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.params.get(key, default)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1", "yes", "on")

    def required(self, *keys: str) -> str:
        for key in keys:
            value = self.params.get(key)
            if value not in (None, ""):
                return str(value)
        raise CkanError("Validation Error", **{keys[0]: ["Missing value"]})


# --- dictization ------------------------------------------------------------------------
def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return value.isoformat()


def org_name(unit: OrgUnit) -> str:
    if unit.uscc:
        return unit.uscc.lower()
    if re.fullmatch(r"[a-z0-9_-]{2,100}", unit.code):
        return unit.code
    return f"org-{unit.pk}"


def org_dict(unit: OrgUnit, *, package_count: int | None = None) -> dict:
    result = {
        "id": org_name(unit),
        "name": org_name(unit),
        "title": unit.full_name,
        "display_name": unit.full_name,
        "description": "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "extras": [{"key": "division_code", "value": unit.division_code}],
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def _find_org(value: str) -> OrgUnit:
    value = (value or "").strip()
    units = OrgUnit.objects.select_related("parent").filter(
        kind=OrgUnit.Kind.DEPARTMENT, is_active=True
    )
    match = re.fullmatch(r"org-(\d+)", value)
    if match:
        unit = units.filter(pk=int(match.group(1))).first()
    else:
        unit = units.filter(Q(uscc__iexact=value) | Q(code=value)).first() if value else None
    if unit is None or org_name(unit) != value.lower():
        raise CkanError("Not Found Error", "Organization not found")
    return unit


def resource_dict(call: Call, dataset: OpenDataset, version, position: int) -> dict:
    title = dataset.resource.name
    current = version.is_current
    label = f"{title}（第{version.number}版{'，当前' if current else ''}）"
    return {
        "id": str(version.uuid),
        "package_id": str(dataset.uuid),
        "name": label,
        "description": version.note or f"{version.row_count} 行",
        "format": "CSV",
        "mimetype": "text/csv",
        "url": call.url(
            "sharing_opendata:download", name=dataset.name, number=version.number, fmt="csv"
        ),
        "url_type": None,
        "state": "active",
        "position": position,
        "created": _iso(version.created_at),
        "last_modified": _iso(version.accepted_at),
        "metadata_modified": _iso(version.accepted_at),
        "datastore_active": True,
        "size": None,
        "hash": f"sha256:{version.source_sha256}" if version.source_sha256 else "",
        "resource_type": None,
        "cache_url": None,
        "cache_last_updated": None,
        "version_number": version.number,
        "is_current_version": current,
        "row_count": version.row_count,
        "json_url": call.url(
            "sharing_opendata:download", name=dataset.name, number=version.number, fmt="json"
        ),
        "xlsx_url": call.url(
            "sharing_opendata:download", name=dataset.name, number=version.number, fmt="xlsx"
        ),
    }


def package_dict(call: Call, dataset: OpenDataset) -> dict:
    resource = dataset.resource
    versions = opendata.versions_of(dataset)
    current = next((v for v in versions if v.is_current), None)
    versions.sort(key=lambda v: (not v.is_current, -v.number))
    resources = [resource_dict(call, dataset, v, i) for i, v in enumerate(versions)]
    tags = [
        {"id": tag, "name": tag, "display_name": tag, "state": "active", "vocabulary_id": None}
        for tag in dataset.tags
    ]
    groups = (
        [
            {
                "id": resource.topic,
                "name": resource.topic,
                "title": resource.topic,
                "display_name": resource.topic,
                "description": "",
                "image_display_url": "",
            }
        ]
        if resource.topic
        else []
    )
    modified = max([dataset.updated_at] + [v.accepted_at for v in versions if v.accepted_at])
    licence = getattr(settings, "TONGBAN_OPENDATA_LICENCE", "cc-by-4.0")
    return {
        "id": str(dataset.uuid),
        "name": dataset.name,
        "title": resource.name,
        "notes": resource.summary,
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": resource.open_type == Resource.OpenType.OPEN,
        "license_id": licence,
        "license_title": licence,
        "license_url": "",
        "author": None,
        "author_email": None,
        "maintainer": resource.provider.full_name,
        "maintainer_email": None,
        "url": call.url("sharing_opendata:dataset", name=dataset.name),
        "version": str(current.number) if current else None,
        "metadata_created": _iso(dataset.published_at),
        "metadata_modified": _iso(modified),
        "owner_org": org_name(resource.provider),
        "organization": org_dict(resource.provider),
        "num_resources": len(resources),
        "num_tags": len(tags),
        "tags": tags,
        "groups": groups,
        "resources": resources,
        "extras": [
            {"key": "resource_code", "value": resource.code},
            {"key": "classification", "value": resource.classification},
            {"key": "open_type", "value": resource.open_type},
            {"key": "update_cycle", "value": resource.update_cycle},
            {"key": "released_on", "value": _iso(resource.released_on) or ""},
            {"key": "related_codes", "value": ",".join(resource.related_codes or [])},
            {
                "key": "columns",
                "value": ",".join(c["key"] for c in opendata.open_columns(resource, current)),
            },
        ],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def _dataset(value: str) -> OpenDataset:
    try:
        return opendata.servable_dataset(value)
    except DomainError as exc:
        raise CkanError("Not Found Error", exc.message) from None


# --- actions -------------------------------------------------------------------------------
def package_list(call: Call):
    """Return the names of the open datasets (``limit``, ``offset``)."""
    limit = call.integer("limit", 1000, maximum=1000)
    offset = call.integer("offset", 0)
    names = opendata.served_datasets().order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit])


def package_show(call: Call):
    """Return the metadata of one dataset (``id``: its name or id) with its resources."""
    dataset = _dataset(call.required("id", "name_or_id"))
    opendata.record_usage(dataset, DatasetUsage.Kind.API_CALL)
    return package_dict(call, dataset)


def _fq_terms(text: str) -> list[tuple[str, str]]:
    text = (text or "").strip()
    if not text or text == "*:*":
        return []
    try:
        tokens = shlex.split(text.replace("+", " "))
    except ValueError:
        raise CkanError("Search Query Error", f"Invalid search query: {text}") from None
    terms = []
    for token in tokens:
        if token.upper() in ("AND", "&&"):
            continue
        key, sep, value = token.partition(":")
        if not sep or not value:
            raise CkanError("Search Query Error", f"Invalid filter: {token}")
        terms.append((key.lstrip("+"), value.strip('"')))
    return terms


def _apply_terms(queryset, terms):
    for key, value in terms:
        if value == "*":
            continue
        if key == "organization" or key == "owner_org":
            unit = _find_org_or_none(value)
            queryset = queryset.filter(resource__provider=unit) if unit else queryset.none()
        elif key == "tags":
            ids = [pk for pk, tags in queryset.values_list("pk", "tags") if value in (tags or [])]
            queryset = queryset.filter(pk__in=ids)
        elif key == "groups":
            queryset = queryset.filter(resource__topic=value)
        elif key == "name":
            queryset = queryset.filter(name=value)
        elif key == "id":
            queryset = queryset.filter(uuid=value) if opendata._is_uuid(value) else queryset.none()
        elif key == "res_format":
            queryset = queryset if value.upper() in ("CSV", "JSON", "XLSX") else queryset.none()
        elif key == "license_id":
            licence = getattr(settings, "TONGBAN_OPENDATA_LICENCE", "cc-by-4.0")
            queryset = queryset if value == licence else queryset.none()
        elif key in ("title", "text", "notes"):
            queryset = queryset & opendata.search_datasets(q=value)
        else:
            raise CkanError("Search Query Error", f"Unsupported search field: {key}")
    return queryset


def _find_org_or_none(value: str):
    try:
        return _find_org(value)
    except CkanError:
        return None


FACET_FIELDS = ("organization", "tags", "groups", "res_format", "license_id")
FIELD_TERM_RE = re.compile(r'^\+?\w+:("[^"]*"|\S+)$')


def _split_q(q: str) -> tuple[str, str]:
    """``q`` as (plain words, ``field:value`` terms)."""
    try:
        tokens = shlex.split(q)
    except ValueError:
        raise CkanError("Search Query Error", f"Invalid search query: {q}") from None
    words = [t for t in tokens if not FIELD_TERM_RE.match(t) and t.upper() not in ("AND", "&&")]
    terms = [
        f'{t.partition(":")[0]}:"{t.partition(":")[2]}"' for t in tokens if FIELD_TERM_RE.match(t)
    ]
    return " ".join(words), " ".join(terms)


def _facets(call: Call, queryset) -> tuple[dict, dict]:
    requested = _json_param(call, "facet.field") or []
    if not isinstance(requested, list):
        raise CkanError("Validation Error", **{"facet.field": ["must be a list"]})
    unknown = [f for f in requested if f not in FACET_FIELDS]
    if unknown:
        raise CkanError("Search Query Error", f"Unsupported facet field: {unknown[0]}")
    limit = call.integer("facet.limit", 50, minimum=-1)
    counts: dict[str, dict[str, int]] = {field: {} for field in requested}
    titles: dict[str, dict[str, str]] = {field: {} for field in requested}
    licence = getattr(settings, "TONGBAN_OPENDATA_LICENCE", "cc-by-4.0")
    for dataset in queryset:
        resource = dataset.resource
        values = {
            "organization": [(org_name(resource.provider), resource.provider.full_name)],
            "tags": [(tag, tag) for tag in dataset.tags],
            "groups": [(resource.topic, resource.topic)] if resource.topic else [],
            "res_format": [("CSV", "CSV")],
            "license_id": [(licence, licence)],
        }
        for field in requested:
            for name, title in values[field]:
                counts[field][name] = counts[field].get(name, 0) + 1
                titles[field][name] = title
    facets, search_facets = {}, {}
    for field in requested:
        ordered = sorted(counts[field].items(), key=lambda item: (-item[1], item[0]))
        if limit >= 0:
            ordered = ordered[:limit]
        facets[field] = dict(ordered)
        search_facets[field] = {
            "title": field,
            "items": [
                {"name": name, "display_name": titles[field][name], "count": count}
                for name, count in ordered
            ],
        }
    return facets, search_facets


def package_search(call: Call):
    """Search datasets: ``q`` (words and/or ``field:value``), ``fq`` (``organization:…``,
    ``tags:…``, ``groups:…``, ``res_format:…``, ``name:…``), ``rows`` (≤1000), ``start``,
    ``sort``, ``facet.field`` (organization, tags, groups, res_format, license_id)."""
    rows = call.integer("rows", 10, maximum=1000)
    start = call.integer("start", 0)
    sort = " ".join(call.text("sort", "score desc, metadata_modified desc").split())
    first_sort = sort.split(",")[0].strip()
    if first_sort not in SORTS:
        raise CkanError("Search Query Error", f"Unsupported sort: {sort}")
    q = call.text("q").strip()
    queryset = opendata.served_datasets()
    if q and q != "*:*":
        words, terms = _split_q(q)
        if words:
            queryset = queryset & opendata.search_datasets(q=words)
        queryset = _apply_terms(queryset, _fq_terms(terms))
    queryset = _apply_terms(queryset, _fq_terms(call.text("fq")))
    for extra in call.params.get("fq_list") or []:
        queryset = _apply_terms(queryset, _fq_terms(str(extra)))
    queryset = queryset.order_by(SORTS[first_sort], "pk").distinct()
    count = queryset.count()
    facets, search_facets = (
        _facets(call, queryset.all()) if call.params.get("facet.field") else ({}, {})
    )
    page = opendata.with_details(queryset[start : start + rows])
    results = [package_dict(call, dataset) for dataset in page]
    return {
        "count": count,
        "sort": sort,
        "results": results,
        "facets": facets,
        "search_facets": search_facets,
    }


def _orgs_with_counts():
    served = opendata.served_datasets().values("resource__provider")
    return (
        OrgUnit.objects.filter(pk__in=served)
        .select_related("parent")
        .annotate(
            n=Count(
                "sharing_resources__open_dataset",
                filter=Q(
                    sharing_resources__open_dataset__in=opendata.served_datasets().values("pk")
                ),
            )
        )
    )


def organization_list(call: Call):
    """Departments that publish open datasets: names, or dicts with ``all_fields``."""
    limit = call.integer("limit", 1000, maximum=1000)
    offset = call.integer("offset", 0)
    units = sorted(_orgs_with_counts(), key=org_name)[offset : offset + limit]
    if call.boolean("all_fields"):
        return [org_dict(unit, package_count=unit.n) for unit in units]
    return [org_name(unit) for unit in units]


def organization_show(call: Call):
    """One department (``id``: its name) and, with ``include_datasets``, its datasets."""
    unit = _find_org(call.required("id"))
    served = opendata.served_datasets().filter(resource__provider=unit)
    result = org_dict(unit, package_count=served.count())
    if call.boolean("include_datasets", False):
        result["packages"] = [
            package_dict(call, dataset) for dataset in opendata.with_details(served[:1000])
        ]
    return result


def resource_show(call: Call):
    """One resource (a version of a dataset's data) by ``id``."""
    try:
        dataset, version = opendata.version_by_uuid(call.required("id"))
    except DomainError as exc:
        raise CkanError("Not Found Error", exc.message or "Resource was not found.") from None
    opendata.record_usage(dataset, DatasetUsage.Kind.API_CALL)
    versions = list(datasets.accepted_versions(dataset.resource))
    versions.sort(key=lambda v: (not v.is_current, -v.number))
    position = next(i for i, v in enumerate(versions) if v.pk == version.pk)
    return resource_dict(call, dataset, version, position)


def _json_param(call: Call, key: str):
    value = call.params.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise CkanError("Validation Error", **{key: ["Cannot parse JSON"]}) from None
    return value


def _record_value(value, column_type: str):
    if value is None:
        return None
    if column_type == DataItem.Type.DECIMAL:
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def datastore_search(call: Call):
    """Rows of a resource: ``resource_id``, ``filters`` (``{field: value or [values]}``),
    ``q`` (text contained), ``fields``, ``limit`` (default 100), ``offset``,
    ``include_total``."""
    resource_id = call.required("resource_id", "id")
    try:
        dataset, version = opendata.version_by_uuid(resource_id)
    except DomainError:
        raise CkanError("Not Found Error", f'Resource "{resource_id}" was not found.') from None
    try:
        opendata.require_data_access(dataset, call.user)
    except DomainError as exc:
        raise CkanError("Authorization Error", exc.message) from None
    columns = opendata.open_columns(dataset.resource, version)
    keys = [column["key"] for column in columns]
    types = {column["key"]: column["type"] for column in columns}
    filters = _json_param(call, "filters") or {}
    if not isinstance(filters, dict):
        raise CkanError("Validation Error", filters=["filters must be a dict"])
    for key in filters:
        if key not in keys:
            raise CkanError("Validation Error", filters=[f'field "{key}" not in resource'])
    fields = (
        _json_param(call, "fields") if str(call.params.get("fields", "")).startswith("[") else None
    )
    if fields is None and call.params.get("fields"):
        fields = [f.strip() for f in str(call.params["fields"]).split(",") if f.strip()]
    wanted = keys
    if fields:
        unknown = [f for f in fields if f not in keys and f != "_id"]
        if unknown:
            raise CkanError("Validation Error", fields=[f'field "{unknown[0]}" not in resource'])
        wanted = [f for f in fields if f != "_id"]
    limit = call.integer("limit", 100, maximum=getattr(settings, "TONGBAN_CKAN_ROWS_MAX", 32000))
    offset = call.integer("offset", 0)
    q = call.text("q").strip()
    if q.startswith("{"):
        raise CkanError("Validation Error", q=["Field queries are not supported; use filters"])
    try:
        records, total = datasets.version_rows(
            version,
            filters=filters,
            limit=limit,
            offset=offset,
            columns=wanted,
            q=q,
            q_columns=keys,
            with_line=True,
        )
    except DomainError as exc:
        raise CkanError("Validation Error", filters=[exc.message]) from None
    opendata.record_usage(dataset, DatasetUsage.Kind.API_CALL)
    records = [
        {
            key: (_record_value(value, types.get(key)) if key != "_id" else value)
            for key, value in record.items()
        }
        for record in records
    ]
    base = reverse("sharing_ckan:action", kwargs={"name": "datastore_search"})
    start_link = f"{base}?resource_id={resource_id}" + (f"&limit={limit}" if limit != 100 else "")
    return {
        "resource_id": resource_id,
        "fields": [{"id": "_id", "type": "int"}]
        + [
            {
                "id": key,
                "type": FIELD_TYPES.get(types[key], "text"),
                "info": {"label": next(c["name"] for c in columns if c["key"] == key)},
            }
            for key in wanted
        ],
        "records": records,
        "records_format": "objects",
        "limit": limit,
        "offset": offset,
        "filters": filters,
        "q": q,
        "include_total": True,
        "total": total,
        "total_was_estimated": False,
        "_links": {"start": start_link, "next": f"{start_link}&offset={offset + limit}"},
    }


def group_list(call: Call):
    """Topics (主题) of the open datasets."""
    topics = (
        opendata.served_datasets()
        .exclude(resource__topic="")
        .values_list("resource__topic", flat=True)
        .distinct()
    )
    return sorted(set(topics))


def status_show(call: Call):
    """Site information."""
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": "通办 · 开放数据",
        "site_description": "",
        "site_url": call.request.build_absolute_uri("/").rstrip("/"),
        "locale_default": "zh_Hans_CN",
        "extensions": ["datastore"],
    }


def help_show(call: Call):
    """The documentation of an action (``name``)."""
    name = call.required("name")
    function = ACTIONS.get(name)
    if function is None:
        raise CkanError("Not Found Error", f"Action function not found: {name}")
    return function.__doc__


ACTIONS = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "resource_show": resource_show,
    "datastore_search": datastore_search,
    "group_list": group_list,
    "status_show": status_show,
    "help_show": help_show,
}

__all__ = ["ACTIONS", "Call", "CkanError", "OpenDataError", "from_domain_error"]
