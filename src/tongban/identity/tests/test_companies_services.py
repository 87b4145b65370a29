"""Company binding and agent authorisation: services."""

import datetime
import random

import pytest
from django.utils import timezone

from tongban.core.codes import generate_uscc
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import AgentAuthorisation, AgentScope, CompanyAccount
from tongban.identity.services import companies as svc
from tongban.registries.choices import EntityStatus, EntityType
from tongban.registries.models import LegalEntity
from tongban.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_entity(rep, *, status=EntityStatus.ACTIVE, seed=1, name="广州通办科技有限公司"):
    return LegalEntity.objects.create(
        uscc=generate_uscc(division_code="440106", rng=random.Random(seed)),
        name=name,
        entity_type=EntityType.ENTERPRISE,
        legal_rep_id_number=rep.id_number,
        legal_rep_name=rep.name,
        address="广东省广州市天河区体育西路1号",
        division_code="440106",
        status=status,
        established_date=datetime.date(2015, 3, 1),
    )


def snapshot():
    return (
        CompanyAccount.objects.count(),
        AgentAuthorisation.objects.count(),
        AgentAuthorisation.objects.filter(revoked_at__isnull=False).count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def entity(citizen):
    return make_entity(citizen)


@pytest.fixture
def company(citizen, entity):
    return svc.bind_company(citizen, entity.uscc, actor=citizen)


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


# --- binding ---------------------------------------------------------------------------------
def test_legal_rep_binds_company(citizen, entity):
    company = svc.bind_company(citizen, entity.uscc.lower(), actor=citizen)
    assert company.uscc == entity.uscc
    assert company.name == entity.name
    assert company.legal_rep == citizen
    event = AuditEvent.objects.get(event_type="identity.company_bound")
    assert event.actor == citizen and event.target_id == str(company.pk)
    assert list(svc.companies_for(citizen)) == [company]


def _assert_bind_fails(user, uscc, code):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.bind_company(user, uscc, actor=user)
    assert exc.value.code == code
    assert exc.value.field == "uscc"
    assert snapshot() == before
    return exc.value


def test_non_rep_cannot_bind(outsider, entity):
    err = _assert_bind_fails(outsider, entity.uscc, "not_legal_rep")
    assert err.status == 403


def test_l1_user_cannot_bind(citizen, entity):
    citizen.realname_level = 1
    citizen.save()
    _assert_bind_fails(citizen, entity.uscc, "realname_level_too_low")


def test_bad_uscc_checksum(citizen, entity):
    last = entity.uscc[-1]
    wrong = entity.uscc[:-1] + ("0" if last != "0" else "1")
    _assert_bind_fails(citizen, wrong, "invalid_checksum")


@pytest.mark.parametrize("status", [EntityStatus.CANCELLED, EntityStatus.REVOKED])
def test_cancelled_or_revoked_entity(citizen, status):
    entity = make_entity(citizen, status=status)
    _assert_bind_fails(citizen, entity.uscc, "company_not_operating")


def test_unknown_entity(citizen):
    uscc = generate_uscc(division_code="440106", rng=random.Random(99))
    _assert_bind_fails(citizen, uscc, "company_not_in_registry")


def test_already_bound(citizen, company):
    err = _assert_bind_fails(citizen, company.uscc, "company_already_bound")
    assert err.status == 409


# --- agents ----------------------------------------------------------------------------------
def test_authorise_agent_and_scopes(citizen, outsider, company):
    grant = svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply", "pay"},
        expires_on=in_days(30),
        actor=citizen,
    )
    assert grant.agent == outsider and grant.scopes == ["apply", "pay"]
    assert AuditEvent.objects.filter(event_type="identity.agent_authorised").count() == 1
    assert svc.acting_for(outsider, company, AgentScope.APPLY)
    assert svc.acting_for(outsider, company, AgentScope.PAY)
    assert not svc.acting_for(outsider, company, AgentScope.LICENCES)
    assert not svc.acting_for(outsider, company, AgentScope.MANAGE_AGENTS)
    # the legal representative holds every scope
    for scope in AgentScope.values:
        assert svc.acting_for(citizen, company, scope)
    assert list(svc.companies_for(outsider)) == [company]
    assert svc.access_company(outsider, company.uscc) == company


def test_agent_scope_exceeded(citizen, outsider, company):
    svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply"},
        expires_on=in_days(30),
        actor=citizen,
    )
    with pytest.raises(DomainError) as exc:
        svc.require_agent_scope(outsider, company, AgentScope.PAY)
    assert exc.value.code == "agent_scope_exceeded" and exc.value.status == 403
    svc.require_agent_scope(outsider, company, AgentScope.APPLY)  # no error


def test_agent_cannot_manage_agents(citizen, outsider, company):
    third = UserFactory(id_number="44010619850202243X", name="王五", realname_level=2)
    svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply", "pay", "licences"},
        expires_on=in_days(30),
        actor=citizen,
    )
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.authorise_agent(
            company,
            agent_id_number=third.id_number,
            agent_name="王五",
            scopes={"apply"},
            expires_on=in_days(30),
            actor=outsider,
        )
    assert exc.value.code == "agent_scope_exceeded"
    assert snapshot() == before


