"""Import the demo catalogue from the shared province data.

``import_catalog(actor=None)`` reads ``service-items.yaml`` and ``licence-types.yaml`` from
``settings.SHARED_DATA_DIR`` at run time and creates, for every item:

* the ``ServiceItem`` with a **demo basic code** (基本编码): 14 characters
  ``44`` (province) + 2-digit power class (01 行政许可 … 11 公共服务, 12 行政备案) + 6 hex
  digits of the SHA-256 of the item key + ``0000``. Stable across runs and machines, but
  not a code from the real provincial catalogue (GB/T 39554.1 coding was not available);
* version 1, published, with the standard elements from the data file, its materials
  (``licence`` → ``licence_type_key``; ``optional: true`` → not required), its outputs,
  the application form (pre-filled from the person or company registry) and the process:
  stage 1 "审查" with a task for the item's department plus one task per joint department
  (并联审批, the same stage), stage 2 "决定" for the item's department;
* implementations (实施清单) in every region at the item's level — counties for county items
  (cities without counties, 东莞 and 中山, implement them at city level), cities for city
  items, the province for province items — by the department unit named like the item's
  department there; local limits = the data file's limits; implementation codes from
  :func:`tongban.catalog.services.implementation_code` (segments unconfirmed).

Plus the theme service "开办企业一件事" bundling company registration, seal engraving,
invoices and social-insurance enrolment when those items exist.

Idempotent: items that exist (by key) are left as they are (staff may have published newer
versions); only missing items, versions and implementations (e.g. for org units added
since) are created. A run that creates nothing writes no audit event.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.catalog.errors import Errors
from tongban.catalog.models import (
    Audience,
    HandlingType,
    Implementation,
    ItemType,
    ItemVersion,
    Level,
    Material,
    ProcessStage,
    ServiceItem,
    StageTask,
    ThemeService,
)
from tongban.catalog.services import bump_revision, implementation_code
from tongban.catalog.shared_data import load_licence_types, load_service_items
from tongban.core import audit, orgunits
from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit

# 2-digit power class of the demo basic code (STANDARDS §4; 公共服务/备案 are coded
# separately by platforms — 11 and 12 here).
TYPE_CODES = {
    ItemType.LICENSING: "01",
    ItemType.PAYMENT: "05",
    ItemType.CONFIRMATION: "07",
    ItemType.REWARD: "08",
    ItemType.ADJUDICATION: "09",
    ItemType.OTHER_POWER: "10",
    ItemType.PUBLIC_SERVICE: "11",
    ItemType.FILING: "12",
}

THEME_KEY = "business-startup"
THEME_NAME = "开办企业一件事"
THEME_ITEMS = [
    "company-registration",
    "seal-engraving-filing",
    "invoice-application",
    "social-insurance-enrolment",
]

DEMO_NOTE = "（演示数据，以各地公布的办事指南为准）"
CONSULTATION = "拨打 12345 政务服务便民热线，或到办理地点窗口咨询。"
COMPLAINT = "拨打 12345 政务服务便民热线，或在广东政务服务网对本事项作出“好差评”。"
HALLS_AND_HOURS = "各地政务服务中心综合受理窗口；法定工作日 9:00–12:00、14:00–17:30（节假日除外）。"


@dataclass
class ImportResult:
    items_created: int = 0
    versions_created: int = 0
    implementations_created: int = 0
    themes_created: int = 0
    items_total: int = 0
    by_level: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.items_created
            or self.versions_created
            or self.implementations_created
            or self.themes_created
        )


def basic_code_for(key: str, item_type: str) -> str:
    """Demo 14-character basic code (see the module docstring)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:6].upper()
    return f"44{TYPE_CODES.get(item_type, '99')}{digest}0000"


# --- application forms ------------------------------------------------------------------------
def _field(name, label, type_="text", *, required=True, source="", max_length=200):
    return {
        "name": name,
        "label": label,
        "type": type_,
        "required": required,
        "source": source,
        "choices": [],
        "max_length": max_length,
    }


NATURAL_FIELDS = [
    _field("applicant_name", "申请人姓名", source="person.name", max_length=64),
    _field("id_number", "公民身份号码", "id_number", source="person.id_number", max_length=18),
    _field("mobile", "手机号码", "mobile", source="person.phone", max_length=11),
    _field("address", "户籍地址", source="person.address"),
]
LEGAL_FIELDS = [
    _field("company_name", "单位名称", source="entity.name"),
    _field("uscc", "统一社会信用代码", "uscc", source="entity.uscc", max_length=18),
    _field("legal_rep_name", "法定代表人", source="entity.legal_rep_name", max_length=64),
    _field("company_address", "住所", source="entity.address"),
    _field("contact_name", "联系人", max_length=64),
    _field("contact_phone", "联系电话", "mobile", max_length=11),
]
# Applicant-typed fields of particular items.
EXTRA_FIELDS = {
    "sole-trader-registration": [
        _field("trade_name", "个体工商户名称", required=False, max_length=100),
        _field("business_premises", "经营场所"),
    ],
    "food-business-licence": [_field("business_premises", "经营场所")],
    "public-hygiene-licence": [_field("business_premises", "经营场所")],
    "drug-retail-licence": [_field("business_premises", "经营场所")],
    "school-transfer": [
        _field("student_name", "学生姓名", max_length=64),
        _field("target_school", "转入学校"),
    ],
    "household-transfer-in": [_field("target_address", "迁入地址")],
    "legal-aid": [_field("case_summary", "案情简述", "textarea", max_length=2000)],
}
NATURAL_DEFAULT_EXTRA = [_field("delivery_address", "送达地址", required=False)]


