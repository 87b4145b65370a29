"""Writes to the registries: the fixed demo people and the bulk seed; audited staff reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from django.db import transaction

from tongban.core import audit, masking, permissions
from tongban.registries.choices import EntityStatus, EntityType, Gender, PersonStatus
from tongban.registries.generator import RegistryGenerator
from tongban.registries.models import LegalEntity, Person
from tongban.registries.selectors import entity_for_reader, person_for_reader

# --- demo people (the demo seed and the browser tests rely on these exact values) ----------
DEMO_PERSONS = (
    {
        "id_number": "440106199001011235",
        "name": "张三",
        "gender": Gender.MALE,
        "birth_date": date(1990, 1, 1),
        "division_code": "440106",
        "address": "广东省广州市天河区体育西路100号",
        "phone": "13800138000",
        "status": PersonStatus.NORMAL,
    },
    {
        "id_number": "440304198505050020",
        "name": "李四",
        "gender": Gender.FEMALE,
        "birth_date": date(1985, 5, 5),
        "division_code": "440304",
        "address": "广东省深圳市福田区深南大道2000号",
        "phone": "13900139000",
        "status": PersonStatus.NORMAL,
    },
    {
        "id_number": "440106199203150049",
        "name": "王芳",
        "gender": Gender.FEMALE,
        "birth_date": date(1992, 3, 15),
        "division_code": "440106",
        "address": "广东省广州市天河区天河北路233号5栋1203房",
        "phone": "13700137000",
        "status": PersonStatus.NORMAL,
    },
    {
        "id_number": "440105194803150019",
        "name": "陈伯",
        "gender": Gender.MALE,
        "birth_date": date(1948, 3, 15),
        "division_code": "440105",
        "address": "广东省广州市海珠区江南大道中88号",
        "phone": "13600136000",
        "status": PersonStatus.DECEASED,
    },
)

DEMO_ENTITIES = (
    {
        "uscc": "91440106739120115G",
        "name": "广州市天河区通办示范科技有限公司",
        "entity_type": EntityType.ENTERPRISE,
        "legal_rep_id_number": "440106199001011235",
        "legal_rep_name": "张三",
        "address": "广东省广州市天河区天河路385号28楼",
        "division_code": "440106",
        "status": EntityStatus.ACTIVE,
        "established_date": date(2018, 6, 1),
        "registered_capital": Decimal("500"),
        "business_scope": "软件开发；信息技术咨询服务；信息系统集成服务。",
    },
    {
        "uscc": "914403047391202117",
        "name": "深圳市福田区鹏城示范贸易有限公司",
        "entity_type": EntityType.ENTERPRISE,
        "legal_rep_id_number": "440304198505050020",
        "legal_rep_name": "李四",
        "address": "广东省深圳市福田区福华三路88号",
        "division_code": "440304",
        "status": EntityStatus.ACTIVE,
        "established_date": date(2015, 3, 20),
        "registered_capital": Decimal("1000"),
        "business_scope": "日用百货、电子产品的批发和零售；货物进出口。",
    },
)


def _sync(model, lookup_field: str, rows: Iterable[dict]) -> int:
    """Create or reset rows to the given values; returns how many rows changed."""
    changed = 0
    for values in rows:
        key = values[lookup_field]
        obj = model.objects.filter(**{lookup_field: key}).first()
        if obj is None:
            model.objects.create(**values)
            changed += 1
            continue
        dirty = [field for field, value in values.items() if getattr(obj, field) != value]
        if dirty:
            for field in dirty:
                setattr(obj, field, values[field])
            obj.save(update_fields=[*dirty, "updated_at"])
            changed += 1
    return changed


def ensure_demo_people(*, actor=None) -> dict:
    """Create (or reset) the fixed demo persons and companies. Idempotent; one audit event
    (``registries.demo_people_ensured``) when something changed."""
    with transaction.atomic():
        persons = _sync(Person, "id_number", DEMO_PERSONS)
        entities = _sync(LegalEntity, "uscc", DEMO_ENTITIES)
        if persons or entities:
            audit.record(
                "registries.demo_people_ensured",
                actor=actor,
                target_type="registries.person",
                target_label="演示人员",
                data={"persons": persons, "entities": entities},
            )
    return {"persons": persons, "entities": entities}


# --- bulk seed ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedSummary:
    persons_requested: int
    persons_created: int
    entities_requested: int
    entities_created: int
    seed: int


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


def seed_registries(
    *,
    actor=None,
    persons: int,
    entities: int,
    seed: int = 0,
    batch_size: int = 5000,
    rep_pool: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> SeedSummary:
    """Stream ``persons`` generated persons and ``entities`` legal entities into the registries.

    Rows are a pure function of ``(seed, index)``: re-running with the same seed creates
    nothing new (existing ID numbers/USCCs are skipped), so the seed can be resumed. Each
    batch commits on its own (memory stays flat); one summary audit event
    (``registries.registry_seeded``) is written at the end. Legal representatives are drawn
    from persons ``0 .. rep_pool-1`` of the same seed (default: ``persons``, or 10 000).
    """
    if persons < 0 or entities < 0 or batch_size < 1:
        raise ValueError("counts must be >= 0 and batch_size >= 1")
    generator = RegistryGenerator(seed)
    report = progress or (lambda kind, n: None)

    persons_before = Person.objects.count()
    for batch in _batches(generator.persons(persons), batch_size):
        with transaction.atomic():
            Person.objects.bulk_create(batch, ignore_conflicts=True)
        report("persons", len(batch))
    persons_created = Person.objects.count() - persons_before

    pool = rep_pool or persons or 10_000
    entities_before = LegalEntity.objects.count()
    for batch in _batches(generator.entities(entities, rep_pool=pool), batch_size):
        with transaction.atomic():
            LegalEntity.objects.bulk_create(batch, ignore_conflicts=True)
        report("entities", len(batch))
    entities_created = LegalEntity.objects.count() - entities_before

    summary = SeedSummary(persons, persons_created, entities, entities_created, seed)
    with transaction.atomic():
        audit.record(
            "registries.registry_seeded",
            actor=actor,
            target_type="registries.person",
            target_label="人口库/法人库",
            data={
                "seed": seed,
                "persons_requested": persons,
                "persons_created": persons_created,
                "entities_requested": entities,
                "entities_created": entities_created,
            },
        )
    return summary


# --- registration of a new entity ----------------------------------------------------------
# (entity type) -> (USCC registration authority, institution type), GB 32100-2015
USCC_AUTHORITY_FOR_TYPE = {
    EntityType.ENTERPRISE: ("9", "1"),
    EntityType.SOLE_TRADER: ("9", "2"),
    EntityType.FARMER_COOP: ("9", "3"),
}


def register_entity(
    *,
    name: str,
    entity_type: str,
    legal_rep_id_number: str,
    legal_rep_name: str,
    address: str,
    division_code: str,
    actor,
    established_date: date | None = None,
    registered_capital: Decimal | None = None,
    business_scope: str = "",
    rng=None,
) -> LegalEntity:
    """Register a new market entity (e.g. a 个体工商户 on the conclusion of its 设立登记)
    with a newly generated USCC of its division (authority 9; type 1/2/3). Audited as
    ``registries.entity_registered``."""
    import random

    from django.utils import timezone

    from tongban.core.codes import generate_uscc

    if entity_type not in USCC_AUTHORITY_FOR_TYPE:
        raise ValueError(f"entity type {entity_type!r} is not registered by market regulation")
    authority, type_code = USCC_AUTHORITY_FOR_TYPE[entity_type]
    rng = rng or random.SystemRandom()
    with transaction.atomic():
        for _attempt in range(20):
            uscc = generate_uscc(
                division_code=division_code[:6], authority=authority, entity_type=type_code, rng=rng
            )
            if not LegalEntity.objects.filter(uscc=uscc).exists():
                break
        else:  # pragma: no cover - 20 collisions in a row
            raise RuntimeError("could not generate an unused USCC")
        entity = LegalEntity.objects.create(
            uscc=uscc,
            name=name,
            entity_type=entity_type,
            legal_rep_id_number=legal_rep_id_number.upper(),
            legal_rep_name=legal_rep_name,
            address=address,
            division_code=division_code[:6],
            status=EntityStatus.ACTIVE,
            established_date=established_date or timezone.localdate(),
            registered_capital=registered_capital,
            business_scope=business_scope,
        )
        audit.record(
            "registries.entity_registered",
            actor=actor,
            target=entity,
            data={"uscc": uscc, "name": name, "entity_type": str(entity_type)},
        )
    return entity


# --- audited reads (the lookup page and the API both go through these) ----------------------
def _reader_unit(actor, permission: str):
    """The top org unit in which ``actor`` holds ``permission`` (so the read is audited where
    the reader works and that unit's auditors see it); None for superusers."""
    if getattr(actor, "is_superuser", False):
        return None
    return permissions.units_for(actor, permission).order_by("path").first()


def read_person(*, actor, person: Person, entities_listed: int = 0) -> dict:
    """``person_for_reader`` plus a ``registries.person_viewed`` audit event: the masked ID
    number looked up and whether the reader saw the data unmasked."""
    with transaction.atomic():
        data = person_for_reader(actor, person)
        audit.record(
            "registries.person_viewed",
            actor=actor,
            org_unit=_reader_unit(actor, permissions.REGISTRIES_VIEW_PERSON),
            target_type="registries.person",
            target_id=str(person.pk),
            target_label=masking.mask_name(person.name),
            data={
                "query": masking.mask_id_number(person.id_number),
                "unmasked": not data["masked"],
                "entities_listed": entities_listed,
            },
        )
    return data


def read_entity(*, actor, entity: LegalEntity) -> dict:
    """``entity_for_reader`` plus a ``registries.entity_viewed`` audit event. The USCC is a
    public register number and is kept; whether the legal representative's ID number was
    shown unmasked is recorded."""
    with transaction.atomic():
        data = entity_for_reader(actor, entity)
        audit.record(
            "registries.entity_viewed",
            actor=actor,
            org_unit=_reader_unit(actor, permissions.REGISTRIES_VIEW_ENTITY),
            target=entity,
            data={"query": entity.uscc, "unmasked": not data["masked"]},
        )
    return data
