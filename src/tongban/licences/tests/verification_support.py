"""Fixtures for the verification, offline, trust and revocation tests: a licence type, a seal
of 广州市市场监督管理局 and licences issued through the real services (signed by the seal)."""

from __future__ import annotations

import datetime

import pytest

from tongban.licences.models import HolderType, LicenceType
from tongban.testing.openssl import openssl, openssl_verifies  # noqa: F401  (re-exported)

AUTHORITY_USCC = "111000008323328337"
PERMIT_SCHEMA = [
    {"name": "name", "label": "姓名", "type": "text", "role": "holder_name"},
    {"name": "id_number", "label": "公民身份号码", "type": "citizen-id", "role": "holder_code"},
    {"name": "address", "label": "经营场所", "type": "text"},
    {"name": "scope", "label": "许可范围", "type": "text"},
]


def make_permit_type(key="food-permit-test", name="食品经营许可证", *, validity_years=5):
    return LicenceType.objects.get_or_create(
        key=key,
        defaults={
            "code": AUTHORITY_USCC + f"{LicenceType.objects.count() + 901:03d}",
            "name": name,
            "defining_authority": "国家市场监督管理总局",
            "defining_authority_uscc": AUTHORITY_USCC,
            "department_name": "市场监督管理局",
            "holder_type": HolderType.NATURAL,
            "validity_years": validity_years,
            "field_schema": PERMIT_SCHEMA,
        },
    )[0]


def issue(permit_type, issuer, holder, *, actor, valid_from=None, **fields):
    from tongban.licences.services import issuing

    return issuing.issue_licence(
        licence_type=permit_type,
        issuer=issuer,
        holder_type=HolderType.NATURAL,
        holder_name=holder.name,
        holder_code=holder.id_number,
        fields={"address": "广州市天河区天河路1号", "scope": "预包装食品销售", **fields},
        actor=actor,
        holder_user=holder,
        valid_from=valid_from,
    )


@pytest.fixture
def permit_type(db):
    return make_permit_type()


@pytest.fixture
def gz_seal(gz_market_dept, dept_admin):
    from tongban.licences.services import seals

    return seals.create_seal(gz_market_dept, actor=dept_admin)


@pytest.fixture
def licence(permit_type, gz_market_dept, gz_seal, citizen, approver):
    return issue(permit_type, gz_market_dept, citizen, actor=approver)


def days_ago(n: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=n)
