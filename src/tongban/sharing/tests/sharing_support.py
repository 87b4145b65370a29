"""Shared set-up of the sharing tests: Guangzhou's 公安局 (provider of the population
resource), 民政局 (consumer), Shenzhen's 民政局 (the other city), registry persons, consumer
systems with machine credentials, and helpers to obtain a token and call the gateway."""

import base64
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tongban.registries.models import LegalEntity, Person
from tongban.sharing.models import Resource
from tongban.sharing.services import catalogue, consumers
from tongban.sharing.services import requests as share_requests
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

WANG_ID = "440106199203150049"  # 王芳, household in 天河区 (广州)
LI_ID = "440304198505050020"  # 李四, household in 福田区 (深圳)
ZHAO_ID = "440111198001010018"  # 赵六, household in 白云区 (广州)
POP_CODE = "440100-GA-RK-0001"
ENTITY_CODE = "440100-SJ-FR-0001"


def dept(parent, name):
    return OrgUnitFactory(
        code=f"{parent.division_code}-{name}",
        name=name,
        kind="department",
        division_code=parent.division_code,
        parent=parent,
    )


def staff(role, unit, username, name, covers_children=True):
    user = StaffFactory(username=username, name=name)
    RoleAssignmentFactory(user=user, org_unit=unit, role=role, covers_children=covers_children)
    return user


@pytest.fixture
def gz_psb(guangzhou):
    return dept(guangzhou, "公安局")


@pytest.fixture
def gz_mca(guangzhou):
    return dept(guangzhou, "民政局")


@pytest.fixture
def sz_mca(shenzhen):
    return dept(shenzhen, "民政局")


@pytest.fixture
def psb_admin(gz_psb):
    return staff("dept_admin", gz_psb, "gz_psb_admin", "郑管理")


@pytest.fixture
def mca_admin(gz_mca):
    return staff("dept_admin", gz_mca, "gz_mca_admin", "黄管理")


@pytest.fixture
def sz_mca_admin(sz_mca):
    return staff("dept_admin", sz_mca, "sz_mca_admin", "深管理")


@pytest.fixture
def persons(db):
    people = [
        (
            WANG_ID,
            "王芳",
            "F",
            date(1992, 3, 15),
            "440106",
            "广州市天河区体育东路1号",
            "13700137000",
        ),
        (LI_ID, "李四", "F", date(1985, 5, 5), "440304", "深圳市福田区福华路2号", "13900139000"),
        (ZHAO_ID, "赵六", "M", date(1980, 1, 1), "440111", "广州市白云区机场路3号", "13600136000"),
    ]
    return [
        Person.objects.create(
            id_number=i, name=n, gender=g, birth_date=b, division_code=d, address=a, phone=p
        )
        for i, n, g, b, d, a, p in people
    ]


@pytest.fixture
def entities(db):
    return [
        LegalEntity.objects.create(
            uscc="91440106MA5D000001",
            name="广州示例科技有限公司",
            entity_type="enterprise",
            legal_rep_id_number=WANG_ID,
            legal_rep_name="王芳",
            address="广州市天河区",
            division_code="440106",
            established_date=date(2020, 1, 1),
        )
    ]


@pytest.fixture
def registry_resources(gz_psb, gz_market_dept, persons, entities):
    catalogue.ensure_registry_resources("440100")
    return Resource.objects.get(code=POP_CODE), Resource.objects.get(code=ENTITY_CODE)


@pytest.fixture
def population(registry_resources):
    return registry_resources[0]


@pytest.fixture
def mca_system(gz_mca, mca_admin):
    return consumers.register_consumer_system(actor=mca_admin, org_unit=gz_mca, name="低保核对系统")


@pytest.fixture
def sz_system(sz_mca, sz_mca_admin):
    return consumers.register_consumer_system(
        actor=sz_mca_admin, org_unit=sz_mca, name="深圳低保系统"
    )


def submit(actor, resource, system, items=("id_number", "name", "address"), **kwargs):
    today = timezone.localdate()
    values = {
        "legal_duty": "最低生活保障审核确认",
        "purpose": "最低生活保障家庭经济状况核对",
        "period_from": today,
        "period_to": today + timedelta(days=365),
    }
    values.update(kwargs)
    return share_requests.submit_request(
        actor=actor, resource=resource, consumer_system=system, items=list(items), **values
    )


@pytest.fixture
def granted(population, mca_system, mca_admin, psb_admin):
    """The 民政局's request for 人口 items approved by the 公安局: 广州 rows only, lookup by ID
    number only, name and address masked, reference required."""
    system, _secret = mca_system
    share_request = submit(mca_admin, population, system)
    grant = share_requests.approve_request(
        actor=psb_admin,
        share_request=share_request,
        terms=share_requests.Terms(
            row_scope="lookup",
            row_division="440100",
            masking={"name": "name", "address": "address"},
            rate_limit_per_minute=5,
            require_reference=True,
        ),
    )
    return share_request, grant


def basic(client_id, secret):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_for(client, system_and_secret) -> str:
    system, secret = system_and_secret
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "sharing:gateway"},
        HTTP_AUTHORIZATION=basic(system.client_id, secret),
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]
