"""Licence types (电子证照目录, GB/T 36902/36903): import from the shared data file and
manage them in the console.

* ``import_licence_types(*, actor=None)`` reads ``settings.SHARED_DATA_DIR /
  "licence-types.yaml"`` at run time (the file is never copied into the app) and creates or
  updates one ``LicenceType`` per entry. Idempotent: a second run changes nothing. The type
  code is the defining authority's USCC + the 3-digit type number
  (``tongban.licences.field_schemas``); the field schema and render layout come from the same
  module. A field schema or activation edited in the console is kept by later imports.
* ``update_field_schema`` / ``set_type_active`` — console edits by department admins
  (``licences.manage_licence_type``) of their own department's types, audited.
* ``manageable_types(user)`` — the types a user may manage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tongban.core import audit, permissions
from tongban.core.codes import validate
from tongban.core.exceptions import DomainError, NotFound
from tongban.core.models import OrgUnit
from tongban.licences import field_schemas
from tongban.licences.errors_issuing import IssuingError
from tongban.licences.models import HolderType, LicenceType
from tongban.licences.permissions import LICENCES_MANAGE_TYPES

FIELD_TYPES = ("text", "textarea", "date", "number", "citizen-id", "uscc", "choice")
ROLES = ("", "holder_name", "holder_code", "licence_number")
FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def data_file() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "licence-types.yaml"


def load_type_rows(path: Path | None = None) -> list[dict]:
    try:
        with open(path or data_file(), encoding="utf-8") as handle:
            rows = yaml.safe_load(handle) or []
    except (OSError, yaml.YAMLError) as exc:
        raise DomainError(
            IssuingError.TYPE_DATA_INVALID, _("无法读取证照类型数据文件：%(err)s") % {"err": exc}
        ) from exc
    if not isinstance(rows, list):
        raise DomainError(IssuingError.TYPE_DATA_INVALID, _("证照类型数据文件格式不正确。"))
    return rows


@dataclass
class TypeImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def type_code_for(key: str, department: str, taken: set[str]) -> tuple[str, str, str]:
    """(type code, defining authority name, its USCC) of a type of the data file."""
    if department not in field_schemas.DEFINING_AUTHORITIES:
        raise DomainError(
            IssuingError.TYPE_DATA_INVALID,
            _("证照类型 %(key)s 的部门“%(dept)s”没有对应的证照定义机构。")
            % {"key": key, "dept": department},
        )
    authority, uscc = field_schemas.DEFINING_AUTHORITIES[department]
    number = field_schemas.TYPE_NUMBERS.get(key)
    if number is None:  # a type added to the data file later: the next free number
        used = {code[18:] for code in taken if code.startswith(uscc)}
        number = next(f"{n:03d}" for n in range(901, 1000) if f"{n:03d}" not in used)
    return uscc + number, authority, uscc


def _default_schema(holder: str) -> list[dict]:
    f = field_schemas.f
    if holder == HolderType.LEGAL:
        return [
            f("entity_name", "名称", source="entity.name", role="holder_name"),
            f("uscc", "统一社会信用代码", "uscc", source="entity.uscc", role="holder_code"),
        ]
    return [
        f("holder_name", "姓名", source="person.name", role="holder_name"),
        f("id_number", "公民身份号码", "citizen-id", source="person.id_number", role="holder_code"),
    ]


def _row_values(row: dict, code: str, authority: str, authority_uscc: str) -> dict:
    holder = row.get("holder")
    if holder not in HolderType.values:
        raise DomainError(
            IssuingError.TYPE_DATA_INVALID,
            _("证照类型 %(key)s 的持证主体类型不正确。") % {"key": row.get("key")},
        )
    schema = field_schemas.SCHEMAS.get(row["key"]) or _default_schema(holder)
    return {
        "code": code,
        "name": str(row["name"]),
        "defining_authority": authority,
        "defining_authority_uscc": authority_uscc,
        "department_name": str(row["department"]),
        "holder_type": holder,
        "validity_years": int(row.get("validity_years") or 0),
        "trust_level": LicenceType.TrustLevel.A,
        "field_schema": [dict(item) for item in schema],
        "layout": field_schemas.default_layout(str(row["name"]), schema),
    }


# Console edits survive re-imports: these are only set when a type is created.
KEPT_ON_UPDATE = ("field_schema", "layout")


def import_licence_types(*, actor=None, path: Path | None = None) -> TypeImportResult:
    """Create or update the licence types of the shared data file (idempotent, audited)."""
    rows = load_type_rows(path)
    result = TypeImportResult()
    with transaction.atomic():
        existing = {t.key: t for t in LicenceType.objects.select_for_update()}
        taken = {t.code for t in existing.values()}
        for row in rows:
            key = str(row.get("key") or "")
            if not key or not row.get("name") or not row.get("department"):
                raise DomainError(
                    IssuingError.TYPE_DATA_INVALID,
                    _("证照类型数据缺少 key、name 或 department：%(row)s") % {"row": row},
                )
            current = existing.get(key)
            if current is not None:
                code, authority, authority_uscc = (
                    current.code,
                    current.defining_authority,
                    current.defining_authority_uscc,
                )
            else:
                code, authority, authority_uscc = type_code_for(key, row["department"], taken)
            values = _row_values(row, code, authority, authority_uscc)
            if current is None:
                LicenceType.objects.create(key=key, **values)
                taken.add(code)
                result.created.append(key)
                continue
            dirty = [
                name
                for name, value in values.items()
                if name not in KEPT_ON_UPDATE and getattr(current, name) != value
            ]
            if dirty:
                for name in dirty:
                    setattr(current, name, values[name])
                current.save(update_fields=dirty)
                result.updated.append(key)
            else:
                result.unchanged.append(key)
        if result.changed:
            audit.record(
                "licences.licence_types_imported",
                actor=actor,
                target_type="licences.licencetype",
                target_label=_("证照类型目录"),
                data={"created": result.created, "updated": result.updated},
            )
    return result


# --- console ----------------------------------------------------------------------------------
def manageable_types(user) -> QuerySet[LicenceType]:
    """Types whose issuing department is one where ``user`` holds
    ``licences.manage_licence_type``; a role at province level reaches every type."""
    units = permissions.units_for(user, LICENCES_MANAGE_TYPES)
    if units.filter(kind=OrgUnit.Kind.PROVINCE).exists():
        return LicenceType.objects.all()
    names = set(units.filter(kind=OrgUnit.Kind.DEPARTMENT).values_list("name", flat=True))
    return LicenceType.objects.filter(department_name__in=names)


def access_type(user, key: str) -> LicenceType:
    licence_type = manageable_types(user).filter(key=key).first()
    if licence_type is None:
        raise NotFound(IssuingError.TYPE_NOT_FOUND, _("未找到该证照类型，或您无权管理。"))
    return licence_type


def _require_manager(actor, licence_type: LicenceType) -> None:
    if not manageable_types(actor).filter(pk=licence_type.pk).exists():
        permissions.check_perm(actor, LICENCES_MANAGE_TYPES)  # 401 when anonymous
        raise DomainError(
            permissions.Errors.PERMISSION_DENIED, _("您无权管理该证照类型。"), status=403
        )


def clean_field_schema(schema) -> list[dict]:
    """Check a field schema's shape; returns it normalised (or ``field_schema_invalid``)."""

    def bad(message):
        return DomainError(IssuingError.SCHEMA_INVALID, message, "field_schema")

    if not isinstance(schema, list) or not schema:
        raise bad(_("照面信息项应为非空列表。"))
    cleaned, names, roles = [], set(), []
    for index, item in enumerate(schema, start=1):
        if not isinstance(item, dict):
            raise bad(_("第 %(n)d 项格式不正确。") % {"n": index})
        name = str(item.get("name") or "").strip()
        label = str(item.get("label") or "").strip()
        type_ = str(item.get("type") or "text")
        role = str(item.get("role") or "")
        if not FIELD_NAME_RE.match(name):
            raise bad(_("第 %(n)d 项的名称应为小写英文字母、数字和下划线。") % {"n": index})
        if name in names:
            raise bad(_("信息项名称 %(name)s 重复。") % {"name": name})
        if not label:
            raise bad(_("第 %(n)d 项缺少显示名称。") % {"n": index})
        if type_ not in FIELD_TYPES:
            raise bad(_("第 %(n)d 项的类型 %(type)s 不受支持。") % {"n": index, "type": type_})
        if role not in ROLES:
            raise bad(_("第 %(n)d 项的用途 %(role)s 不受支持。") % {"n": index, "role": role})
        choices = [str(c) for c in item.get("choices") or []]
        if type_ == "choice" and not choices:
            raise bad(_("第 %(n)d 项为选择类型，须列出可选值。") % {"n": index})
        names.add(name)
        if role:
            roles.append(role)
        entry = {
            "name": name,
            "label": label,
            "type": type_,
            "required": bool(item.get("required", True)),
            "source": str(item.get("source") or ""),
        }
        if role:
            entry["role"] = role
        if choices:
            entry["choices"] = choices
        cleaned.append(entry)
    if len(roles) != len(set(roles)):
        raise bad(_("持证主体名称、代码和证照编号各只能对应一个信息项。"))
    return cleaned


