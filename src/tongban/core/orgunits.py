"""Org units: seeding the province's tree, and reading it.

Tree (``OrgUnit.parent`` / materialised ``path``)::

    440000 广东省                               kind=province
      440000-市场监督管理局 (广东省市场监督管理局)    kind=department
      440100 广州市                             kind=city
        440100-公安局 (广州市公安局)                kind=department
        440106 天河区                           kind=county
          440106-公安局 (天河区公安局)              kind=department

Codes: a region unit's code is its GB/T 2260 division code; a department unit's code is
``"<division code>-<department name>"`` (e.g. ``440100-市场监督管理局``). The name is the
department as written in the service-item catalogue (``service-items.yaml``), without the
region prefix; ``OrgUnit.full_name`` adds the region ("广州市市场监督管理局").

Which departments exist where: every department named in the catalogue (as implementing
department or as a joint, 并联审批, department) exists at the level of each of its items and
every level above it. An item's ``level`` is the lowest level that implements it, so:

- province: all departments;
- city (21 cities): departments with an item at city or county level;
- county (current county-level divisions of each city): departments with a county-level item.
  东莞 and 中山 have no counties, so their city-level departments handle county-level items.

Province naming: where the catalogue names both ``X厅`` and ``X局`` (司法厅 / 司法局), the
province has only ``X厅`` and :func:`department_unit` resolves ``X局`` there to it. Names are
never invented: a province department is the catalogue name (广东省市场监督管理局).
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from tongban.core import audit
from tongban.core.codes import divisions
from tongban.core.models import OrgUnit

PROVINCE_CODE = "440000"
LEVELS = ("province", "city", "county")
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    division_code: str
    parent_code: str | None


@dataclass(frozen=True)
class SeedResult:
    created: int
    updated: int
    total: int
    created_by_kind: dict


# --- reading the shared data ---------------------------------------------------------------
def _data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR)


def load_service_items(data_dir: Path | None = None) -> list[dict]:
    with open((data_dir or _data_dir()) / "service-items.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def load_cities(data_dir: Path | None = None) -> list[tuple[str, str]]:
    """(code, name) of the province's cities from ``divisions-guangdong.csv``."""
    with open((data_dir or _data_dir()) / "divisions-guangdong.csv", encoding="utf-8") as handle:
        return [
            (row["code"], row["name"]) for row in csv.DictReader(handle) if row["level"] == "city"
        ]


def load_province_name(data_dir: Path | None = None) -> str:
    with open((data_dir or _data_dir()) / "divisions-guangdong.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"] == PROVINCE_CODE:
                return row["name"]
    return "广东省"


def department_plan(items: list[dict]) -> dict[str, list[str]]:
    """Department names per level (``{"province": [...], "city": [...], "county": [...]}``)."""
    lowest: dict[str, int] = {}
    for item in items:
        rank = _LEVEL_RANK[item["level"]]
        for name in [item["department"], *(item.get("joint") or [])]:
            lowest[name] = max(lowest.get(name, 0), rank)
    plan = {
        level: sorted(name for name, rank in lowest.items() if rank >= _LEVEL_RANK[level])
        for level in LEVELS
    }
    # 厅 is a province-level name: at the province it replaces the matching 局.
    ting = {name[:-1] for name in plan["province"] if name.endswith("厅")}
    plan["province"] = [
        name for name in plan["province"] if not (name.endswith("局") and name[:-1] in ting)
    ]
    for level in ("city", "county"):
        plan[level] = [name for name in plan[level] if not name.endswith("厅")]
    return plan


def department_code(division_code: str, department_name: str) -> str:
    return f"{division_code}-{department_name}"


def unit_specs(data_dir: Path | None = None) -> list[UnitSpec]:
    """Every unit the seed should create, parents before children."""
    plan = department_plan(load_service_items(data_dir))
    province = UnitSpec(
        PROVINCE_CODE, load_province_name(data_dir), OrgUnit.Kind.PROVINCE, PROVINCE_CODE, None
    )
    specs = [province]
    specs += [
        UnitSpec(
            department_code(PROVINCE_CODE, name),
            name,
            OrgUnit.Kind.DEPARTMENT,
            PROVINCE_CODE,
            PROVINCE_CODE,
        )
        for name in plan["province"]
    ]
    for city_code, city_name in load_cities(data_dir):
        specs.append(UnitSpec(city_code, city_name, OrgUnit.Kind.CITY, city_code, PROVINCE_CODE))
        specs += [
            UnitSpec(
                department_code(city_code, name),
                name,
                OrgUnit.Kind.DEPARTMENT,
                city_code,
                city_code,
            )
            for name in plan["city"]
        ]
        for county in divisions.counties(city_code):
            specs.append(
                UnitSpec(county.code, county.name, OrgUnit.Kind.COUNTY, county.code, city_code)
            )
            specs += [
                UnitSpec(
                    department_code(county.code, name),
                    name,
                    OrgUnit.Kind.DEPARTMENT,
                    county.code,
                    county.code,
                )
                for name in plan["county"]
            ]
    return specs


