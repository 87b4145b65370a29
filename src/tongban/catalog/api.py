"""Catalogue API (public, no authentication): search the items and read one item's guide.

* ``GET /api/v1/catalog/items`` — search (``q``) and filters, paginated;
* ``GET /api/v1/catalog/items/{key}`` — every standard element of the current published
  version, its materials, process (stages with their parallel tasks), implementations and
  the aggregate rating.

Error codes: ``tongban.catalog.errors.Errors``.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from tongban.catalog import search, selectors
from tongban.catalog.models import ServiceItem
from tongban.catalog.ratings import item_rating
from tongban.catalog.shared_data import licence_type_names
from tongban.core.schemas import ErrorOut

router = Router(tags=["catalog"])


class ItemFilterIn(Schema):
    q: str = Field("", max_length=100, description="搜索词（中文分词，支持“开个体户”等说法）")
    audience: Literal["", "natural", "legal"] = Field("", description="服务对象")
    department: str = Field("", max_length=64, description="主管部门，如 市场监督管理局")
    division: str = Field("", pattern=r"^(\d{6})?$", description="行政区划代码（市或县区）")
    zero_visit: bool = Field(False, description="只看零跑动事项")
    online: bool = Field(False, description="只看可网上办理的事项")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)


class ItemSummaryOut(Schema):
    key: str
    basic_code: str
    name: str
    item_type: str
    department_name: str
    level: str
    audience: str
    handling_type: str
    legal_days: int
    promised_days: int
    max_visits: int
    online: bool
    charges: bool
    is_withdrawn: bool
    url: str


class ItemListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ItemSummaryOut]


class MaterialOut(Schema):
    name: str
    form: str
    form_display: str
    copies: int
    required: bool
    licence_type_key: str
    licence_type_name: str
    blank_form_url: str
    sample_url: str


class TaskOut(Schema):
    name: str
    department_name: str
    role: str


class StageOut(Schema):
    position: int
    name: str
    parallel: bool
    tasks: list[TaskOut]


class ImplementationOut(Schema):
    id: int
    implementation_code: str
    org_unit_code: str
    org_unit_name: str
    division_code: str
    legal_days: int
    promised_days: int
    apply_url: str


class RatingOut(Schema):
    count: int
    average: float
    good_rate: float


class ItemOut(ItemSummaryOut):
    version: int
    published_at: datetime | None
    basis: str
    conditions: str
    process_description: str
    fee_amount: Decimal
    fee_basis: str
    consultation: str
    complaint: str
    halls_and_hours: str
    form_schema: list[dict]
    outputs: list[str]
    output_names: list[str]
    materials: list[MaterialOut]
    stages: list[StageOut]
    implementations: list[ImplementationOut]
    themes: list[str]
    rating: RatingOut | None


def _summary(item: ServiceItem) -> dict:
    version = item.current_version
    return {
        "key": item.key,
        "basic_code": item.basic_code,
        "name": item.name,
        "item_type": item.item_type,
        "department_name": item.department_name,
        "level": item.level,
        "audience": item.audience,
        "handling_type": version.handling_type,
        "legal_days": version.legal_days,
        "promised_days": version.promised_days,
        "max_visits": version.max_visits,
        "online": version.online,
        "charges": version.charges,
        "is_withdrawn": item.is_withdrawn,
        "url": f"/services/{item.key}/",
    }


def item_page(ids: list[int], page: int, page_size: int) -> list[ServiceItem]:
    """The items of one result page, in result order (one query)."""
    page_ids = ids[(page - 1) * page_size : page * page_size]
    by_id = ServiceItem.objects.select_related("current_version").in_bulk(page_ids)
    return [by_id[pk] for pk in page_ids if pk in by_id]


@router.get(
    "/items",
    response={200: ItemListOut, 422: ErrorOut},
    operation_id="catalog_list_items",
    summary="搜索政务服务事项",
    auth=None,
)
def list_items(request, filters: Query[ItemFilterIn]):
    ids = search.search(
        filters.q,
        audience=filters.audience,
        department=filters.department,
        division=filters.division,
        zero_visit=filters.zero_visit,
        online=filters.online,
    )
    items = item_page(ids, filters.page, filters.page_size)
    return {
        "count": len(ids),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_summary(item) for item in items],
    }


@router.get(
    "/items/{key}",
    response={200: ItemOut, 404: ErrorOut},
    operation_id="catalog_get_item",
    summary="查看事项办事指南",
    auth=None,
)
def get_item(request, key: str):
    item = selectors.get_published_item(key)
    version = selectors.version_with_details(item.current_version)
    licences = licence_type_names()
    return {
        **_summary(item),
        "version": version.number,
        "published_at": version.published_at,
        "basis": version.basis,
        "conditions": version.conditions,
        "process_description": version.process_description,
        "fee_amount": version.fee_amount,
        "fee_basis": version.fee_basis,
        "consultation": version.consultation,
        "complaint": version.complaint,
        "halls_and_hours": version.halls_and_hours,
        "form_schema": version.form_schema,
        "outputs": version.outputs,
        "output_names": [licences.get(key, key) for key in version.outputs],
        "materials": [
            {
                "name": m.name,
                "form": m.form,
                "form_display": m.get_form_display(),
                "copies": m.copies,
                "required": m.required,
                "licence_type_key": m.licence_type_key,
                "licence_type_name": licences.get(m.licence_type_key, ""),
                "blank_form_url": m.blank_form.url if m.blank_form else "",
                "sample_url": m.sample.url if m.sample else "",
            }
            for m in version.materials.all()
        ],
        "stages": [
            {
                "position": stage.position,
                "name": stage.name,
                "parallel": len(stage.tasks.all()) > 1,
                "tasks": [
                    {"name": t.name, "department_name": t.department_name, "role": t.role}
                    for t in stage.tasks.all()
                ],
            }
            for stage in version.stages.all()
        ],
        "implementations": [
            {
                "id": impl.pk,
                "implementation_code": impl.implementation_code,
                "org_unit_code": impl.org_unit.code,
                "org_unit_name": impl.org_unit.full_name,
                "division_code": impl.org_unit.division_code,
                "legal_days": impl.legal_days,
                "promised_days": impl.promised_days,
                "apply_url": selectors.apply_url(impl.pk),
            }
            for impl in selectors.implementations_of(item)
        ],
        "themes": list(item.themes.values_list("name", flat=True)),
        "rating": item_rating(item),
    }
