"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Endpoints (``format`` is ``json`` or ``xml``):

* ``GET discovery.{format}`` — service discovery (the spec's endpoint list);

* ``GET services.{format}`` — service list: one service per work-order type
  (``complaint``, ``consultation``, ``suggestion``, ``help``);
* ``GET services/{service_code}.{format}`` — service definition (attributes ``title``,
  ``district``, ``urgent``);
* ``POST requests.{format}`` — file a request (form-encoded, as the spec says; JSON is
  accepted too). ``api_key`` is a client-credentials access token with the
  ``servicedesk:open311`` scope, or one of ``settings.OPEN311_API_KEYS``. Required:
  ``service_code``, ``description``, a location (``lat`` + ``long`` or ``address_string``),
  and ``phone`` (the 12345 centre calls back). Answer: ``[{"service_request_id",
  "service_notice", "account_id"}]``;
* ``GET requests.{format}`` (``service_request_id`` comma list, or ``service_code``,
  ``status`` open|closed, ``start_date``/``end_date`` — default the last 90 days, at most
  1000) and ``GET requests/{service_request_id}.{format}`` — status.

``jurisdiction_id`` is optional; when given it is ``settings.OPEN311_JURISDICTION_ID`` or the
GB/T 2260 code of a city (its 12345 centre takes the request). Errors use the spec's format,
``[{"code": 400, "description": "…"}]``, with the same HTTP status.

Privacy (a decision where the spec is silent): the public status answers carry the
description with ID and mobile numbers masked and the address cut to its district; contact
data is never returned.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tongban.core.exceptions import DomainError
from tongban.core.masking import mask_address, mask_text
from tongban.core.models import OrgUnit
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.services import workorders as services

OPEN311_SCOPE = "servicedesk:open311"
MAX_REQUESTS = 1000
DEFAULT_DAYS = 90

SERVICES = {
    "complaint": ("投诉", "对行政机关、公共服务或市场主体的投诉（如噪音、油烟、乱收费）。"),
    "consultation": ("咨询", "政策、办事指南咨询。"),
    "suggestion": ("建议", "对政府工作和公共服务的意见建议。"),
    "help": ("求助", "需要政府部门协助解决的困难（紧急情况请拨打 110/119/120）。"),
}
ATTRIBUTES = [
    {
        "variable": True,
        "code": "title",
        "datatype": "string",
        "required": False,
        "datatype_description": "不超过 100 字",
        "order": 1,
        "description": "标题（不填则取描述的前 30 字）",
    },
    {
        "variable": True,
        "code": "district",
        "datatype": "string",
        "required": False,
        "datatype_description": "6 位行政区划代码，如 440106",
        "order": 2,
        "description": "问题所在区县",
    },
    {
        "variable": True,
        "code": "urgent",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "",
        "order": 3,
        "description": "是否紧急（紧急工单当日办结）",
        "values": [{"key": "false", "name": "否"}, {"key": "true", "name": "是"}],
    },
]


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


# --- rendering ----------------------------------------------------------------------------------
_XML_ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def _xml_value(parent, key, value):
    element = ElementTree.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(element, k, v)
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, key[:-1] if key.endswith("s") else "value", item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _render(payload, fmt: str, kind: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        if kind == "definition":
            root = ElementTree.Element("service_definition")
            _xml_value(root, "service_code", payload["service_code"])
            attributes = ElementTree.SubElement(root, "attributes")
            for attribute in payload["attributes"]:
                _xml_value(attributes, "attribute", attribute)
        else:
            root_name, item_name = _XML_ROOTS[kind]
            root = ElementTree.Element(root_name)
            for item in payload:
                _xml_value(root, item_name, item)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, "utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _error(fmt: str, code: int, description: str) -> HttpResponse:
    return _render([{"code": code, "description": str(description)}], fmt, "errors", code)


def open311_view(view):
    """Turn ``Open311Error`` and ``DomainError`` into the spec's error list."""

    def wrapper(request, *args, fmt="json", **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.code, exc.description)
        except DomainError as exc:
            return _error(fmt, exc.status, exc.message)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- helpers ------------------------------------------------------------------------------------
def _jurisdiction_division(request_data) -> str:
    """The city division of ``jurisdiction_id`` ('' for the whole endpoint)."""
    jurisdiction = (request_data.get("jurisdiction_id") or "").strip()
    if not jurisdiction or jurisdiction == settings.OPEN311_JURISDICTION_ID:
        return ""
    if OrgUnit.objects.filter(code=jurisdiction, kind=OrgUnit.Kind.CITY, is_active=True).exists():
        return jurisdiction
    raise Open311Error(404, "jurisdiction_id not found（未知的受理地区）")


def _client_name(api_key: str) -> str:
    api_key = (api_key or "").strip()
    if not api_key:
        raise Open311Error(403, "api_key required（缺少 api_key）")
    for key in settings.OPEN311_API_KEYS:
        if key and hmac.compare_digest(key.encode(), api_key.encode()):
            return f"open311:key-{key[:4]}"
    from tongban.identity.oidc.auth import check_client_token

    try:
        application = check_client_token(api_key, [OPEN311_SCOPE])
    except DomainError:
        raise Open311Error(403, "api_key invalid（api_key 无效或已过期）") from None
    return f"open311:{application.name or application.client_id}"[:100]


def _service_request(order: WorkOrder) -> dict:
    closed = order.status in WorkOrder.DONE_STATUSES
    notes = mask_text(order.reply) if closed else str(order.get_status_display())
    if order.master_id and not closed:
        notes = f"已并入工单 {order.master.number} 一并办理"
    expected = timezone.make_aware(datetime.combine(order.deadline, time(23, 59, 59)))
    return {
        "service_request_id": order.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": SERVICES.get(order.kind, ("",))[0],
        "service_code": order.kind,
        "description": mask_text(order.content),
        "agency_responsible": order.org_unit.full_name if order.org_unit_id else "12345热线",
        "service_notice": "",
        "requested_datetime": timezone.localtime(order.accepted_at).isoformat(),
        "updated_datetime": timezone.localtime(order.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(expected).isoformat(),
        "address": mask_address(order.location),
        "address_id": "",
        "zipcode": "",
        # rounded to about 100 m: a public list must not point at someone's door
        "lat": round(float(order.latitude), 3) if order.latitude is not None else None,
        "long": round(float(order.longitude), 3) if order.longitude is not None else None,
        "media_url": "",
    }


def _decimal(value, low, high, name):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Open311Error(400, f"{name} is not a number") from None
    if not (low <= number <= high):
        raise Open311Error(400, f"{name} out of range")
    return number.quantize(Decimal("0.000001"))


def _request_data(request) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise Open311Error(400, "request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Open311Error(400, "request body must be an object")
        return {k: ("" if v is None else str(v)) for k, v in data.items()}
    return {k: request.POST.get(k, "") for k in request.POST}


# --- endpoints ----------------------------------------------------------------------------------
DISCOVERY_CHANGESET = "2026-11-23T00:00:00+08:00"


@require_GET
@open311_view
def discovery(request, fmt):
    base = request.build_absolute_uri("./").rstrip("/")
    payload = {
        "changeset": DISCOVERY_CHANGESET,
        "contact": "12345 政务服务便民热线",
        "key_service": "api_key：客户端凭证访问令牌（servicedesk:open311）或平台分配的密钥",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": DISCOVERY_CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    if fmt == "xml":
        root = ElementTree.Element("discovery")
        for key in ("changeset", "contact", "key_service"):
            _xml_value(root, key, payload[key])
        endpoints = ElementTree.SubElement(root, "endpoints")
        for endpoint in payload["endpoints"]:
            element = ElementTree.SubElement(endpoints, "endpoint")
            for key in ("specification", "url", "changeset", "type"):
                _xml_value(element, key, endpoint[key])
            formats = ElementTree.SubElement(element, "formats")
            for value in endpoint["formats"]:
                _xml_value(formats, "format", value)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, "utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return _render(payload, fmt, "discovery")


@require_GET
@open311_view
def service_list(request, fmt):
    _jurisdiction_division(request.GET)
    services_out = [
        {
            "service_code": code,
            "service_name": name,
            "description": description,
            "metadata": True,
            "type": "batch",
            "keywords": "12345",
            "group": "12345热线",
        }
        for code, (name, description) in SERVICES.items()
    ]
    return _render(services_out, fmt, "services")


@require_GET
@open311_view
def service_definition(request, service_code, fmt):
    _jurisdiction_division(request.GET)
    if service_code not in SERVICES:
        raise Open311Error(404, "service_code not found（未知的服务代码）")
    return _render({"service_code": service_code, "attributes": ATTRIBUTES}, fmt, "definition")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests_view(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


def _create_request(request, fmt):
    data = _request_data(request)
    client = _client_name(data.get("api_key", ""))
    city = _jurisdiction_division(data)
    service_code = (data.get("service_code") or "").strip()
    if not service_code:
        raise Open311Error(400, "service_code required（缺少服务代码）")
    if service_code not in SERVICES:
        raise Open311Error(404, "service_code not found（未知的服务代码）")
    latitude = _decimal(data.get("lat"), -90, 90, "lat")
    longitude = _decimal(data.get("long"), -180, 180, "long")
    address = (data.get("address_string") or "").strip()
    if (latitude is None or longitude is None) and not address:
        raise Open311Error(400, "lat/long or address_string required（缺少位置）")
    phone = (data.get("phone") or "").strip()
    if not phone:
        raise Open311Error(400, "phone required（需填写联系电话，便于回访）")
    district = (data.get("attribute[district]") or "").strip()
    if district and city and district[:4] != city[:4]:
        raise Open311Error(400, "attribute[district] is not in jurisdiction_id")
    name = " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p)
    order = services.create_work_order(
        actor=client,
        kind=service_code,
        channel=WorkOrder.Channel.OPEN311,
        title=data.get("attribute[title]", ""),
        content=data.get("description", ""),
        contact_name=name.strip(),
        contact_mobile=phone,
        division_code=district or city,
        location=address or f"{latitude},{longitude}",
        latitude=latitude,
        longitude=longitude,
        is_urgent=(data.get("attribute[urgent]") or "").lower() == "true",
        service_code=service_code,
        open311_client=client,
        source_ref=(data.get("device_id") or data.get("account_id") or "")[:100],
    )
    notice = f"已受理，办理时限至 {order.deadline:%Y-%m-%d}。"
    if order.master_id:
        notice += f"同一问题已有工单 {order.master.number}，将一并答复。"
    answer = [{"service_request_id": order.number, "service_notice": notice, "account_id": None}]
    return _render(answer, fmt, "requests", 201)


def _date_param(value, name):
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise Open311Error(400, f"{name} must be a W3C date-time")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _list_requests(request, fmt):
    params = request.GET
    city = _jurisdiction_division(params)
    # the public list holds what was filed through Open311, never the hotline's other channels
    orders = WorkOrder.objects.select_related("org_unit__parent", "master").filter(
        channel=WorkOrder.Channel.OPEN311
    )
    if city:
        orders = orders.filter(hotline_unit__code=city)
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        orders = orders.filter(number__in=ids[:MAX_REQUESTS])
    else:
        if params.get("service_code"):
            orders = orders.filter(kind=params["service_code"])
        status = params.get("status", "")
        if status:
            done = list(WorkOrder.DONE_STATUSES)
            if status == "closed":
                orders = orders.filter(status__in=done)
            elif status == "open":
                orders = orders.exclude(status__in=done)
            else:
                raise Open311Error(400, "status must be open or closed")
        end = _date_param(params.get("end_date"), "end_date") or timezone.now()
        start = _date_param(params.get("start_date"), "start_date") or end - timedelta(
            days=DEFAULT_DAYS
        )
        orders = orders.filter(accepted_at__gte=start, accepted_at__lte=end)
    orders = orders.order_by("-accepted_at", "-id")[:MAX_REQUESTS]
    return _render([_service_request(o) for o in orders], fmt, "requests")


@require_GET
@open311_view
def request_detail(request, service_request_id, fmt):
    city = _jurisdiction_division(request.GET)
    orders = WorkOrder.objects.select_related("org_unit__parent", "master")
    if city:
        orders = orders.filter(hotline_unit__code=city)
    order = orders.filter(number=service_request_id).first()
    if order is None:
        raise Open311Error(404, "service_request_id not found（未找到该工单）")
    return _render([_service_request(order)], fmt, "requests")