def form_schema_for(spec: dict) -> list[dict]:
    base = LEGAL_FIELDS if spec["audience"] == Audience.LEGAL else NATURAL_FIELDS
    extra = EXTRA_FIELDS.get(spec["key"])
    if extra is None:
        extra = [] if spec["audience"] == Audience.LEGAL else NATURAL_DEFAULT_EXTRA
    return [dict(f) for f in [*base, *extra]]


# --- validation --------------------------------------------------------------------------------
def _validate(specs: list[dict], licence_keys: set[str]) -> None:
    problems = []
    seen = set()
    for spec in specs:
        key = spec.get("key") or "?"
        if key in seen:
            problems.append(f"{key}: duplicate key")
        seen.add(key)
        if spec.get("type") not in ItemType.values:
            problems.append(f"{key}: type {spec.get('type')!r}")
        if spec.get("level") not in Level.values:
            problems.append(f"{key}: level {spec.get('level')!r}")
        if spec.get("audience") not in Audience.values:
            problems.append(f"{key}: audience {spec.get('audience')!r}")
        if spec.get("handling") not in HandlingType.values:
            problems.append(f"{key}: handling {spec.get('handling')!r}")
        if int(spec.get("promised_days", 0)) > int(spec.get("legal_days", 0)):
            problems.append(f"{key}: promised_days > legal_days")
        for material in spec.get("materials") or []:
            if material.get("licence") and material["licence"] not in licence_keys:
                problems.append(f"{key}: licence {material['licence']!r}")
        for output in spec.get("outputs") or []:
            if output not in licence_keys:
                problems.append(f"{key}: output {output!r}")
    if problems:
        raise DomainError(
            Errors.IMPORT_DATA_INVALID,
            _("事项数据文件有误：%(problems)s") % {"problems": "; ".join(problems[:10])},
        )


# --- creation ----------------------------------------------------------------------------------
def _conditions(spec: dict) -> str:
    who = {
        Audience.NATURAL: "具有完全民事行为能力的自然人（或其监护人、委托代理人）",
        Audience.LEGAL: "依法设立的法人或者其他组织（或其委托代理人）",
        Audience.BOTH: "自然人、法人或者其他组织（或其委托代理人）",
    }[spec["audience"]]
    return f"{who}，符合本事项法律法规规定的条件，申请材料齐全、符合法定形式。{DEMO_NOTE}"


def _basis(spec: dict) -> str:
    law = {
        ItemType.LICENSING: "《中华人民共和国行政许可法》",
        ItemType.FILING: "《优化营商环境条例》",
    }.get(spec["type"], "《广东省政务服务数据管理办法》")
    return f"{law}及本事项所涉法律、法规、规章的规定。{DEMO_NOTE}"


def _stages(spec: dict) -> list[dict]:
    department = spec["department"]
    review = [{"name": "审查", "department_name": department, "role": "approver"}]
    review += [
        {"name": f"并联审查（{joint}）", "department_name": joint, "role": "approver"}
        for joint in spec.get("joint") or []
    ]
    decide = [{"name": "决定", "department_name": department, "role": "approver"}]
    return [{"name": "审查", "tasks": review}, {"name": "决定", "tasks": decide}]


def _process_description(spec: dict) -> str:
    joint = spec.get("joint") or []
    review = "审查" + (f"（{spec['department']}与{'、'.join(joint)}并联审批）" if joint else "")
    return f"网上或窗口申请 → 受理 → {review} → 决定 → 办结送达"


def _create_version(item: ServiceItem, spec: dict, actor) -> ItemVersion:
    fee = Decimal(str(spec.get("fee") or 0))
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        status=ItemVersion.Status.PUBLISHED,
        handling_type=spec["handling"],
        legal_days=int(spec["legal_days"]),
        promised_days=int(spec["promised_days"]),
        basis=_basis(spec),
        conditions=_conditions(spec),
        process_description=_process_description(spec),
        charges=fee > 0,
        fee_amount=fee,
        fee_basis=spec.get("fee_basis") or "",
        online=int(spec.get("max_visits", 0)) < 2,
        max_visits=int(spec.get("max_visits", 0)),
        consultation=CONSULTATION,
        complaint=COMPLAINT,
        halls_and_hours=HALLS_AND_HOURS,
        form_schema=form_schema_for(spec),
        outputs=list(spec.get("outputs") or []),
        change_note="从省级事项目录导入",
        created_by=actor if getattr(actor, "pk", None) else None,
        published_at=timezone.now(),
    )
    Material.objects.bulk_create(
        Material(
            version=version,
            position=position,
            name=material["name"],
            form=Material.Form.ELECTRONIC,
            copies=1,
            required=not material.get("optional", False),
            licence_type_key=material.get("licence") or "",
        )
        for position, material in enumerate(spec.get("materials") or [], start=1)
    )
    for position, stage_spec in enumerate(_stages(spec), start=1):
        stage = ProcessStage.objects.create(
            version=version, position=position, name=stage_spec["name"]
        )
        StageTask.objects.bulk_create(
            StageTask(stage=stage, **task) for task in stage_spec["tasks"]
        )
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    return version