def update_field_schema(licence_type: LicenceType, schema, *, actor) -> LicenceType:
    """Replace the type's field schema (and the layout's field order), audited."""
    _require_manager(actor, licence_type)
    cleaned = clean_field_schema(schema)
    with transaction.atomic():
        fresh = LicenceType.objects.select_for_update().get(pk=licence_type.pk)
        old = fresh.field_schema
        fresh.field_schema = cleaned
        layout = dict(fresh.layout or {})
        layout["field_order"] = [item["name"] for item in cleaned]
        fresh.layout = layout
        fresh.save(update_fields=["field_schema", "layout"])
        audit.record(
            "licences.licence_type_updated",
            actor=actor,
            target=fresh,
            data={"key": fresh.key, "old_field_schema": old, "new_field_schema": cleaned},
        )
    return fresh


def set_type_active(licence_type: LicenceType, active: bool, *, actor) -> LicenceType:
    """Activate or deactivate a type (inactive types cannot be issued), audited."""
    _require_manager(actor, licence_type)
    with transaction.atomic():
        fresh = LicenceType.objects.select_for_update().get(pk=licence_type.pk)
        if fresh.is_active == active:
            return fresh
        fresh.is_active = active
        fresh.save(update_fields=["is_active"])
        audit.record(
            "licences.licence_type_activated" if active else "licences.licence_type_deactivated",
            actor=actor,
            target=fresh,
            data={"key": fresh.key},
        )
    return fresh


def check_authority_codes() -> list[str]:
    """Demo authority USCCs that fail validation (empty when all are valid)."""
    return [
        uscc
        for _name, uscc in field_schemas.DEFINING_AUTHORITIES.values()
        if not validate("uscc", uscc).valid
    ]
