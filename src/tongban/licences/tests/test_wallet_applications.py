"""Using a licence in an application (用证): the wallet provider on the apply page, the usage
recorded at submission, refusals of unusable or other parties' licences, the clerk's view."""

import pytest
from django.urls import reverse

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.licences.models import Licence, LicenceUsage
from tongban.licences.tests.wallet_support import (
    agent,
    authorise,
    company,
    company_licence,
    issue_for_company,
    make_company,
    personal_licence,
    set_status,
    wallet_registered,
)

pytestmark = pytest.mark.django_db
__all__ = ["agent", "company", "company_licence", "personal_licence", "wallet_registered"]


@pytest.fixture
def food_item(gz_market_dept):
    """食品经营许可证核发 in 广州市市场监督管理局; its 营业执照 material may be a licence."""
    from tongban.catalog.models import Material
    from tongban.testing.factories_cases import make_implementation

    implementation = make_implementation(gz_market_dept, name="食品经营许可证核发")
    material = Material.objects.create(
        version=implementation.item.current_version,
        position=1,
        name="营业执照",
        licence_type_key="business-licence",
    )
    return implementation, material


@pytest.fixture
def draft(food_item, citizen, company):
    from tongban.testing.factories_cases import CaseFactory

    implementation, _material = food_item
    return CaseFactory(implementation=implementation, applicant=citizen, company=company)


def attach(case, material, licence, actor):
    from tongban.cases.services import applications

    return applications.attach_licence(case, material, licence.identifier, actor=actor)


def submit(case, actor):
    from tongban.cases.services import lifecycle

    return lifecycle.submit_case(case, actor=actor)


def test_provider_lists_usable_licences(wallet_registered, citizen, company_licence):
    from tongban.cases.services import applications

    rows = applications.wallet_provider().licences_for(citizen, "business-licence")
    assert [r["ref"] for r in rows] == [company_licence.identifier]
    assert rows[0]["name"] == f"营业执照（{company_licence.holder_name}）"
    assert rows[0]["issued_on"] == company_licence.issued_on.isoformat()


def test_agent_with_apply_scope_may_use_company_licences(
    wallet_registered, agent, company, company_licence
):
    authorise(company, agent, ["apply"])
    rows = wallet_registered.licences_for(agent, "business-licence")
    assert [r["ref"] for r in rows] == [company_licence.identifier]


def test_agent_with_pay_scope_only_gets_nothing(wallet_registered, agent, company, company_licence):
    authorise(company, agent, ["pay"])
    assert wallet_registered.licences_for(agent, "business-licence") == []


def test_apply_page_offers_the_licence(wallet_registered, client, citizen, draft, company_licence):
    client.force_login(citizen)
    body = client.get(reverse("my_cases:edit", args=[draft.pk])).content.decode()
    assert company_licence.identifier in body


def test_usage_recorded_at_submission_not_at_attachment(
    wallet_registered, citizen, draft, food_item, company_licence
):
    _impl, material = food_item
    attach(draft, material, company_licence, citizen)
    assert not LicenceUsage.objects.exists()  # attached, not yet used
    case = submit(draft, citizen)
    usage = LicenceUsage.objects.get()
    assert usage.kind == "application" and usage.case_id == case.pk
    assert usage.used_by == case.org_unit.full_name and usage.purpose == "食品经营许可证核发"
    event = AuditEvent.objects.get(event_type="licences.licence_used")
    assert event.data["case"] == case.number and event.actor_id == citizen.pk


def test_outsider_cannot_attach_someone_elses_licence(
    wallet_registered, outsider, food_item, company_licence
):
    from tongban.testing.factories_cases import CaseFactory

    implementation, material = food_item
    case = CaseFactory(implementation=implementation, applicant=outsider)
    with pytest.raises(DomainError) as exc:
        attach(case, material, company_licence, outsider)
    assert exc.value.code == "licence_not_found"
    assert not case.materials.exists() and not LicenceUsage.objects.exists()


def test_licence_revoked_after_attaching_refuses_submission(
    wallet_registered, citizen, draft, food_item, company_licence
):
    _impl, material = food_item
    attach(draft, material, company_licence, citizen)
    set_status(company_licence, Licence.Status.REVOKED)
    with pytest.raises(DomainError) as exc:
        submit(draft, citizen)
    assert exc.value.code == "licence_not_usable"
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number is None
    assert not LicenceUsage.objects.exists()


def test_another_companys_licence_refuses_submission(
    wallet_registered, citizen, draft, food_item, gz_market_dept
):
    _impl, material = food_item
    other = issue_for_company(make_company(citizen, name="张三二店"), gz_market_dept)
    attach(draft, material, other, citizen)  # listed: 张三 represents both companies
    with pytest.raises(DomainError) as exc:
        submit(draft, citizen)
    assert exc.value.code == "licence_not_usable"
    draft.refresh_from_db()
    assert draft.status == "draft" and not LicenceUsage.objects.exists()


def test_clerk_sees_the_licence_inline_and_verified(
    wallet_registered, client, citizen, clerk, draft, food_item, company_licence
):
    _impl, material = food_item
    attach(draft, material, company_licence, citizen)
    case = submit(draft, citizen)
    client.force_login(clerk)
    response = client.get(reverse("workbench_cases:case_detail", args=[case.number]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "调用的电子证照" in body
    assert 'data-verification="valid"' in body and "核验通过" in body
    assert company_licence.fields["business_scope"] in body
    assert company_licence.identifier in body


def test_clerk_sees_a_tampered_licence_fail_verification(
    wallet_registered, client, citizen, clerk, draft, food_item, company_licence
):
    _impl, material = food_item
    attach(draft, material, company_licence, citizen)
    case = submit(draft, citizen)
    fields = dict(company_licence.fields, business_scope="全部经营项目")
    Licence.objects.filter(pk=company_licence.pk).update(fields=fields)
    client.force_login(clerk)
    body = client.get(reverse("workbench_cases:case_detail", args=[case.number])).content.decode()
    assert "核验未通过" in body and 'data-verification="valid"' not in body
