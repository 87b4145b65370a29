"""Fixtures for the types/issuing/import tests: the licence directory imported from the
shared data file and an active seal for 广州市市场监督管理局."""

from __future__ import annotations

import pytest

from tongban.licences.models import LicenceType


@pytest.fixture
def licence_directory(db):
    from tongban.licences.services.types import import_licence_types

    import_licence_types()
    return LicenceType.objects.all()


@pytest.fixture
def business_type(licence_directory):
    return LicenceType.objects.get(key="business-licence")


@pytest.fixture
def resident_type(licence_directory):
    return LicenceType.objects.get(key="resident-id")


@pytest.fixture
def food_type(licence_directory):
    return LicenceType.objects.get(key="food-business-licence")


@pytest.fixture
def gz_seal(gz_market_dept):
    from tongban.licences.services.seals import create_seal

    return create_seal(gz_market_dept, actor=None)


COMPANY_USCC = "91440106739120115G"  # 广州市天河区通办示范科技有限公司 (registries demo data)


def business_fields(**overrides) -> dict:
    fields = {
        "entity_name": "广州市天河区通办示范科技有限公司",
        "uscc": COMPANY_USCC,
        "entity_type": "有限责任公司（自然人投资或控股）",
        "legal_rep": "张三",
        "registered_capital": "500",
        "established_on": "2018-06-01",
        "address": "广东省广州市天河区天河路385号28楼",
        "business_scope": "软件开发；信息技术咨询服务。",
    }
    fields.update(overrides)
    return fields


def issue_business(issuer, actor, **overrides):
    from tongban.licences.services.issuing import issue_licence

    fields = business_fields(**overrides.pop("fields", {}))
    return issue_licence(
        licence_type="business-licence",
        issuer=issuer,
        holder_type="legal",
        holder_name=fields["entity_name"],
        holder_code=overrides.pop("holder_code", COMPANY_USCC),
        fields=fields,
        actor=actor,
        **overrides,
    )
