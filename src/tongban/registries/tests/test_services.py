from io import StringIO

import pytest
from django.core.management import call_command

from tongban.core.codes import validate
from tongban.core.models import AuditEvent, OrgUnit
from tongban.registries import services
from tongban.registries.models import LegalEntity, Person


def test_demo_people_have_valid_fixed_codes():
    for person in services.DEMO_PERSONS:
        assert validate("citizen-id", person["id_number"]).valid
        assert validate("mobile", person["phone"]).valid
    for entity in services.DEMO_ENTITIES:
        assert validate("uscc", entity["uscc"]).valid
        assert entity["legal_rep_id_number"] in {p["id_number"] for p in services.DEMO_PERSONS}


def test_ensure_demo_people_is_idempotent_and_audited(db):
    first = services.ensure_demo_people()
    assert first == {"persons": len(services.DEMO_PERSONS), "entities": len(services.DEMO_ENTITIES)}
    zhang = Person.objects.get(id_number="440106199001011235")
    assert (zhang.name, zhang.phone, zhang.division_code) == ("张三", "13800138000", "440106")
    assert AuditEvent.objects.filter(event_type="registries.demo_people_ensured").count() == 1

    assert services.ensure_demo_people() == {"persons": 0, "entities": 0}
    assert AuditEvent.objects.count() == 1


def test_ensure_demo_people_resets_edited_values(db):
    services.ensure_demo_people()
    Person.objects.filter(id_number="440106199001011235").update(phone="13000000000")
    assert services.ensure_demo_people() == {"persons": 1, "entities": 0}
    assert Person.objects.get(id_number="440106199001011235").phone == "13800138000"


def test_seed_registries_streams_batches_and_resumes(db):
    progress = []
    summary = services.seed_registries(
        persons=230,
        entities=40,
        seed=3,
        batch_size=100,
        progress=lambda kind, n: progress.append((kind, n)),
    )
    assert (summary.persons_created, summary.entities_created) == (230, 40)
    assert progress == [("persons", 100), ("persons", 100), ("persons", 30), ("entities", 40)]
    assert Person.objects.count() == 230 and LegalEntity.objects.count() == 40
    reps = set(LegalEntity.objects.values_list("legal_rep_id_number", flat=True))
    assert reps <= set(Person.objects.values_list("id_number", flat=True))
    event = AuditEvent.objects.get(event_type="registries.registry_seeded")
    assert event.data["persons_created"] == 230

    again = services.seed_registries(persons=230, entities=40, seed=3, batch_size=100)
    assert (again.persons_created, again.entities_created) == (0, 0)
    assert Person.objects.count() == 230


def test_seed_registries_refuses_bad_counts(db):
    with pytest.raises(ValueError):
        services.seed_registries(persons=-1, entities=0)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_seed_command(db):
    out = StringIO()
    call_command(
        "seed",
        "--persons",
        "120",
        "--entities",
        "15",
        "--seed",
        "9",
        "--batch",
        "50",
        "--no-progress",
        "--skip-org-units",
        stdout=out,
    )
    assert Person.objects.count() == 120 + len(services.DEMO_PERSONS)
    assert LegalEntity.objects.count() == 15 + len(services.DEMO_ENTITIES)
    assert "新增 120/120" in out.getvalue()
    assert not OrgUnit.objects.exists()


def test_seed_command_seeds_org_units_too(db):
    call_command("seed", "--persons", "0", "--entities", "0", "--no-progress", stdout=StringIO())
    assert OrgUnit.objects.filter(kind="city").count() == 21
