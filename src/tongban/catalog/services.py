"""Writes of the service catalogue: versions and their publication, withdrawal, implementations.

Lifecycle of a version (one open — draft or submitted — version per item at a time)::

    draft ──submit──▶ submitted ──publish──▶ published ──(next publication)──▶ superseded
      ▲                   │
      └──────return───────┘

Only a draft can be edited; a published version never changes (a case keeps the version it
was filed under). Publishing moves ``item.current_version`` and supersedes the previous one.
Withdrawing an item (``is_withdrawn``) stops new applications; cases already filed continue.

Every function takes a keyword-only ``actor`` (``None`` = the system, e.g. the importer),
checks ``catalog.manage_item`` (see ``selectors``), runs in one transaction and writes its
audit event there. Each change of published data bumps the search revision.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.catalog import selectors
from tongban.catalog.errors import Errors
from tongban.catalog.models import (
    CatalogRevision,
    HandlingType,
    Implementation,
    ItemVersion,
    Material,
    ProcessStage,
    ServiceItem,
    StageTask,
)
from tongban.catalog.shared_data import licence_type_names
from tongban.core import audit, orgunits, permissions
from tongban.core.exceptions import DomainError, PermissionDenied

Status = ItemVersion.Status

# Fields of a version a draft edit may change.
EDITABLE_FIELDS = (
    "handling_type",
    "legal_days",
    "promised_days",
    "basis",
    "conditions",
    "process_description",
    "charges",
    "fee_amount",
    "fee_basis",
    "online",
    "max_visits",
    "consultation",
    "complaint",
    "halls_and_hours",
    "form_schema",
    "outputs",
    "change_note",
)
_COPIED_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "change_note")
MAX_DAYS = 365


# --- helpers ---------------------------------------------------------------------------------
def bump_revision() -> None:
    """Mark published catalogue data as changed (call inside the writing transaction)."""
    token = uuid.uuid4().hex
    updated = CatalogRevision.objects.filter(pk=1).update(token=token)
    if not updated:
        CatalogRevision.objects.create(pk=1, token=token)


def _check_manage_item(actor, item: ServiceItem) -> None:
    if actor is None or isinstance(actor, str):  # the system (importer, seed)
        return
    if not selectors.can_manage_item(actor, item):
        raise PermissionDenied(Errors.PERMISSION_DENIED, _("您无权维护该事项。"))


def _check_manage_implementation(actor, impl: Implementation) -> None:
    if actor is None or isinstance(actor, str):
        return
    if not permissions.has_perm_in(actor, permissions.CATALOG_MANAGE_ITEM, impl.org_unit):
        raise PermissionDenied(Errors.PERMISSION_DENIED, _("您无权维护该实施清单。"))


def _item_org_unit(item: ServiceItem):
    """The province department of the item (audit org unit of item-level events)."""
    return orgunits.department_unit(orgunits.PROVINCE_CODE, item.department_name)


def _require_draft(version: ItemVersion) -> None:
    if version.status != Status.DRAFT:
        raise DomainError(
            Errors.VERSION_NOT_EDITABLE,
            _("只能修改草稿版本；已提交或已发布的版本不可更改，请新建草稿。"),
        )


def _lock_version(version: ItemVersion) -> ItemVersion:
    return (
        ItemVersion.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=version.pk)
    )


def _lock_draft(version: ItemVersion) -> ItemVersion:
    """Lock the version row (transaction needed) and refuse unless it is still a draft."""
    version = _lock_version(version)
    _require_draft(version)
    return version


def _record_version_event(event_type: str, version: ItemVersion, *, actor, data: dict) -> None:
    """Audit an event of one item version (org unit: the item's province department)."""
    audit.record(
        event_type,
        actor=actor,
        target=version,
        org_unit=_item_org_unit(version.item),
        data=data,
    )


def _check_days(legal_days, promised_days) -> tuple[int, int]:
    try:
        legal, promised = int(legal_days), int(promised_days)
    except (TypeError, ValueError):
        raise DomainError(
            Errors.INVALID_VALUE, _("办结时限必须是整数工作日。"), "legal_days"
        ) from None
    if not (0 <= legal <= MAX_DAYS):
        raise DomainError(
            Errors.INVALID_VALUE, _("法定办结时限须在 0–365 个工作日之间。"), "legal_days"
        )
    if not (0 <= promised <= MAX_DAYS):
        raise DomainError(
            Errors.INVALID_VALUE, _("承诺办结时限须在 0–365 个工作日之间。"), "promised_days"
        )
    if promised > legal:
        raise DomainError(
            Errors.PROMISED_EXCEEDS_LEGAL,
            _("承诺办结时限不得超过法定办结时限。"),
            "promised_days",
        )
    return legal, promised


def _clean_version_fields(version: ItemVersion, changes: dict) -> dict:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            Errors.INVALID_VALUE, _("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    cleaned = dict(changes)
    if "handling_type" in cleaned and cleaned["handling_type"] not in HandlingType.values:
        raise DomainError(Errors.INVALID_VALUE, _("办件类型不正确。"), "handling_type")
    legal, promised = _check_days(
        cleaned.get("legal_days", version.legal_days),
        cleaned.get("promised_days", version.promised_days),
    )
    if "legal_days" in cleaned:
        cleaned["legal_days"] = legal
    if "promised_days" in cleaned:
        cleaned["promised_days"] = promised
    if "max_visits" in cleaned:
        try:
            visits = int(cleaned["max_visits"])
        except (TypeError, ValueError):
            visits = -1
        if not 0 <= visits <= 10:
            raise DomainError(Errors.INVALID_VALUE, _("到现场次数须在 0–10 之间。"), "max_visits")
        cleaned["max_visits"] = visits
    if "fee_amount" in cleaned:
        try:
            fee = Decimal(str(cleaned["fee_amount"]))
        except (InvalidOperation, ValueError):
            fee = Decimal(-1)
        if fee < 0 or fee >= Decimal("1e10"):
            raise DomainError(Errors.INVALID_VALUE, _("收费标准不正确。"), "fee_amount")
        cleaned["fee_amount"] = fee
    if "outputs" in cleaned:
        known = licence_type_names()
        outputs = list(cleaned["outputs"] or [])
        bad = [key for key in outputs if key not in known]
        if bad:
            raise DomainError(
                Errors.UNKNOWN_LICENCE_TYPE,
                _("未知的证照类型：%(keys)s") % {"keys": ", ".join(bad)},
                "outputs",
            )
        cleaned["outputs"] = outputs
    if "form_schema" in cleaned and not isinstance(cleaned["form_schema"], list):
        raise DomainError(Errors.INVALID_VALUE, _("申请表单格式不正确。"), "form_schema")
    return cleaned


def _clean_material(data: dict, known_licences: dict) -> dict:
    name = str(data.get("name") or "").strip()
    if not name:
        raise DomainError(Errors.MATERIAL_NAME_REQUIRED, _("请填写材料名称。"), "name")
    form = data.get("form") or Material.Form.ELECTRONIC
    if form not in Material.Form.values:
        raise DomainError(Errors.INVALID_VALUE, _("材料形式不正确。"), "form")
    try:
        copies = int(data.get("copies", 1))
    except (TypeError, ValueError):
        copies = 0
    if not 1 <= copies <= 20:
        raise DomainError(Errors.INVALID_VALUE, _("份数须在 1–20 之间。"), "copies")
    licence = str(data.get("licence_type_key") or "").strip()
    if licence and licence not in known_licences:
        raise DomainError(
            Errors.UNKNOWN_LICENCE_TYPE,
            _("未知的证照类型：%(key)s") % {"key": licence},
            "licence_type_key",
        )
    return {
        "name": name[:200],
        "form": form,
        "copies": copies,
        "required": bool(data.get("required", True)),
        "licence_type_key": licence,
    }


def _clean_stages(stages: list[dict]) -> list[dict]:
    if not stages:
        raise DomainError(Errors.PROCESS_INVALID, _("办理流程至少需要一个环节。"), "stages")
    cleaned = []
    for stage in stages:
        name = str(stage.get("name") or "").strip()
        tasks = stage.get("tasks") or []
        if not name or not tasks:
            raise DomainError(
                Errors.PROCESS_INVALID, _("每个环节须有名称和至少一个办理任务。"), "stages"
            )
        clean_tasks = []
        for task in tasks:
            task_name = str(task.get("name") or "").strip()
            department = str(task.get("department_name") or "").strip()
            role = str(task.get("role") or "approver").strip()
            if not task_name or not department:
                raise DomainError(
                    Errors.PROCESS_INVALID, _("每个任务须有名称和办理部门。"), "stages"
                )
            if role not in permissions.Role.values:
                raise DomainError(Errors.PROCESS_INVALID, _("办理角色不正确。"), "stages")
            clean_tasks.append(
                {"name": task_name[:64], "department_name": department[:64], "role": role}
            )
        cleaned.append({"name": name[:64], "tasks": clean_tasks})
    return cleaned


def _write_materials(version: ItemVersion, materials: list[dict]) -> None:
    Material.objects.bulk_create(
        Material(version=version, position=position, **data)
        for position, data in enumerate(materials, start=1)
    )


def _write_stages(version: ItemVersion, stages: list[dict]) -> None:
    for position, stage_data in enumerate(stages, start=1):
        stage = ProcessStage.objects.create(
            version=version, position=position, name=stage_data["name"]
        )
        StageTask.objects.bulk_create(
            StageTask(stage=stage, **task) for task in stage_data["tasks"]
        )


def _material_dicts(version: ItemVersion) -> list[dict]:
    return [
        {
            "name": m.name,
            "form": m.form,
            "copies": m.copies,
            "required": m.required,
            "licence_type_key": m.licence_type_key,
        }
        for m in version.materials.order_by("position", "id")
    ]


def _stage_dicts(version: ItemVersion) -> list[dict]:
    return [
        {
            "name": stage.name,
            "tasks": [
                {"name": t.name, "department_name": t.department_name, "role": t.role}
                for t in stage.tasks.order_by("id")
            ],
        }
        for stage in version.stages.order_by("position").prefetch_related("tasks")
    ]


# --- versions --------------------------------------------------------------------------------
def create_draft(item: ServiceItem, *, actor, change_note: str = "") -> ItemVersion:
    """A new draft copying the current version (elements, materials, process)."""
    _check_manage_item(actor, item)
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=item.pk)
        if selectors.open_version(item) is not None:
            raise DomainError(Errors.OPEN_VERSION_EXISTS, _("该事项已有未发布的草稿或待发布版本。"))
        source = item.current_version or item.versions.order_by("-number").first()
        if source is None:
            raise DomainError(Errors.NOTHING_TO_COPY, _("该事项尚无版本可复制。"))
        number = (item.versions.order_by("-number").values_list("number", flat=True).first()) + 1
        draft = ItemVersion.objects.create(
            item=item,
            number=number,
            status=Status.DRAFT,
            change_note=change_note[:200],
            created_by=actor if getattr(actor, "pk", None) else None,
            **{name: getattr(source, name) for name in _COPIED_FIELDS},
        )
        _write_materials(draft, _material_dicts(source))
        _write_stages(draft, _stage_dicts(source))
        audit.record(
            "catalog.item_version_drafted",
            actor=actor,
            target=draft,
            org_unit=_item_org_unit(item),
            data={"item": item.key, "number": number, "copied_from": source.number},
        )
    return draft


def update_version(version: ItemVersion, *, actor, **changes) -> ItemVersion:
    """Change elements of a draft (``EDITABLE_FIELDS``)."""
    _check_manage_item(actor, version.item)
    with transaction.atomic():
        version = _lock_draft(version)
        cleaned = _clean_version_fields(version, changes)
        old = {name: getattr(version, name) for name in cleaned}
        for name, value in cleaned.items():
            setattr(version, name, value)
        version.save(update_fields=list(cleaned) or None)
        changed = {name for name in cleaned if old[name] != cleaned[name]}
        _record_version_event(
            "catalog.item_version_updated",
            version,
            actor=actor,
            data={
                "old": {name: old[name] for name in sorted(changed)},
                "new": {name: cleaned[name] for name in sorted(changed)},
            },
        )
    return version


def set_materials(version: ItemVersion, materials: list[dict], *, actor) -> ItemVersion:
    """Replace the draft's materials: ``[{"name", "form", "copies", "required",
    "licence_type_key"}]`` in order."""
    _check_manage_item(actor, version.item)
    known = licence_type_names()
    cleaned = [_clean_material(data, known) for data in materials]
    with transaction.atomic():
        version = _lock_draft(version)
        old = _material_dicts(version)
        version.materials.all().delete()
        _write_materials(version, cleaned)
        _record_version_event(
            "catalog.item_materials_changed",
            version,
            actor=actor,
            data={"old": old, "new": cleaned},
        )
    return version


def add_material(version: ItemVersion, *, actor, **data) -> Material:
    _check_manage_item(actor, version.item)
    cleaned = _clean_material(data, licence_type_names())
    with transaction.atomic():
        version = _lock_draft(version)
        last = version.materials.order_by("-position").values_list("position", flat=True).first()
        material = Material.objects.create(version=version, position=(last or 0) + 1, **cleaned)
        _record_version_event(
            "catalog.item_material_added", version, actor=actor, data={"new": cleaned}
        )
    return material


def remove_material(material: Material, *, actor) -> None:
    version = material.version
    _check_manage_item(actor, version.item)
    with transaction.atomic():
        version = _lock_draft(version)
        name = material.name
        Material.objects.filter(pk=material.pk, version=version).delete()
        _record_version_event(
            "catalog.item_material_removed", version, actor=actor, data={"old": name}
        )


def set_process(version: ItemVersion, stages: list[dict], *, actor) -> ItemVersion:
    """Replace the draft's process: ``[{"name", "tasks": [{"name", "department_name",
    "role"}]}]``; the tasks of one stage run in parallel (并联审批)."""
    _check_manage_item(actor, version.item)
    cleaned = _clean_stages(stages)
    with transaction.atomic():
        version = _lock_draft(version)
        old = _stage_dicts(version)
        version.stages.all().delete()
        _write_stages(version, cleaned)
        _record_version_event(
            "catalog.item_process_changed", version, actor=actor, data={"old": old, "new": cleaned}
        )
    return version


def submit_version(version: ItemVersion, *, actor) -> ItemVersion:
    """draft → submitted (ready for publication)."""
    _check_manage_item(actor, version.item)
    with transaction.atomic():
        version = _lock_version(version)
        if version.status != Status.DRAFT:
            raise DomainError(Errors.VERSION_WRONG_STATE, _("只有草稿可以提交。"))
        if not version.stages.exists():
            raise DomainError(Errors.PROCESS_INVALID, _("办理流程至少需要一个环节。"), "stages")
        version.status = Status.SUBMITTED
        version.save(update_fields=["status"])
        _record_version_event(
            "catalog.item_version_submitted",
            version,
            actor=actor,
            data={"old": Status.DRAFT, "new": Status.SUBMITTED},
        )
    return version


def return_version(version: ItemVersion, *, actor, reason: str = "") -> ItemVersion:
    """submitted → draft (sent back for changes)."""
    _check_manage_item(actor, version.item)
    with transaction.atomic():
        version = _lock_version(version)
        if version.status != Status.SUBMITTED:
            raise DomainError(Errors.VERSION_WRONG_STATE, _("只有待发布的版本可以退回。"))
        version.status = Status.DRAFT
        version.save(update_fields=["status"])
        _record_version_event(
            "catalog.item_version_returned",
            version,
            actor=actor,
            data={"old": Status.SUBMITTED, "new": Status.DRAFT, "reason": reason[:200]},
        )
    return version


def discard_draft(version: ItemVersion, *, actor) -> None:
    _check_manage_item(actor, version.item)
    with transaction.atomic():
        version = _lock_draft(version)
        item, number = version.item, version.number
        audit.record(
            "catalog.item_version_discarded",
            actor=actor,
            target=version,
            org_unit=_item_org_unit(item),
            data={"item": item.key, "number": number},
        )
        version.delete()


def publish_version(version: ItemVersion, *, actor) -> ItemVersion:
    """submitted → published; the previous published version is superseded and the item's
    current version moves. Refused while an implementation's local legal limit exceeds the
    new legal limit (lower those first)."""
    _check_manage_item(actor, version.item)
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
        version = _lock_version(version)
        if version.status != Status.SUBMITTED:
            raise DomainError(Errors.VERSION_WRONG_STATE, _("只有待发布的版本可以发布，请先提交。"))
        over = list(
            item.implementations.filter(legal_days__gt=version.legal_days).values_list(
                "implementation_code", flat=True
            )[:5]
        )
        if over:
            raise DomainError(
                Errors.IMPLEMENTATIONS_EXCEED_LEGAL,
                _("以下实施清单的法定时限超过新版本的法定时限，请先调整：%(codes)s")
                % {"codes": "、".join(over)},
                "legal_days",
            )
        previous = item.current_version
        ItemVersion.objects.filter(item=item, status=Status.PUBLISHED).update(
            status=Status.SUPERSEDED
        )
        version.status = Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        item.current_version = version
        item.save(update_fields=["current_version", "updated_at"])
        bump_revision()
        audit.record(
            "catalog.item_version_published",
            actor=actor,
            target=version,
            org_unit=_item_org_unit(item),
            data={
                "item": item.key,
                "old": previous.number if previous else None,
                "new": version.number,
            },
        )
    return version


# --- items -------------------------------------------------------------------------------------
def withdraw_item(item: ServiceItem, *, actor, reason: str = "") -> ServiceItem:
    """Stop new applications (cases already filed continue under their version)."""
    _check_manage_item(actor, item)
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=item.pk)
        if item.is_withdrawn:
            raise DomainError(Errors.ITEM_ALREADY_WITHDRAWN, _("该事项已停止受理。"))
        item.is_withdrawn = True
        item.save(update_fields=["is_withdrawn", "updated_at"])
        bump_revision()
        audit.record(
            "catalog.item_withdrawn",
            actor=actor,
            target=item,
            org_unit=_item_org_unit(item),
            data={"old": False, "new": True, "reason": reason[:200]},
        )
    return item