def _target_regions(level: str, regions: dict[str, list[OrgUnit]]) -> list[OrgUnit]:
    if level == Level.PROVINCE:
        return regions["province"]
    if level == Level.CITY:
        return regions["city"]
    return regions["county"]


def _regions() -> dict[str, list[OrgUnit]]:
    units = list(
        OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CITY, OrgUnit.Kind.COUNTY],
            is_active=True,
        ).order_by("code")
    )
    cities = [u for u in units if u.kind == OrgUnit.Kind.CITY]
    counties = [u for u in units if u.kind == OrgUnit.Kind.COUNTY]
    with_counties = {u.parent_id for u in counties}
    return {
        "province": [u for u in units if u.kind == OrgUnit.Kind.PROVINCE],
        "city": cities,
        # Cities without counties (东莞, 中山) implement county-level items themselves.
        "county": counties + [c for c in cities if c.pk not in with_counties],
    }


def _department_lookup() -> dict[str, OrgUnit]:
    return {
        unit.code: unit
        for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT, is_active=True)
    }


def _find_department(departments: dict, division: str, name: str) -> OrgUnit | None:
    """Like ``orgunits.department_unit`` without a query per region (厅/局 resolution)."""
    candidates = [orgunits.department_code(division, name)]
    if name.endswith("局"):
        candidates.append(orgunits.department_code(division, name[:-1] + "厅"))
    elif name.endswith("厅"):
        candidates.append(orgunits.department_code(division, name[:-1] + "局"))
    for code in candidates:
        if code in departments:
            return departments[code]
    return None


def import_catalog(*, actor=None) -> ImportResult:
    """Create the demo catalogue (idempotent). See the module docstring."""
    specs = load_service_items()
    licence_keys = {row["key"] for row in load_licence_types()}
    _validate(specs, licence_keys)
    result = ImportResult(items_total=len(specs))
    by_level: Counter = Counter()
    with transaction.atomic():
        existing = {
            item.key: item for item in ServiceItem.objects.select_related("current_version")
        }
        regions = _regions()
        departments = _department_lookup()
        implemented = set(Implementation.objects.values_list("item_id", "org_unit_id"))
        new_implementations = []
        for spec in specs:
            item = existing.get(spec["key"])
            if item is None:
                item = ServiceItem.objects.create(
                    key=spec["key"],
                    basic_code=basic_code_for(spec["key"], spec["type"]),
                    name=spec["name"],
                    item_type=spec["type"],
                    department_name=spec["department"],
                    level=spec["level"],
                    audience=spec["audience"],
                )
                existing[item.key] = item
                result.items_created += 1
            if not item.versions.exists():
                _create_version(item, spec, actor)
                result.versions_created += 1
            version = item.current_version
            legal = version.legal_days if version else int(spec["legal_days"])
            promised = min(int(spec["promised_days"]), legal)
            for region in _target_regions(spec["level"], regions):
                unit = _find_department(departments, region.division_code, spec["department"])
                if unit is None or (item.pk, unit.pk) in implemented:
                    continue
                implemented.add((item.pk, unit.pk))
                new_implementations.append(
                    Implementation(
                        item=item,
                        org_unit=unit,
                        implementation_code=implementation_code(item, unit),
                        legal_days=min(int(spec["legal_days"]), legal),
                        promised_days=promised,
                    )
                )
                by_level[spec["level"]] += 1
        Implementation.objects.bulk_create(new_implementations, batch_size=500)
        result.implementations_created = len(new_implementations)

        theme_items = [existing[key] for key in THEME_ITEMS if key in existing]
        if theme_items and not ThemeService.objects.filter(key=THEME_KEY).exists():
            theme = ThemeService.objects.create(
                key=THEME_KEY,
                name=THEME_NAME,
                description="一次申请，同步办理营业执照、公章刻制、发票申领和职工参保登记。",
            )
            theme.items.set(theme_items)
            result.themes_created = 1
        result.by_level = dict(by_level)
        if result.changed:
            bump_revision()
            audit.record(
                "catalog.catalog_imported",
                actor=actor,
                org_unit=orgunits.region_unit(orgunits.PROVINCE_CODE),
                target_type="catalog.serviceitem",
                target_label="政务服务事项目录",
                data={
                    "items_created": result.items_created,
                    "versions_created": result.versions_created,
                    "implementations_created": result.implementations_created,
                    "themes_created": result.themes_created,
                    "implementations_by_level": result.by_level,
                },
            )
    return result
