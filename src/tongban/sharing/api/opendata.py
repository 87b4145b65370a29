"""Open data API, mounted at /api/v1/opendata/ (public, no authentication).

* ``GET /api/v1/opendata/datasets`` — search (``q``, ``topic``, ``department``), paginated;
* ``GET /api/v1/opendata/datasets/{name}`` — one dataset: metadata, served columns, every
  version with its download links, usage statistics.

Rows are queried through the CKAN-compatible ``/api/3/action/datastore_search``. Error codes:
``tongban.sharing.errors_opendata.OpenDataError``.
"""

from datetime import date, datetime

from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.core.schemas import ErrorOut
from tongban.sharing.models import DatasetUsage, OpenDataset
from tongban.sharing.services import datasets, opendata

router = Router(tags=["opendata"])


class DatasetFilterIn(Schema):
    q: str = Field("", max_length=100, description="搜索词（名称、摘要、主题、部门）")
    topic: str = Field("", max_length=64, description="主题")
    department: str = Field("", max_length=64, description="提供部门的组织机构编码")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)


class DatasetSummaryOut(Schema):
    name: str
    id: str
    title: str
    summary: str
    department: str
    topic: str
    open_type: str
    tags: list[str]
    current_version: int | None
    rows: int
    published_at: datetime
    url: str


class DatasetListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[DatasetSummaryOut]


class ColumnOut(Schema):
    key: str
    name: str
    type: str


class VersionOut(Schema):
    number: int
    id: str = Field(..., description="CKAN resource id (datastore_search resource_id)")
    rows: int
    is_current: bool
    accepted_at: datetime | None
    note: str
    downloads: dict[str, str]


class DatasetOut(DatasetSummaryOut):
    resource_code: str
    classification: str
    update_cycle: str
    released_on: date | None
    columns: list[ColumnOut]
    versions: list[VersionOut]
    usage: dict[str, int]


def _summary(request, dataset: OpenDataset, version) -> dict:
    resource = dataset.resource
    return {
        "name": dataset.name,
        "id": str(dataset.uuid),
        "title": resource.name,
        "summary": resource.summary,
        "department": resource.provider.full_name,
        "topic": resource.topic,
        "open_type": resource.open_type,
        "tags": dataset.tags,
        "current_version": version.number if version else None,
        "rows": version.row_count if version else 0,
        "published_at": dataset.published_at,
        "url": request.build_absolute_uri(
            reverse("sharing_opendata:dataset", kwargs={"name": dataset.name})
        ),
    }


@router.get(
    "/datasets",
    response={200: DatasetListOut},
    operation_id="sharing_list_datasets",
    summary="搜索开放数据集",
)
def list_datasets(request, filters: Query[DatasetFilterIn]):
    found = opendata.search_datasets(
        q=filters.q, topic=filters.topic, provider=filters.department
    ).order_by("-published_at", "pk")
    count = found.count()
    start = (filters.page - 1) * filters.page_size
    page = list(found[start : start + filters.page_size])
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [
            _summary(request, dataset, datasets.current_version(dataset.resource))
            for dataset in page
        ],
    }


@router.get(
    "/datasets/{name}",
    response={200: DatasetOut, 404: ErrorOut},
    operation_id="sharing_get_dataset",
    summary="开放数据集详情（元数据、数据项、各版本下载地址、使用统计）",
)
def get_dataset(request, name: str):
    dataset = opendata.servable_dataset(name)
    resource = dataset.resource
    version = datasets.current_version(resource)
    opendata.record_usage(dataset, DatasetUsage.Kind.API_CALL)

    def links(number):
        return {
            fmt: request.build_absolute_uri(
                reverse(
                    "sharing_opendata:download",
                    kwargs={"name": dataset.name, "number": number, "fmt": fmt},
                )
            )
            for fmt in ("csv", "json", "xlsx")
        }

    return {
        **_summary(request, dataset, version),
        "resource_code": resource.code,
        "classification": resource.classification,
        "update_cycle": resource.update_cycle,
        "released_on": resource.released_on,
        "columns": [
            {"key": c["key"], "name": c["name"], "type": c["type"]}
            for c in opendata.open_columns(resource, version)
        ],
        "versions": [
            {
                "number": v.number,
                "id": str(v.uuid),
                "rows": v.row_count,
                "is_current": v.is_current,
                "accepted_at": v.accepted_at,
                "note": v.note,
                "downloads": links(v.number),
            }
            for v in datasets.accepted_versions(resource)
        ],
        "usage": opendata.usage_totals(dataset),
    }
