"""Writes of the resource catalogue: departments register, publish and retire resources.

The base registries are resources of their departments out of the box:
``ensure_registry_resources(division_code)`` registers (idempotently) the region's 公安
population resource and 市场监督管理 legal-entity resource, each serving the registry rows of
its own region (谁主管谁提供谁负责).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core import audit, orgunits, webhooks
from tongban.core import permissions as core_permissions
from tongban.core.models import OrgUnit
from tongban.sharing import permissions
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.models import DataItem, Resource
from tongban.sharing.services import sources

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,63}$")
CLASSIFICATION_RE = re.compile(r"^\d(\d{2}(\d{3}\d*)?)?$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class ItemSpec:
    key: str
    name: str
    type: str = DataItem.Type.STRING
    length: int | None = None
    sensitivity: str = DataItem.Sensitivity.INTERNAL
    required: bool = False


def _check_manager(actor, provider: OrgUnit) -> None:
    if provider is None or provider.kind != OrgUnit.Kind.DEPARTMENT:
        raise error(E.PROVIDER_NOT_DEPARTMENT, field="provider")
    if actor is not None:
        core_permissions.check_perm(actor, permissions.SHARING_MANAGE_RESOURCE, provider)


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise error(E.CHOICE_INVALID, field=field)
    return value


def clean_items(items) -> list[ItemSpec]:
    specs, seen = [], set()
    for raw in items or []:
        spec = raw if isinstance(raw, ItemSpec) else ItemSpec(**raw)
        name = (spec.name or "").strip()
        if not KEY_RE.match(spec.key or "") or not name or len(name) > 100:
            raise error(E.ITEM_INVALID, field="items", message=f"信息项格式不正确：{spec.key}")
        if (
            spec.type not in DataItem.Type.values
            or spec.sensitivity not in DataItem.Sensitivity.values
        ):
            raise error(
                E.ITEM_INVALID, field="items", message=f"信息项类型或敏感级别无效：{spec.key}"
            )
        if spec.length is not None and not (0 < int(spec.length) <= 100000):
            raise error(E.ITEM_INVALID, field="items", message=f"信息项长度无效：{spec.key}")
        if spec.key in seen:
            raise error(E.ITEM_DUPLICATE, field="items")
        seen.add(spec.key)
        specs.append(
            ItemSpec(spec.key, name, spec.type, spec.length, spec.sensitivity, bool(spec.required))
        )
    if not specs:
        raise error(E.ITEMS_REQUIRED, field="items")
    return specs


def _resource_data(resource: Resource) -> dict:
    return {
        "code": resource.code,
        "name": resource.name,
        "classification": resource.classification,
        "share_type": resource.share_type,
        "open_type": resource.open_type,
        "backing": resource.backing,
        "status": resource.status,
        "items": resource.item_keys(),
    }


def register_resource(
    *,
    actor,
    provider: OrgUnit,
    code: str,
    name: str,
    classification: str,
    items,
    share_type: str,
    backing: str,
    summary: str = "",
    format: str = "",
    share_conditions: str = "",
    legal_basis: str = "",
    open_type: str = Resource.OpenType.CLOSED,
    update_cycle: str = Resource.UpdateCycle.IRREGULAR,
    released_on=None,
    related_codes=(),
    topic: str = "",
    lookup_key: str = "",
    api_url: str = "",
    publish: bool = False,
) -> Resource:
    """Register a resource of ``provider`` with its data items (draft unless ``publish``)."""
    _check_manager(actor, provider)
    code = (code or "").strip()
    name = (name or "").strip()
    if not CODE_RE.match(code):
        raise error(E.RESOURCE_CODE_INVALID, field="code")
    if not name or len(name) > 200:
        raise error(E.RESOURCE_NAME_REQUIRED, field="name")
    classification = (classification or "").strip()
    if not CLASSIFICATION_RE.match(classification) or len(classification) > 32:
        raise error(E.CLASSIFICATION_INVALID, field="classification")
    _choice(share_type, Resource.ShareType, "share_type")
    _choice(open_type, Resource.OpenType, "open_type")
    _choice(update_cycle, Resource.UpdateCycle, "update_cycle")
    _choice(backing, Resource.Backing, "backing")
    if share_type == Resource.ShareType.NONE and not (legal_basis or "").strip():
        raise error(E.LEGAL_BASIS_REQUIRED, field="legal_basis")
    api_url = (api_url or "").strip()
    if backing == Resource.Backing.HTTP_API:
        if webhooks.validate_url(
            api_url, require_https=settings.PRODUCTION, allow_private=sources.allow_private()
        ):
            raise error(E.API_URL_INVALID, field="api_url")
    else:
        api_url = ""
    specs = clean_items(items)
    if lookup_key and lookup_key not in {s.key for s in specs}:
        raise error(E.LOOKUP_KEY_INVALID, field="lookup_key")
    related = [c.strip() for c in related_codes or [] if c and c.strip()]
    with transaction.atomic():
        if Resource.objects.filter(code=code).exists():
            raise error(E.RESOURCE_CODE_TAKEN, field="code")
        known = set(Resource.objects.filter(code__in=related).values_list("code", flat=True))
        if set(related) - known:
            raise error(E.RELATED_CODE_UNKNOWN, field="related_codes")
        resource = Resource.objects.create(
            code=code,
            name=name,
            classification=classification,
            provider=provider,
            summary=summary or "",
            format=format or "",
            share_type=share_type,
            share_conditions=share_conditions or "",
            legal_basis=legal_basis or "",
            open_type=open_type,
            update_cycle=update_cycle,
            released_on=released_on or (timezone.localdate() if publish else None),
            related_codes=related,
            backing=backing,
            status=Resource.Status.PUBLISHED if publish else Resource.Status.DRAFT,
            topic=topic or "",
            lookup_key=lookup_key or "",
            api_url=api_url,
        )
        DataItem.objects.bulk_create(
            DataItem(
                resource=resource,
                key=s.key,
                name=s.name,
                type=s.type,
                length=s.length,
                sensitivity=s.sensitivity,
                required=s.required,
                position=i,
            )
            for i, s in enumerate(specs, start=1)
        )
        audit.record(
            "sharing.resource_registered",
            actor=actor,
            target=resource,
            org_unit=provider,
            data=_resource_data(resource),
        )
    return resource


_TRANSITIONS = {
    "publish": ({Resource.Status.DRAFT, Resource.Status.RETIRED}, Resource.Status.PUBLISHED),
    "retire": ({Resource.Status.PUBLISHED}, Resource.Status.RETIRED),
}


def _transition(*, actor, resource: Resource, action: str, event: str) -> Resource:
    allowed, new = _TRANSITIONS[action]
    _check_manager(actor, resource.provider)
    with transaction.atomic():
        old = resource.status
        updates = {"status": new, "updated_at": timezone.now()}
        if new == Resource.Status.PUBLISHED and resource.released_on is None:
            updates["released_on"] = timezone.localdate()
        if Resource.objects.filter(pk=resource.pk, status__in=allowed).update(**updates) != 1:
            raise error(E.ILLEGAL_RESOURCE_TRANSITION)
        resource.refresh_from_db()
        audit.record(
            event,
            actor=actor,
            target=resource,
            org_unit=resource.provider,
            data={"old": old, "new": new},
        )
    return resource


def publish_resource(*, actor, resource: Resource) -> Resource:
    return _transition(
        actor=actor, resource=resource, action="publish", event="sharing.resource_published"
    )


def retire_resource(*, actor, resource: Resource) -> Resource:
    return _transition(
        actor=actor, resource=resource, action="retire", event="sharing.resource_retired"
    )


# --- the base registries as resources -----------------------------------------------------
PERSON_ITEMS = [
    ItemSpec("id_number", "公民身份号码", "string", 18, "personal", True),
    ItemSpec("name", "姓名", "string", 64, "personal", True),
    ItemSpec("gender", "性别", "string", 1, "personal"),
    ItemSpec("birth_date", "出生日期", "date", None, "personal"),
    ItemSpec("division_code", "户籍地行政区划", "string", 6, "internal"),
    ItemSpec("address", "户籍地址", "string", 200, "personal"),
    ItemSpec("phone", "手机号码", "string", 11, "personal"),
    ItemSpec("status", "人口状态", "string", 16, "internal"),
]
ENTITY_ITEMS = [
    ItemSpec("uscc", "统一社会信用代码", "string", 18, "public", True),
    ItemSpec("name", "名称", "string", 200, "public", True),
    ItemSpec("entity_type", "主体类型", "string", 32, "public"),
    ItemSpec("legal_rep_name", "法定代表人", "string", 64, "public"),
    ItemSpec("legal_rep_id_number", "法定代表人身份证号", "string", 18, "personal"),
    ItemSpec("address", "住所", "string", 200, "public"),
    ItemSpec("division_code", "登记地行政区划", "string", 6, "public"),
    ItemSpec("status", "登记状态", "string", 16, "public"),
    ItemSpec("established_date", "成立日期", "date", None, "public"),
    ItemSpec("registered_capital", "注册资本（万元）", "decimal", None, "public"),
    ItemSpec("business_scope", "经营范围", "string", None, "public"),
]
# (backing, department, code suffix, name, classification, share type, lookup key, items)
REGISTRY_RESOURCES = [
    (
        Resource.Backing.PERSON_REGISTRY,
        "公安局",
        "GA-RK-0001",
        "人口基础信息",
        "101001",
        Resource.ShareType.CONDITIONAL,
        "id_number",
        PERSON_ITEMS,
    ),
    (
        Resource.Backing.ENTITY_REGISTRY,
        "市场监督管理局",
        "SJ-FR-0001",
        "法人基础信息",
        "102001",
        Resource.ShareType.UNCONDITIONAL,
        "uscc",
        ENTITY_ITEMS,
    ),
]


def registry_resource_code(division_code: str, suffix: str) -> str:
    return f"{division_code}-{suffix}"


def ensure_registry_resources(division_code: str, *, actor=None) -> list[Resource]:
    """Register (once) the region's population and legal-entity resources, published."""
    region = orgunits.region_unit(division_code)
    created = []
    for (
        backing,
        department,
        suffix,
        name,
        classification,
        share_type,
        key,
        items,
    ) in REGISTRY_RESOURCES:
        provider = orgunits.department_unit(division_code, department)
        code = registry_resource_code(division_code, suffix)
        if provider is None or Resource.objects.filter(code=code).exists():
            continue
        created.append(
            register_resource(
                actor=actor,
                provider=provider,
                code=code,
                name=f"{region.name if region else ''}{name}",
                classification=classification,
                items=items,
                share_type=share_type,
                backing=backing,
                summary=f"{provider.full_name}负责的{name}（来自{Resource.Backing(backing).label}），"
                "覆盖本行政区域内的记录。",
                format="数据库/接口",
                share_conditions="依职能按需共享，须写明权责事项和用途"
                if share_type == Resource.ShareType.CONDITIONAL
                else "",
                legal_basis="《国务院关于印发政务信息资源共享管理暂行办法的通知》（国发〔2016〕51号）",
                update_cycle=Resource.UpdateCycle.REALTIME,
                lookup_key=key,
                publish=True,
            )
        )
    return created
