"""access_case / cases_of_applicant: applicant, agents, staff by unit; 404 otherwise."""

import pytest

from tongban.cases.selectors import access_case, cases_of_applicant
from tongban.core.exceptions import NotFound
from tongban.testing.factories_cases import (
    CaseFactory,
    accepted_case,
    make_implementation,
    submitted_case,
)


@pytest.fixture
def case(gz_market_dept, citizen):
    return submitted_case(make_implementation(gz_market_dept), citizen)


def test_applicant_views_and_applies(case, citizen):
    assert access_case(citizen, case.number, "view") == case
    assert access_case(citizen, case.number, "apply") == case
    for action in ("accept", "review", "decide"):
        with pytest.raises(NotFound):
            access_case(citizen, case.number, action)


@pytest.mark.parametrize("action", ["view", "apply", "accept", "review", "decide"])
def test_outsiders_get_404(case, outsider, other_city_clerk, action):
    for user in (outsider, other_city_clerk, None):
        with pytest.raises(NotFound) as exc:
            access_case(user, case.number, action)
        assert exc.value.status == 404


def test_unknown_number_is_404(citizen, clerk):
    with pytest.raises(NotFound):
        access_case(clerk, "4401002510090000001X", "view")


def test_staff_by_role(case, clerk, approver, dept_admin):
    assert access_case(clerk, case.number, "accept") == case
    assert access_case(clerk, case.number, "view") == case
    with pytest.raises(NotFound):
        access_case(clerk, case.number, "review")
    assert access_case(approver, case.number, "review") == case
    assert access_case(approver, case.number, "decide") == case
    with pytest.raises(NotFound):
        access_case(approver, case.number, "accept")
    assert access_case(dept_admin, case.number, "view") == case
    with pytest.raises(NotFound):
        access_case(dept_admin, case.number, "apply")


def test_unknown_action_is_a_programming_error(case, citizen):
    with pytest.raises(ValueError):
        access_case(citizen, case.number, "delete")


def test_company_agent(gz_market_dept, citizen, outsider):
    from datetime import timedelta

    from django.utils import timezone

    from tongban.identity.models import AgentAuthorisation, CompanyAccount

    company = CompanyAccount.objects.create(
        uscc="91440101MA5XXXXX0X", name="测试公司", legal_rep=citizen
    )
    implementation = make_implementation(gz_market_dept)
    case = submitted_case(implementation, citizen, company=company)
    with pytest.raises(NotFound):
        access_case(outsider, case.number, "apply")
    AgentAuthorisation.objects.create(
        company=company,
        agent=outsider,
        scopes=["licences"],
        expires_on=timezone.localdate() + timedelta(days=30),
        created_by=citizen,
    )
    assert access_case(outsider, case.number, "view") == case  # any scope may look
    with pytest.raises(NotFound):
        access_case(outsider, case.number, "apply")
    AgentAuthorisation.objects.filter(agent=outsider).update(scopes=["apply"])
    assert access_case(outsider, case.number, "apply") == case


def test_cases_of_applicant(gz_market_dept, citizen, outsider, clerk):
    implementation = make_implementation(gz_market_dept)
    mine = [CaseFactory(implementation=implementation, applicant=citizen)]
    mine.append(accepted_case(implementation, citizen, clerk))
    CaseFactory(implementation=implementation, applicant=outsider)
    assert set(cases_of_applicant(citizen)) == set(mine)
    assert cases_of_applicant(None).count() == 0
