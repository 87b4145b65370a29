"""/api/v1/identity/companies — same rules as the services, JSON errors, outsider checks."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tongban.identity.models import AgentAuthorisation, CompanyAccount
from tongban.identity.services import companies as svc
from tongban.identity.tests.test_companies_services import make_entity, snapshot

pytestmark = pytest.mark.django_db
BASE = "/api/v1/identity/companies"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def company(citizen):
    return svc.bind_company(citizen, make_entity(citizen).uscc, actor=citizen)


def test_bind_and_list(citizen):
    entity = make_entity(citizen)
    client = client_for(citizen)
    response = post(client, BASE, {"uscc": entity.uscc})
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "legal_rep"
    listing = client.get(BASE).json()
    assert [c["uscc"] for c in listing["items"]] == [entity.uscc]


def test_bind_errors_are_json(citizen, outsider):
    entity = make_entity(citizen)
    before = snapshot()
    response = post(client_for(outsider), BASE, {"uscc": entity.uscc})
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_legal_rep",
        "message": response.json()["message"],
        "field": "uscc",
    }
    response = post(client_for(citizen), BASE, {"uscc": entity.uscc[:-1] + "!"})
    assert response.status_code == 400 and response.json()["code"] in {
        "invalid_char",
        "invalid_checksum",
    }
    assert snapshot() == before


def test_anonymous_is_rejected(citizen):
    entity = make_entity(citizen)
    before = snapshot()
    assert post(Client(), BASE, {"uscc": entity.uscc}).status_code == 401
    assert Client().get(BASE).status_code == 401
    assert snapshot() == before


def test_agent_lifecycle(citizen, outsider, company):
    rep = client_for(citizen)
    response = post(
        rep,
        f"{BASE}/{company.uscc}/agents",
        {
            "agent_id_number": outsider.id_number,
            "agent_name": "李四",
            "scopes": ["apply", "licences"],
            "expires_on": in_days(90),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["scopes"] == ["apply", "licences"]
    assert outsider.id_number not in body["agent_id_number"]  # masked

    agent = client_for(outsider)
    mine = agent.get(BASE).json()["items"]
    assert mine[0]["role"] == "agent" and mine[0]["scopes"] == ["apply", "licences"]
    detail = agent.get(f"{BASE}/{company.uscc}").json()
    assert detail["agents"] is None  # the agent list is the legal representative's
    assert len(rep.get(f"{BASE}/{company.uscc}").json()["agents"]) == 1

    # the agent may not revoke (even itself) nor add agents
    before = snapshot()
    response = agent.delete(f"{BASE}/{company.uscc}/agents/{body['id']}")
    assert response.status_code == 403 and response.json()["code"] == "agent_scope_exceeded"
    assert snapshot() == before

    assert rep.delete(f"{BASE}/{company.uscc}/agents/{body['id']}").status_code == 204
    assert AgentAuthorisation.objects.get(pk=body["id"]).revoked_at is not None
    assert agent.get(BASE).json()["items"] == []


def test_agent_scope_exceeded_api(citizen, outsider, company):
    response = post(
        client_for(citizen),
        f"{BASE}/{company.uscc}/agents",
        {
            "agent_id_number": outsider.id_number,
            "agent_name": "李四",
            "scopes": ["manage_agents"],
            "expires_on": in_days(30),
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "agent_scope_invalid"
    response = post(
        client_for(citizen),
        f"{BASE}/{company.uscc}/agents",
        {
            "agent_id_number": outsider.id_number,
            "agent_name": "李四",
            "scopes": ["apply"],
            "expires_on": in_days(400),
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "agent_expiry_invalid"
    assert AgentAuthorisation.objects.count() == 0


def test_outsider_cannot_see_or_revoke(citizen, outsider, company):
    from tongban.testing.factories import UserFactory

    third = UserFactory(id_number="44010619850202243X", name="王五", realname_level=2)
    grant = svc.authorise_agent(
        company,
        agent_id_number=third.id_number,
        agent_name="王五",
        scopes={"apply"},
        expires_on=timezone.localdate() + datetime.timedelta(days=5),
        actor=citizen,
    )
    client = client_for(outsider)
    before = snapshot()
    assert client.get(BASE).json()["items"] == []
    for response in (
        client.get(f"{BASE}/{company.uscc}"),
        post(
            client,
            f"{BASE}/{company.uscc}/agents",
            {
                "agent_id_number": outsider.id_number,
                "agent_name": "李四",
                "scopes": ["apply"],
                "expires_on": in_days(30),
            },
        ),
        client.delete(f"{BASE}/{company.uscc}/agents/{grant.pk}"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "company_not_found"
    assert snapshot() == before
    assert CompanyAccount.objects.get().legal_rep == citizen
    assert AgentAuthorisation.objects.get(pk=grant.pk).revoked_at is None
