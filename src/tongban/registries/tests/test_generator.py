"""The generator makes valid, realistic, deterministic rows (no database needed)."""

import re
from datetime import date

import pytest

from tongban.core.codes import divisions, validate
from tongban.registries.choices import EntityType, Gender, entity_type_from_uscc
from tongban.registries.generator import RegistryGenerator

CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@pytest.fixture(scope="module")
def generator():
    return RegistryGenerator(seed=7)


@pytest.fixture(scope="module")
def sample_persons(generator):
    return list(generator.persons(400))


@pytest.fixture(scope="module")
def sample_entities(generator):
    return list(generator.entities(300, rep_pool=400))


def test_every_generated_person_validates(sample_persons):
    for person in sample_persons:
        result = validate("citizen-id", person.id_number)
        assert result.valid, (person.id_number, result.code)
        assert result.parsed["birth_date"] in (person.birth_date, person.birth_date.isoformat())
        sequence = int(person.id_number[14:17])
        assert (sequence % 2 == 1) == (person.gender == Gender.MALE)
        assert person.id_number[:6] == person.division_code
        division = divisions.get(person.division_code)
        assert division is not None and division.current and division.code.startswith("44")
        assert CHINESE_NAME.match(person.name), person.name
        assert person.address.startswith(
            "广东省" + divisions.get(division.parent_code or division.code).name
            if division.level == "county"
            else "广东省"
        )
        assert person.address.endswith(("号", "房"))
        if person.phone:
            assert validate("mobile", person.phone).valid, person.phone
        assert date(1940, 1, 1) <= person.birth_date <= date(2024, 12, 31)


def test_every_generated_entity_validates(sample_entities, sample_persons):
    ids = {person.id_number: person for person in sample_persons}
    for entity in sample_entities:
        result = validate("uscc", entity.uscc)
        assert result.valid, (entity.uscc, result.code)
        assert entity.uscc[2:8] == entity.division_code
        assert entity.entity_type == entity_type_from_uscc(entity.uscc)
        rep = ids[entity.legal_rep_id_number]  # drawn from the generated persons
        assert rep.name == entity.legal_rep_name
        assert entity.established_date.year - rep.birth_date.year >= 18
        assert entity.registered_capital > 0
        assert entity.business_scope
        if entity.entity_type == EntityType.ENTERPRISE:
            assert entity.name.endswith("有限公司")
            region = divisions.get(entity.division_code)
            assert entity.name.startswith(
                divisions.get(region.parent_code).name if region.level == "county" else region.name
            )
    assert {e.entity_type for e in sample_entities} >= {
        EntityType.ENTERPRISE,
        EntityType.SOLE_TRADER,
    }


def test_rows_are_spread_over_the_21_cities():
    generator = RegistryGenerator(seed=3)
    cities = {person.division_code[:4] for person in generator.persons(3000)}
    assert len(cities) == 21


def test_ids_and_usccs_are_unique():
    generator = RegistryGenerator(seed=11)
    ids = [person.id_number for person in generator.persons(20_000)]
    assert len(set(ids)) == len(ids)
    usccs = [generator.org_code(index) for index in range(20_000)]
    assert len(set(usccs)) == len(usccs)


def test_same_seed_same_rows_other_seed_other_rows():
    def fields(person):
        return (
            person.id_number,
            person.name,
            person.gender,
            person.birth_date,
            person.address,
            person.phone,
            person.status,
        )

    first = [fields(p) for p in RegistryGenerator(seed=5).persons(50)]
    again = [fields(p) for p in RegistryGenerator(seed=5).persons(50)]
    other = [fields(p) for p in RegistryGenerator(seed=6).persons(50)]
    assert first == again
    assert first != other
    # index-addressable: person 30 alone equals the 31st of a stream
    assert fields(RegistryGenerator(seed=5).person(30)) == first[30]
    entity_a = RegistryGenerator(seed=5).entity(9, rep_pool=50)
    entity_b = RegistryGenerator(seed=5).entity(9, rep_pool=50)
    assert (entity_a.uscc, entity_a.name, entity_a.legal_rep_id_number) == (
        entity_b.uscc,
        entity_b.name,
        entity_b.legal_rep_id_number,
    )


def test_entity_type_from_uscc():
    assert entity_type_from_uscc("91440106739120115G") == EntityType.ENTERPRISE
    assert entity_type_from_uscc("92440106739120115G") == EntityType.SOLE_TRADER
    assert entity_type_from_uscc("93440106739120115G") == EntityType.FARMER_COOP
    assert entity_type_from_uscc("12440106739120115G") == EntityType.PUBLIC_INSTITUTION
    assert entity_type_from_uscc("Y1440106739120115G") == EntityType.OTHER