def restore_item(item: ServiceItem, *, actor) -> ServiceItem:
    _check_manage_item(actor, item)
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().get(pk=item.pk)
        if not item.is_withdrawn:
            raise DomainError(Errors.ITEM_NOT_WITHDRAWN, _("该事项正在受理中。"))
        item.is_withdrawn = False
        item.save(update_fields=["is_withdrawn", "updated_at"])
        bump_revision()
        audit.record(
            "catalog.item_restored",
            actor=actor,
            target=item,
            org_unit=_item_org_unit(item),
            data={"old": True, "new": False},
        )
    return item


def require_open_for_application(implementation: Implementation) -> None:
    """Raise unless new applications may be filed under ``implementation`` (for the
    applications service: withdrawn items and inactive implementations refuse)."""
    item = implementation.item
    if item.is_withdrawn:
        raise DomainError(Errors.ITEM_WITHDRAWN, _("该事项已停止受理，暂不能申请。"))
    if item.current_version_id is None:
        raise DomainError(Errors.ITEM_NOT_PUBLISHED, _("该事项尚未发布。"))
    if not implementation.is_active:
        raise DomainError(Errors.IMPLEMENTATION_INACTIVE, _("该地区暂不受理此事项。"))


# --- implementations --------------------------------------------------------------------------
def _legal_limit(item: ServiceItem) -> int | None:
    version = item.current_version
    return version.legal_days if version is not None else None