# --- service ---------------------------------------------------------------------------------
def seed_org_units(*, actor=None, data_dir: Path | None = None) -> SeedResult:
    """Create the province → cities → counties tree and its departments.

    Idempotent: units that exist (by code) keep their pk, path, parent and ``is_active``;
    only a changed name or division code is updated. One summary audit event
    (``core.org_units_seeded``) is written when anything was created or updated; a run that
    changes nothing writes nothing.
    """
    specs = unit_specs(data_dir)
    with transaction.atomic():
        existing = {
            unit.code: unit
            for unit in OrgUnit.objects.only(
                "id", "code", "name", "kind", "division_code", "path", "parent_id"
            )
        }
        depth: dict[str, int] = {}
        for spec in specs:
            depth[spec.code] = 0 if spec.parent_code is None else depth[spec.parent_code] + 1

        changed = []
        for spec in specs:
            unit = existing.get(spec.code)
            if unit is not None and (
                unit.name != spec.name or unit.division_code != spec.division_code
            ):
                unit.name, unit.division_code = spec.name, spec.division_code
                changed.append(unit)
        if changed:
            OrgUnit.objects.bulk_update(changed, ["name", "division_code"], batch_size=500)

        created_by_kind: Counter = Counter()
        for level in range(max(depth.values()) + 1):
            new_units = [
                OrgUnit(
                    code=spec.code,
                    name=spec.name,
                    kind=spec.kind,
                    division_code=spec.division_code,
                    parent=existing[spec.parent_code] if spec.parent_code else None,
                    path="",
                )
                for spec in specs
                if depth[spec.code] == level and spec.code not in existing
            ]
            if not new_units:
                continue
            created = OrgUnit.objects.bulk_create(new_units, batch_size=500)
            if any(unit.pk is None for unit in created):  # backends without RETURNING
                pks = dict(
                    OrgUnit.objects.filter(code__in=[u.code for u in created]).values_list(
                        "code", "pk"
                    )
                )
                for unit in created:
                    unit.pk = pks[unit.code]
            for unit in created:
                parent_path = unit.parent.path if unit.parent is not None else "/"
                unit.path = f"{parent_path}{unit.pk}/"
                existing[unit.code] = unit
                created_by_kind[unit.kind] += 1
            OrgUnit.objects.bulk_update(created, ["path"], batch_size=500)

        created_count = sum(created_by_kind.values())
        if created_count or changed:
            audit.record(
                "core.org_units_seeded",
                actor=actor,
                org_unit=existing.get(PROVINCE_CODE),
                target_type="core.orgunit",
                target_label="组织机构",
                data={
                    "created": created_count,
                    "updated": len(changed),
                    "created_by_kind": dict(created_by_kind),
                    "total": len(specs),
                },
            )
    return SeedResult(created_count, len(changed), len(specs), dict(created_by_kind))


# --- selectors -------------------------------------------------------------------------------
def region_unit(division_code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=division_code).exclude(kind=OrgUnit.Kind.DEPARTMENT).first()


def department_unit(division_code: str, department_name: str) -> OrgUnit | None:
    """The department ``department_name`` of the region ``division_code`` (e.g. the item's
    implementing department in a county), resolving the province's 厅/局 naming."""
    candidates = [department_code(division_code, department_name)]
    if department_name.endswith("局"):
        candidates.append(department_code(division_code, department_name[:-1] + "厅"))
    elif department_name.endswith("厅"):
        candidates.append(department_code(division_code, department_name[:-1] + "局"))
    units = {
        unit.code: unit
        for unit in OrgUnit.objects.filter(code__in=candidates).select_related("parent")
    }
    for code in candidates:
        if code in units:
            return units[code]
    return None


def departments_of(region: OrgUnit):
    return OrgUnit.objects.filter(parent=region, kind=OrgUnit.Kind.DEPARTMENT)


def descendants(unit: OrgUnit, *, include_self: bool = True):
    queryset = OrgUnit.objects.filter(path__startswith=unit.path)
    return queryset if include_self else queryset.exclude(pk=unit.pk)


def ancestors(unit: OrgUnit, *, include_self: bool = False) -> list[OrgUnit]:
    """Root first."""
    pks = [int(part) for part in unit.path.strip("/").split("/") if part]
    if not include_self:
        pks = pks[:-1]
    by_pk = OrgUnit.objects.in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]
