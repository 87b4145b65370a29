"""Pages under /account/companies/: bind, detail, agents — and the outsider."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tongban.identity.models import AgentAuthorisation, CompanyAccount
from tongban.identity.services import companies as svc
from tongban.identity.tests.test_companies_services import make_entity, snapshot

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def company(citizen):
    return svc.bind_company(citizen, make_entity(citizen).uscc, actor=citizen)


def test_bind_page(citizen):
    entity = make_entity(citizen)
    client = client_for(citizen)
    bind_page = client.get(reverse("companies:company_bind")).content.decode()
    assert entity.uscc in bind_page  # suggested from the registry
    response = client.post(reverse("companies:company_bind"), {"uscc": entity.uscc})
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:company_detail", args=[entity.uscc])
    page = client.get(response["Location"]).content.decode()
    assert entity.name in page and "法定代表人" in page


def test_bind_page_shows_error_and_changes_nothing(outsider, citizen):
    entity = make_entity(citizen)
    before = snapshot()
    response = client_for(outsider).post(reverse("companies:company_bind"), {"uscc": entity.uscc})
    assert response.status_code == 400
    assert "不是该主体登记的法定代表人" in response.content.decode()
    assert snapshot() == before


def test_add_and_revoke_agent_pages(citizen, outsider, company):
    client = client_for(citizen)
    url = reverse("companies:agent_add", args=[company.uscc])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "agent_name": "李四",
            "agent_id_number": outsider.id_number,
            "scopes": ["apply", "pay"],
            "expires_on": in_days(60).isoformat(),
        },
    )
    assert response.status_code == 302
    grant = AgentAuthorisation.objects.get()
    detail = client.get(reverse("companies:company_detail", args=[company.uscc])).content.decode()
    assert "李四" in detail and outsider.id_number not in detail
    # the agent sees the company with its scopes, but no agent list or management links
    agent_page = client_for(outsider).get(reverse("companies:company_detail", args=[company.uscc]))
    assert agent_page.status_code == 200
    assert "办理事项" in agent_page.content.decode()
    assert reverse("companies:agent_add", args=[company.uscc]) not in agent_page.content.decode()
    response = client.post(
        reverse("companies:agent_revoke", args=[company.uscc, grant.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="agents"' in response.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_agent_page_bad_input(citizen, outsider, company):
    before = snapshot()
    response = client_for(citizen).post(
        reverse("companies:agent_add", args=[company.uscc]),
        {
            "agent_name": "错名",
            "agent_id_number": outsider.id_number,
            "scopes": ["apply"],
            "expires_on": in_days(60).isoformat(),
        },
    )
    assert response.status_code == 400 and "未找到身份证号和姓名一致" in response.content.decode()
    assert snapshot() == before


def test_agent_cannot_manage_agents_page(citizen, outsider, company):
    grant = svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply"},
        expires_on=in_days(10),
        actor=citizen,
    )
    client = client_for(outsider)
    before = snapshot()
    assert client.get(reverse("companies:agent_add", args=[company.uscc])).status_code == 403
    assert (
        client.post(reverse("companies:agent_revoke", args=[company.uscc, grant.pk])).status_code
        == 403
    )
    assert snapshot() == before


def test_outsider_sees_nothing(citizen, outsider, company):
    from tongban.testing.factories import UserFactory

    third = UserFactory(id_number="44010619850202243X", name="王五", realname_level=2)
    grant = svc.authorise_agent(
        company,
        agent_id_number=third.id_number,
        agent_name="王五",
        scopes={"apply"},
        expires_on=in_days(10),
        actor=citizen,
    )
    client = client_for(outsider)
    before = snapshot()
    listing = client.get(reverse("companies:company_list")).content.decode()
    assert company.name not in listing
    for url in (
        reverse("companies:company_detail", args=[company.uscc]),
        reverse("companies:agent_add", args=[company.uscc]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("companies:agent_revoke", args=[company.uscc, grant.pk])).status_code
        == 404
    )
    assert snapshot() == before
    assert AgentAuthorisation.objects.get(pk=grant.pk).revoked_at is None


def test_anonymous_redirected_to_login(company):
    response = Client().get(reverse("companies:company_list"))
    assert response.status_code == 302 and reverse("identity:login") in response["Location"]
    assert CompanyAccount.objects.count() == 1


def test_account_partial(citizen, outsider, company):
    svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"licences"},
        expires_on=in_days(10),
        actor=citizen,
    )
    request = RequestFactory().get("/account/")
    html = render_to_string("identity/_account_companies.html", {"user": citizen}, request=request)
    assert company.name in html and "我是法定代表人" in html
    html = render_to_string("identity/_account_companies.html", {"user": outsider}, request=request)
    assert company.name in html and "证照" in html