def _check_implementation_days(item: ServiceItem, legal_days, promised_days) -> tuple[int, int]:
    legal, promised = _check_days(legal_days, promised_days)
    limit = _legal_limit(item)
    if limit is not None and legal > limit:
        raise DomainError(
            Errors.LEGAL_EXCEEDS_ITEM,
            _("实施清单的法定时限不得超过事项的法定时限（%(days)d 个工作日）。") % {"days": limit},
            "legal_days",
        )
    return legal, promised


def implementation_code(item: ServiceItem, org_unit) -> str:
    """实施编码 in the shape of STANDARDS §4 (segments inferred, unconfirmed):
    ``<basic code 14>-<division 12>-000-<implementing unit's USCC or 18 zeros>-1-00``."""
    division = (org_unit.division_code or "").ljust(12, "0")[:12]
    uscc = org_unit.uscc or "0" * 18
    return f"{item.basic_code}-{division}-000-{uscc}-1-00"


def create_implementation(
    item: ServiceItem, org_unit, *, actor, legal_days: int, promised_days: int, code: str = ""
) -> Implementation:
    if actor is not None and not isinstance(actor, str):
        if not permissions.has_perm_in(actor, permissions.CATALOG_MANAGE_ITEM, org_unit):
            raise PermissionDenied(Errors.PERMISSION_DENIED, _("您无权维护该实施清单。"))
    legal, promised = _check_implementation_days(item, legal_days, promised_days)
    with transaction.atomic():
        impl = Implementation.objects.create(
            item=item,
            org_unit=org_unit,
            implementation_code=code or implementation_code(item, org_unit),
            legal_days=legal,
            promised_days=promised,
        )
        ServiceItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        bump_revision()
        audit.record(
            "catalog.implementation_created",
            actor=actor,
            target=impl,
            data={"legal_days": legal, "promised_days": promised},
        )
    return impl


