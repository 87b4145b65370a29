"""E-licences issued when an approved case concludes (licence_outputs wired in ready())."""

import pytest

from tongban.cases.models import Case
from tongban.cases.services import lifecycle
from tongban.core.codes import validate
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import CompanyAccount
from tongban.licences.models import Licence, LicenceType
from tongban.licences.selectors import wallet_of
from tongban.licences.services import seals
from tongban.licences.services.types import import_licence_types
from tongban.licences.services.verification import verify_licence
from tongban.registries.choices import EntityType
from tongban.registries.models import LegalEntity
from tongban.registries.services import ensure_demo_people
from tongban.testing.factories_cases import accepted_case, make_implementation

COMPANY_USCC = "91440106739120115G"


@pytest.fixture
def directory(db):
    ensure_demo_people()
    import_licence_types()


@pytest.fixture
def seal(gz_market_dept):
    return seals.create_seal(gz_market_dept, actor=None)


def _approve_and_conclude(case, approver):
    for task in case.tasks.all():
        lifecycle.decide_task(task, actor=approver, approve=True, opinion="同意")
    return lifecycle.conclude_case(Case.objects.get(pk=case.pk), actor=approver)


def _form(**values):
    return {name: {"value": value, "source": "applicant"} for name, value in values.items()}


def test_sole_trader_registration_yields_a_business_licence(
    directory, seal, gz_market_dept, citizen, clerk, approver
):
    implementation = make_implementation(gz_market_dept, outputs=["business-licence"])
    case = accepted_case(
        implementation,
        citizen,
        clerk,
        form_data=_form(trade_name="天河区张三小吃店", business_premises="天河区体育西路1号"),
    )
    case = _approve_and_conclude(case, approver)
    assert case.status == Case.Status.CONCLUDED

    entity = LegalEntity.objects.get(name="天河区张三小吃店")
    assert entity.entity_type == EntityType.SOLE_TRADER
    assert entity.legal_rep_id_number == citizen.id_number
    result = validate("uscc", entity.uscc)
    assert result.valid and entity.uscc[:2] == "92" and entity.uscc[2:8] == "440100"
    company = CompanyAccount.objects.get(uscc=entity.uscc)
    assert company.legal_rep == citizen

    licence = Licence.objects.get(source_case=case)
    assert licence.licence_type.key == "business-licence"
    assert licence.holder_company == company and licence.holder_code == entity.uscc
    assert licence.fields["entity_type"] == "个体工商户"
    assert licence.fields["legal_rep"] == "张三"
    assert licence.fields["address"] == "天河区体育西路1号"
    assert verify_licence(licence).valid
    assert list(wallet_of(citizen, company)) == [licence]
    for event in (
        "registries.entity_registered",
        "identity.company_bound",
        "licences.licence_issued",
    ):
        assert AuditEvent.objects.filter(event_type=event).count() == 1


def test_company_case_yields_a_licence_for_the_company(
    directory, seal, gz_market_dept, citizen, clerk, approver
):
    company = CompanyAccount.objects.create(
        uscc=COMPANY_USCC, name="广州市天河区通办示范科技有限公司", legal_rep=citizen
    )
    implementation = make_implementation(gz_market_dept, outputs=["food-business-licence"])
    case = accepted_case(
        implementation,
        citizen,
        clerk,
        company=company,
        form_data=_form(business_premises="天河路385号首层", main_format="餐饮服务经营者"),
    )
    case = _approve_and_conclude(case, approver)
    licence = Licence.objects.get(source_case=case)
    assert licence.holder_company == company
    assert licence.fields["entity_name"] == "广州市天河区通办示范科技有限公司"
    assert licence.fields["premises"] == "天河路385号首层"
    assert licence.fields["main_format"] == "餐饮服务经营者"
    assert licence.fields["licence_number"] == licence.number
    assert verify_licence(licence).valid
    assert list(wallet_of(citizen, company)) == [licence]
    assert not LegalEntity.objects.filter(entity_type=EntityType.SOLE_TRADER).exists()


def test_person_output_goes_to_the_applicant(
    directory, seal, gz_market_dept, citizen, clerk, approver
):
    implementation = make_implementation(gz_market_dept, outputs=["resident-id"])
    case = _approve_and_conclude(accepted_case(implementation, citizen, clerk), approver)
    licence = Licence.objects.get(source_case=case)
    assert licence.holder_user == citizen and licence.holder_code == citizen.id_number
    assert licence.fields["gender"] == "男" and licence.fields["birth_date"] == "1990-01-01"
    assert list(wallet_of(citizen)) == [licence]


def test_failure_keeps_the_case_approved_and_changes_nothing(
    directory, gz_market_dept, citizen, clerk, approver
):
    # no seal in the department: the licence cannot be signed
    implementation = make_implementation(gz_market_dept, outputs=["business-licence"])
    case = accepted_case(
        implementation, citizen, clerk, form_data=_form(business_premises="天河区体育西路1号")
    )
    with pytest.raises(DomainError) as exc:
        _approve_and_conclude(case, approver)
    assert exc.value.code == "no_active_seal"
    assert Case.objects.get(pk=case.pk).status == Case.Status.APPROVED
    assert not Licence.objects.exists()
    assert not LegalEntity.objects.filter(entity_type=EntityType.SOLE_TRADER).exists()
    assert not CompanyAccount.objects.exists()
    assert not AuditEvent.objects.filter(event_type="registries.entity_registered").exists()


def test_legal_output_without_company_refused(
    directory, seal, gz_market_dept, citizen, clerk, approver
):
    implementation = make_implementation(gz_market_dept, outputs=["food-business-licence"])
    case = accepted_case(implementation, citizen, clerk)
    with pytest.raises(DomainError) as exc:
        _approve_and_conclude(case, approver)
    assert exc.value.code == "output_mapping_failed"
    assert Case.objects.get(pk=case.pk).status == Case.Status.APPROVED
    assert not Licence.objects.exists()


def test_outputs_without_an_active_type_are_skipped(
    directory, seal, gz_market_dept, citizen, clerk, approver
):
    LicenceType.objects.filter(key="resident-id").update(is_active=False)
    implementation = make_implementation(gz_market_dept, outputs=["resident-id", "no-such-type"])
    case = _approve_and_conclude(accepted_case(implementation, citizen, clerk), approver)
    assert case.status == Case.Status.CONCLUDED
    assert not Licence.objects.exists()
