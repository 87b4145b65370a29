import pytest

from tongban.core.models import AuditEvent, OrgUnit
from tongban.demo.services import DEMO_CITIZENS, DEMO_STAFF, seed_demo_province
from tongban.identity.models import CompanyAccount, User
from tongban.registries.models import Person


@pytest.fixture
def seeded(db):
    return seed_demo_province(persons=60, entities=10)


def test_seed_builds_the_demo_province(seeded):
    assert OrgUnit.objects.filter(kind="city").count() == 21
    assert Person.objects.count() >= 60
    for username, *_ in DEMO_STAFF:
        assert User.objects.get(username=username).role_assignments.exists()
    for id_number, _name, _mobile, uscc in DEMO_CITIZENS:
        assert User.objects.get(id_number=id_number).realname_level == User.Level.L2
    assert CompanyAccount.objects.filter(uscc="914403047391202117").exists()
    # The newcomer is in the registry but has no account yet.
    assert Person.objects.filter(id_number="440106199001011235").exists()
    assert not User.objects.filter(id_number="440106199001011235").exists()


def test_seed_is_idempotent(seeded):
    users, events = User.objects.count(), AuditEvent.objects.count()
    seed_demo_province(persons=60, entities=10)
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events


def test_seed_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(Exception, match="production"):
        seed_demo_province(persons=1, entities=1)
    assert not OrgUnit.objects.exists()