def update_implementation_limits(
    impl: Implementation, *, actor, legal_days: int, promised_days: int
) -> Implementation:
    """Local limits: promised ≤ legal ≤ the item's legal limit."""
    _check_manage_implementation(actor, impl)
    with transaction.atomic():
        impl = (
            Implementation.objects.select_for_update(of=("self",))
            .select_related("item__current_version", "org_unit")
            .get(pk=impl.pk)
        )
        legal, promised = _check_implementation_days(impl.item, legal_days, promised_days)
        old = {"legal_days": impl.legal_days, "promised_days": impl.promised_days}
        impl.legal_days, impl.promised_days = legal, promised
        impl.save(update_fields=["legal_days", "promised_days"])
        bump_revision()
        audit.record(
            "catalog.implementation_limits_changed",
            actor=actor,
            target=impl,
            data={"old": old, "new": {"legal_days": legal, "promised_days": promised}},
        )
    return impl


def set_implementation_active(impl: Implementation, *, actor, active: bool) -> Implementation:
    _check_manage_implementation(actor, impl)
    with transaction.atomic():
        impl = (
            Implementation.objects.select_for_update(of=("self",))
            .select_related("org_unit")
            .get(pk=impl.pk)
        )
        old = impl.is_active
        impl.is_active = bool(active)
        impl.save(update_fields=["is_active"])
        bump_revision()
        audit.record(
            "catalog.implementation_activated" if active else "catalog.implementation_deactivated",
            actor=actor,
            target=impl,
            data={"old": old, "new": impl.is_active},
        )
    return impl
