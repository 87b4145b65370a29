import pytest

from tongban.core.models import AuditEvent, OrgUnit
from tongban.demo.services import DEMO_CITIZENS, DEMO_STAFF, seed_demo_province
from tongban.identity.models import CompanyAccount, User
from tongban.licences.models import Licence, LicenceType, Seal
from tongban.licences.services.verification import verify_licence
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


def test_seed_gives_issuing_departments_seals_and_the_demo_wallets_licences(seeded):
    assert LicenceType.objects.count() == 26
    sealed = set(
        Seal.objects.filter(status=Seal.Status.ACTIVE).values_list("org_unit__code", flat=True)
    )
    for code in (
        "440106-市场监督管理局",
        "440100-市场监督管理局",
        "440304-市场监督管理局",
        "440300-市场监督管理局",
        "440106-公安局",
        "440000-市场监督管理局",
        "440000-司法厅",
    ):
        assert code in sealed, code
    # Only the demo regions' departments get seals (the seed stays fast).
    assert not OrgUnit.objects.filter(
        code="440105-市场监督管理局", id__in=Seal.objects.values("org_unit_id")
    ).exists()

    company = CompanyAccount.objects.get(uscc="914403047391202117")
    licence = Licence.objects.get(licence_type__key="business-licence", holder_company=company)
    assert licence.holder_name == "深圳市福田区鹏城示范贸易有限公司"
    assert licence.fields["legal_rep"] == "李四"
    assert licence.issuer.code == "440300-市场监督管理局"
    wang = User.objects.get(id_number="440106199203150049")
    resident_id = Licence.objects.get(licence_type__key="resident-id", holder_user=wang)
    assert resident_id.fields["gender"] == "女"
    assert list(Licence.objects.filter(holder_user=wang)) == [resident_id]
    for issued in (licence, resident_id):
        result = verify_licence(issued)
        assert result.valid and result.signature_ok, result.reason


def test_seed_is_idempotent(seeded):
    users, events = User.objects.count(), AuditEvent.objects.count()
    seals, licences = Seal.objects.count(), Licence.objects.count()
    seed_demo_province(persons=60, entities=10)
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events
    assert (Seal.objects.count(), Licence.objects.count()) == (seals, licences)


def test_seed_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(Exception, match="production"):
        seed_demo_province(persons=1, entities=1)
    assert not OrgUnit.objects.exists()
