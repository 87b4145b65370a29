"""Test data for the wallet, rendering and sharing tests: the licence types imported from the
shared data file, a seal for the issuing department and licences issued through
``issue_licence`` (signed by the seal), plus companies and agents."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from tongban.core.codes.uscc import generate_uscc
from tongban.licences.models import HolderType, Licence, LicenceType, Seal

_rng = random.Random(4)


def new_uscc() -> str:
    return generate_uscc(division_code="440100", authority="9", entity_type="2", rng=_rng)


def licence_type(key="business-licence") -> LicenceType:
    if not LicenceType.objects.filter(key=key).exists():
        from tongban.licences.services.types import import_licence_types

        import_licence_types()
    return LicenceType.objects.get(key=key)


def ensure_seal(org_unit) -> Seal:
    seal = Seal.objects.filter(org_unit=org_unit, status=Seal.Status.ACTIVE).first()
    if seal is not None:
        return seal
    from tongban.licences.services.seals import create_seal

    return create_seal(org_unit, actor=None)


def business_fields(holder_name: str, uscc: str, **overrides) -> dict:
    fields = {
        "entity_name": holder_name,
        "uscc": uscc,
        "entity_type": "个体工商户",
        "legal_rep": "张三",
        "registered_capital": "10",
        "established_on": "2024-03-01",
        "address": "广东省广州市天河区体育西路1号",
        "business_scope": "餐饮服务；食品销售（仅销售预包装食品）。",
    }
    fields.update(overrides)
    return fields


def resident_fields(user, **overrides) -> dict:
    fields = {
        "holder_name": user.name,
        "gender": "男",
        "birth_date": "1990-01-01",
        "address": "广东省广州市天河区体育西路1号",
        "id_number": user.id_number,
    }
    fields.update(overrides)
    return fields


def issue_for_company(company, issuer, *, key="business-licence", **field_overrides) -> Licence:
    ensure_seal(issuer)
    if key == "business-licence":
        fields = business_fields(company.name, company.uscc, **field_overrides)
    else:
        fields = {
            "entity_name": company.name,
            "uscc": company.uscc,
            "legal_rep": "张三",
            "address": "广东省广州市天河区体育西路1号",
            "premises": "广东省广州市天河区体育西路1号首层",
            **field_overrides,
        }
    return _issue(
        key, issuer, HolderType.LEGAL, company.name, company.uscc, fields, holder_company=company
    )


def issue_for_person(user, issuer, **field_overrides) -> Licence:
    ensure_seal(issuer)
    fields = resident_fields(user, **field_overrides)
    return _issue(
        "resident-id",
        issuer,
        HolderType.NATURAL,
        user.name,
        user.id_number,
        fields,
        holder_user=user,
    )


def _issue(key, issuer, holder_type, holder_name, holder_code, fields, **holder):
    from tongban.licences.services.issuing import issue_licence
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    actor = StaffFactory(name="签发员")
    RoleAssignmentFactory(user=actor, org_unit=issuer, role="approver")
    return issue_licence(
        licence_type=licence_type(key),
        issuer=issuer,
        holder_type=holder_type,
        holder_name=holder_name,
        holder_code=holder_code,
        fields=fields,
        actor=actor,
        notify=False,
        **holder,
    )


def set_status(licence, status, *, valid_to=None) -> Licence:
    """Test shortcut for a status the verification services would set."""
    updates = {"status": status}
    if valid_to is not None:
        updates["valid_to"] = valid_to
    Licence.objects.filter(pk=licence.pk).update(**updates)
    licence.refresh_from_db()
    return licence


def make_company(legal_rep, name="广州市天河区张三餐饮店"):
    from tongban.identity.models import CompanyAccount

    return CompanyAccount.objects.create(
        uscc=new_uscc(), name=name, entity_type="个体工商户", legal_rep=legal_rep
    )


def authorise(company, agent, scopes):
    from tongban.identity.models import AgentAuthorisation

    return AgentAuthorisation.objects.create(
        company=company,
        agent=agent,
        scopes=list(scopes),
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
        created_by=company.legal_rep,
    )


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


# --- fixtures (import them into the test module) ---------------------------------------------
@pytest.fixture
def company(citizen):
    """张三's 个体工商户, he is its legal representative (经营者)."""
    return make_company(citizen)


@pytest.fixture
def company_licence(company, gz_market_dept):
    return issue_for_company(company, gz_market_dept)


@pytest.fixture
def personal_licence(citizen, gz_market_dept):
    return issue_for_person(citizen, gz_market_dept)


@pytest.fixture
def agent(db):
    """王五, an agent of the company with the scope "licences"."""
    from tongban.testing.factories import UserFactory

    return UserFactory(
        username="440103198803030039",
        id_number="440103198803030039",
        name="王五",
        realname_level=2,
    )


@pytest.fixture
def wallet_registered():
    """The wallet provider, validator and listener as ``CasesConfig.ready`` registers them
    (another test may have swapped the provider)."""
    from tongban.cases import licence_wallet
    from tongban.cases.services import applications

    previous = applications.wallet_provider()
    licence_wallet.register()
    yield licence_wallet.provider
    if previous is not None:
        applications.register_wallet_provider(previous)
