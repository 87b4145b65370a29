"""Sharing gateway API — /api/v1/sharing/gateway/… (共享交换).

Called by consumer systems with a client-credentials token holding ``sharing:gateway``
(``POST /o/token/`` with the system's client id and secret). Every call states its
``purpose`` and, when the grant requires it, a case number ``reference``; every call, served
or refused, is recorded in the chained access log.

- ``GET  /gateway/resources/{code}/records/{key}`` — one record by the resource's lookup key
  (e.g. the ID number of the 人口 resource).
- ``POST /gateway/resources/{code}/query`` — rows by equality filters on granted items (only
  under a grant whose row scope allows bulk queries).

Error codes: 401 ``token_missing`` / ``token_invalid``; 403 ``insufficient_scope``,
``not_a_consumer_system``, ``no_grant``, ``grant_expired``, ``grant_revoked``,
``item_not_granted``, ``bulk_not_allowed``, ``filter_not_granted``, ``system_suspended``;
400 ``purpose_required``, ``reference_required``, ``key_invalid``; 404
``resource_not_found``, ``record_not_found``; 429 ``rate_limited``; 503
``backing_unavailable``; 422 request shape errors.
"""

from typing import Any

from ninja import Field, Query, Router, Schema

from tongban.core.schemas import ErrorOut
from tongban.identity.oidc.auth import ClientCredentialsBearer
from tongban.sharing.services import gateway
from tongban.sharing.services.consumers import GATEWAY_SCOPE

router = Router(tags=["sharing: gateway"], auth=ClientCredentialsBearer(scopes=[GATEWAY_SCOPE]))

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut, 503: ErrorOut}


class LookupIn(Schema):
    purpose: str = Field(
        ..., max_length=200, description="用途，例如“最低生活保障家庭经济状况核对”"
    )
    reference: str = Field("", max_length=64, description="办件编号（授权要求时必填）")
    items: str = Field("", description="需要的信息项，逗号分隔；默认为全部已授权信息项")


class QueryIn(Schema):
    purpose: str = Field(..., max_length=200)
    reference: str = Field("", max_length=64)
    filters: dict[str, str] = Field(
        ..., description='信息项等值条件，如 {"division_code": "440106"}'
    )
    items: list[str] = Field(default_factory=list)
    limit: int = Field(20, ge=1, le=gateway.MAX_LIMIT)
    offset: int = Field(0, ge=0)


class RecordsOut(Schema):
    resource: str = Field(..., description="资源代码")
    items: list[str]
    count: int = Field(..., description="符合条件的记录总数")
    records: list[dict[str, Any]] = Field(..., description="按授权脱敏后的记录")
    log_seq: int = Field(..., description="本次调用在共享调用日志中的序号")


def _out(result: gateway.GatewayResult) -> dict:
    return {
        "resource": result.resource.code,
        "items": result.items,
        "count": result.total,
        "records": result.rows,
        "log_seq": result.entry.seq,
    }


@router.get(
    "/gateway/resources/{code}/records/{key}",
    response={200: RecordsOut, **ERRORS},
    operation_id="sharing_get_record",
    summary="按关键字查询一条共享数据",
)
def get_record(request, code: str, key: str, params: Query[LookupIn]):
    items = [i.strip() for i in params.items.split(",") if i.strip()] or None
    result = gateway.lookup(
        application=request.auth,
        resource_code=code,
        key=key,
        purpose=params.purpose,
        reference=params.reference,
        items=items,
    )
    return _out(result)


@router.post(
    "/gateway/resources/{code}/query",
    response={200: RecordsOut, **ERRORS},
    operation_id="sharing_query_records",
    summary="按条件批量查询共享数据",
)
def query_records(request, code: str, payload: QueryIn):
    result = gateway.query(
        application=request.auth,
        resource_code=code,
        filters=payload.filters,
        purpose=payload.purpose,
        reference=payload.reference,
        items=payload.items or None,
        limit=payload.limit,
        offset=payload.offset,
    )
    return _out(result)
