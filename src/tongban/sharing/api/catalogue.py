"""Resource catalogue API — /api/v1/sharing/catalogue/… (政务信息资源目录).

Staff sessions (``django_auth``, CSRF enforced). Browsing needs ``sharing.view_resource``;
registering a resource needs ``sharing.manage_resource`` in the providing department.

Error codes: 401 ``not_authenticated``; 403 ``permission_denied``; 404
``resource_not_found``; 409 ``resource_code_taken``, ``illegal_resource_transition``; 400
``resource_code_invalid``, ``resource_name_required``, ``classification_invalid``,
``provider_not_department``, ``choice_invalid``, ``items_required``, ``item_invalid``,
``item_duplicate``, ``lookup_key_invalid``, ``related_code_unknown``,
``legal_basis_required``; 422 shape errors.
"""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from tongban.core.models import OrgUnit
from tongban.core.permissions import require_perm
from tongban.core.schemas import ErrorOut
from tongban.sharing import permissions, selectors
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.services import catalogue

router = Router(tags=["sharing: catalogue"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
MAX_PAGE = 100


class ItemOut(Schema):
    key: str
    name: str
    type: str
    length: int | None
    sensitivity: str
    required: bool


class ItemIn(Schema):
    key: str = Field(..., max_length=64)
    name: str = Field(..., max_length=100)
    type: str = "string"
    length: int | None = None
    sensitivity: str = "internal"
    required: bool = False


class ResourceOut(Schema):
    code: str
    name: str
    classification: str
    provider: str
    provider_id: int
    summary: str
    format: str
    share_type: str
    share_conditions: str
    legal_basis: str
    open_type: str
    update_cycle: str
    released_on: datetime.date | None
    related_codes: list[str]
    backing: str
    status: str
    lookup_key: str
    items: list[ItemOut]


class ResourcePageOut(Schema):
    count: int
    page: int
    per_page: int
    items: list[ResourceOut]


class ResourceFilterIn(Schema):
    q: str = Field("", max_length=100, description="关键词（名称、摘要、信息项、提供部门）")
    provider: int | None = Field(None, description="提供部门（组织机构 ID）")
    classification: str = Field("", max_length=32, description="分类编码前缀")
    share_type: str = Field("", pattern="^(|unconditional|conditional|none)$")
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=MAX_PAGE)


class ResourceIn(Schema):
    provider_id: int
    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=200)
    classification: str = Field(..., max_length=32)
    summary: str = ""
    format: str = Field("", max_length=32)
    share_type: str
    share_conditions: str = ""
    legal_basis: str = ""
    open_type: str = "closed"
    update_cycle: str = "irregular"
    backing: str
    related_codes: list[str] = Field(default_factory=list)
    topic: str = Field("", max_length=64)
    lookup_key: str = ""
    publish: bool = False
    items: list[ItemIn]


def resource_out(resource) -> dict:
    return {
        "code": resource.code,
        "name": resource.name,
        "classification": resource.classification,
        "provider": resource.provider.full_name,
        "provider_id": resource.provider_id,
        "summary": resource.summary,
        "format": resource.format,
        "share_type": resource.share_type,
        "share_conditions": resource.share_conditions,
        "legal_basis": resource.legal_basis,
        "open_type": resource.open_type,
        "update_cycle": resource.update_cycle,
        "released_on": resource.released_on,
        "related_codes": list(resource.related_codes),
        "backing": resource.backing,
        "status": resource.status,
        "lookup_key": resource.lookup_key,
        "items": [
            {
                "key": i.key,
                "name": i.name,
                "type": i.type,
                "length": i.length,
                "sensitivity": i.sensitivity,
                "required": i.required,
            }
            for i in resource.items.all()
        ],
    }


@router.get(
    "/catalogue/resources",
    response={200: ResourcePageOut, **ERRORS},
    operation_id="sharing_list_resources",
    summary="检索政务信息资源目录",
)
@require_perm(permissions.SHARING_VIEW_RESOURCE)
def list_resources(request, filters: Query[ResourceFilterIn]):
    qs = selectors.search_resources(
        request.user,
        q=filters.q,
        provider=filters.provider,
        classification=filters.classification,
        share_type=filters.share_type,
    ).prefetch_related("items")
    start = (filters.page - 1) * filters.per_page
    page = list(qs[start : start + filters.per_page])
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "items": [resource_out(r) for r in page],
    }


@router.get(
    "/catalogue/resources/{code}",
    response={200: ResourceOut, **ERRORS},
    operation_id="sharing_get_resource",
    summary="查看信息资源及其信息项",
)
@require_perm(permissions.SHARING_VIEW_RESOURCE)
def get_resource(request, code: str):
    return resource_out(selectors.access_resource(request.user, code))


@router.post(
    "/catalogue/resources",
    response={201: ResourceOut, **ERRORS},
    operation_id="sharing_register_resource",
    summary="登记信息资源（提供部门）",
)
@require_perm(permissions.SHARING_MANAGE_RESOURCE)
def register_resource(request, payload: ResourceIn):
    provider = OrgUnit.objects.filter(pk=payload.provider_id, is_active=True).first()
    if provider is None:
        raise error(E.PROVIDER_NOT_DEPARTMENT, field="provider_id")
    data = payload.dict()
    data.pop("provider_id")
    items = data.pop("items")
    resource = catalogue.register_resource(
        actor=request.user, provider=provider, items=items, **data
    )
    return Status(201, resource_out(resource))


@router.post(
    "/catalogue/resources/{code}/publish",
    response={200: ResourceOut, **ERRORS},
    operation_id="sharing_publish_resource",
    summary="发布信息资源",
)
@require_perm(permissions.SHARING_MANAGE_RESOURCE)
def publish_resource(request, code: str):
    resource = selectors.access_resource(request.user, code)
    return resource_out(catalogue.publish_resource(actor=request.user, resource=resource))


@router.post(
    "/catalogue/resources/{code}/retire",
    response={200: ResourceOut, **ERRORS},
    operation_id="sharing_retire_resource",
    summary="停用信息资源",
)
@require_perm(permissions.SHARING_MANAGE_RESOURCE)
def retire_resource(request, code: str):
    resource = selectors.access_resource(request.user, code)
    return resource_out(catalogue.retire_resource(actor=request.user, resource=resource))
