"""Open data API, mounted at /api/v1/opendata/ (public, no authentication).

* ``GET /api/v1/opendata/datasets`` — search (``q``, ``topic``, ``department``), paginated;
* ``GET /api/v1/opendata/datasets/{name}`` — one dataset: metadata, served columns, every
  version with its download links, usage statistics;
* ``POST /api/v1/opendata/resources/{code}/imports`` — a department system uploads a new
  version (multipart ``file``, ``note``) with a client-credentials token holding
  ``sharing:datasets``; answers 202 with the import job;
* ``GET /api/v1/opendata/imports/{id}`` — the job's status, progress and rejected rows.

Rows are queried through the CKAN-compatible ``/api/3/action/datastore_search``. Error codes:
``tongban.sharing.errors_opendata.OpenDataError``.
"""

from datetime import date, datetime

from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from tongban.core.schemas import ErrorOut
from tongban.identity.oidc.auth import ClientCredentialsBearer
from tongban.sharing.errors_opendata import OpenDataError, error
from tongban.sharing.models import DatasetUsage, ImportJob, OpenDataset, Resource
from tongban.sharing.permissions_opendata import DATASETS_SCOPE
from tongban.sharing.services import datasets, imports, opendata

system_auth = ClientCredentialsBearer(scopes=[DATASETS_SCOPE])

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
    page = opendata.with_details(found[start : start + filters.page_size])
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [
            _summary(
                request,
                dataset,
                next((v for v in opendata.versions_of(dataset) if v.is_current), None),
            )
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


class RejectedRowOut(Schema):
    line: int
    reasons: list[str]


class ImportJobOut(Schema):
    id: int
    resource: str
    status: str = Field(..., description="pending | running | accepted | rejected | failed")
    progress: int = Field(..., description="percent")
    rows_read: int
    rows_rejected: int
    rejections: list[RejectedRowOut] = Field(..., description="the first rejected rows")
    error_code: str
    error_message: str
    version: int | None = Field(None, description="the version number once accepted")
    created_at: datetime
    finished_at: datetime | None


def _job_out(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "resource": job.resource.code,
        "status": job.status,
        "progress": job.progress,
        "rows_read": job.rows_read,
        "rows_rejected": job.rows_rejected,
        "rejections": job.rejections,
        "error_code": job.error_code,
        "error_message": job.error_message,
        "version": job.version.number
        if job.version_id and job.status == ImportJob.Status.ACCEPTED
        else None,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.post(
    "/resources/{code}/imports",
    response={
        202: ImportJobOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
    },
    auth=system_auth,
    operation_id="sharing_create_dataset_import",
    summary="部门系统上传数据集新版本（CSV/XLSX），异步导入",
)
def create_import(request, code: str, file: File[UploadedFile], note: Form[str] = ""):
    resource = Resource.objects.select_related("provider").filter(code=code).first()
    if resource is None:
        raise error(OpenDataError.RESOURCE_NOT_FOUND)
    job = imports.start_import_by_system(resource, upload=file, note=note, application=request.auth)
    return Status(202, _job_out(job))


@router.get(
    "/imports/{job_id}",
    response={200: ImportJobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=system_auth,
    operation_id="sharing_get_dataset_import",
    summary="数据集导入任务的状态、进度和被拒绝的行",
)
def get_import(request, job_id: int):
    from tongban.identity.oidc.validators import active_policy

    unit = getattr(active_policy(request.auth), "org_unit", None)
    job = (
        ImportJob.objects.select_related("resource__provider", "version").filter(pk=job_id).first()
    )
    provider = job.resource.provider if job else None
    if (
        job is None
        or unit is None
        or not (provider.pk == unit.pk or provider.path.startswith(unit.path or "-"))
    ):
        raise error(OpenDataError.IMPORT_NOT_FOUND)
    return _job_out(job)