def test_expired_agent_has_no_scope(citizen, outsider, company):
    grant = svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply"},
        expires_on=in_days(1),
        actor=citizen,
    )
    AgentAuthorisation.objects.filter(pk=grant.pk).update(expires_on=in_days(-1))
    assert not svc.acting_for(outsider, company, AgentScope.APPLY)
    with pytest.raises(DomainError) as exc:
        svc.require_agent_scope(outsider, company, AgentScope.APPLY)
    assert exc.value.code == "agent_scope_exceeded"
    assert list(svc.companies_for(outsider)) == []
    # an expired grant does not block a new authorisation
    renewed = svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"pay"},
        expires_on=in_days(10),
        actor=citizen,
    )
    assert svc.acting_for(outsider, company, AgentScope.PAY)
    assert not svc.acting_for(outsider, company, AgentScope.APPLY)
    assert renewed.pk != grant.pk


def test_revoked_agent_has_no_scope(citizen, outsider, company):
    grant = svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply"},
        expires_on=in_days(30),
        actor=citizen,
    )
    svc.revoke_agent(company, grant.pk, actor=citizen)
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == citizen
    assert AuditEvent.objects.filter(event_type="identity.agent_revoked").count() == 1
    assert not svc.acting_for(outsider, company, AgentScope.APPLY)
    with pytest.raises(DomainError) as exc:
        svc.access_company(outsider, company.uscc)
    assert exc.value.code == "company_not_found" and exc.value.status == 404


def test_agent_cannot_revoke(citizen, outsider, company):
    grant = svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply"},
        expires_on=in_days(30),
        actor=citizen,
    )
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.revoke_agent(company, grant.pk, actor=outsider)
    assert exc.value.code == "agent_scope_exceeded"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"agent_name": "错名"}, "agent_not_found", "agent_id_number"),
        ({"agent_id_number": "440106199001011234"}, "invalid_checksum", "agent_id_number"),
        ({"scopes": {"manage_agents"}}, "agent_scope_invalid", "scopes"),
        ({"scopes": set()}, "agent_scope_invalid", "scopes"),
        ({"scopes": {"apply", "delete_everything"}}, "agent_scope_invalid", "scopes"),
        ({"expires_on": "days"}, "agent_expiry_invalid", "expires_on"),
        ({"expires_on": 0}, "agent_expiry_invalid", "expires_on"),
        ({"expires_on": 367}, "agent_expiry_invalid", "expires_on"),
    ],
)
def test_authorise_agent_bad_input(citizen, outsider, company, kwargs, code, field):
    args = {
        "agent_id_number": outsider.id_number,
        "agent_name": "李四",
        "scopes": {"apply"},
        "expires_on": in_days(30),
    }
    args.update(kwargs)
    if isinstance(args["expires_on"], int):
        args["expires_on"] = in_days(args["expires_on"])
    elif args["expires_on"] == "days":
        args["expires_on"] = None
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.authorise_agent(company, actor=citizen, **args)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert snapshot() == before


def test_unverified_agent_and_self_and_duplicate(citizen, outsider, company):
    svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply"},
        expires_on=in_days(30),
        actor=citizen,
    )
    l1 = UserFactory(id_number="44010619850202243X", name="王五", realname_level=1)
    cases = [
        ({"agent_id_number": l1.id_number, "agent_name": "王五"}, "agent_not_found"),
        ({"agent_id_number": citizen.id_number, "agent_name": "张三"}, "agent_is_legal_rep"),
        ({"agent_id_number": outsider.id_number, "agent_name": "李四"}, "agent_already_authorised"),
    ]
    for who, code in cases:
        before = snapshot()
        with pytest.raises(DomainError) as exc:
            svc.authorise_agent(
                company, scopes={"pay"}, expires_on=in_days(30), actor=citizen, **who
            )
        assert exc.value.code == code
        assert snapshot() == before


def test_outsider_cannot_see_or_revoke(citizen, outsider, company):
    third = UserFactory(id_number="44010619850202243X", name="王五", realname_level=2)
    grant = svc.authorise_agent(
        company,
        agent_id_number=third.id_number,
        agent_name="王五",
        scopes={"apply"},
        expires_on=in_days(30),
        actor=citizen,
    )
    before = snapshot()
    assert list(svc.companies_for(outsider)) == []
    with pytest.raises(DomainError) as exc:
        svc.access_company(outsider, company.uscc)
    assert exc.value.code == "company_not_found"
    with pytest.raises(DomainError) as exc:
        svc.revoke_agent(company, grant.pk, actor=outsider)
    assert exc.value.code == "agent_scope_exceeded"
    assert snapshot() == before


def test_revoke_twice_and_unknown(citizen, outsider, company):
    grant = svc.authorise_agent(
        company,
        agent_id_number=outsider.id_number,
        agent_name="李四",
        scopes={"apply"},
        expires_on=in_days(30),
        actor=citizen,
    )
    svc.revoke_agent(company, grant.pk, actor=citizen)
    before = snapshot()
    for pk, code in [
        (grant.pk, "authorisation_already_revoked"),
        (grant.pk + 999, "authorisation_not_found"),
    ]:
        with pytest.raises(DomainError) as exc:
            svc.revoke_agent(company, pk, actor=citizen)
        assert exc.value.code == code
    assert snapshot() == before


def test_inactive_user_acts_for_nothing(citizen, company):
    citizen.is_active = False
    citizen.save()
    assert not svc.acting_for(citizen, company, AgentScope.APPLY)


def test_unknown_scope_is_a_programming_error(citizen, company):
    with pytest.raises(ValueError):
        svc.acting_for(citizen, company, "fly")
