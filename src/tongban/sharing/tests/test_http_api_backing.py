"""Resources backed by a provider's HTTP API: the gateway calls the interface (here the demo
provider, through Django's test client), keeps declared items, applies the grant, and a
provider that is down is a logged 503."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tongban.core.exceptions import DomainError
from tongban.sharing.demo import SOCIAL_INSURANCE_CODE
from tongban.sharing.models import AccessLogEntry, Resource
from tongban.sharing.services import catalogue, gateway, sources
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import LI_ID, WANG_ID, dept, staff, submit

pytestmark = pytest.mark.django_db

API_URL = "http://hrss.gz.example/api/social-insurance/"
ITEMS = [
    {"key": "id_number", "name": "公民身份号码", "sensitivity": "personal"},
    {"key": "name", "name": "姓名", "sensitivity": "personal"},
    {"key": "insurance_status", "name": "参保状态"},
    {"key": "contribution_base", "name": "缴费基数", "type": "integer", "sensitivity": "sensitive"},
    {"key": "division_code", "name": "行政区划"},
]


@pytest.fixture
def hrss(guangzhou):
    return dept(guangzhou, "人力资源和社会保障局")


@pytest.fixture
def insurance(hrss, persons):
    admin = staff("dept_admin", hrss, "gz_hrss_admin", "人社管理")
    resource = catalogue.register_resource(
        actor=admin,
        provider=hrss,
        code=SOCIAL_INSURANCE_CODE,
        name="广州市社会保险参保信息",
        classification="104001",
        items=ITEMS,
        share_type="conditional",
        backing="http_api",
        api_url=API_URL,
        lookup_key="id_number",
        publish=True,
    )
    return resource, admin


@pytest.fixture
def demo_provider(settings, monkeypatch):
    """The provider's interface is the demo view, reached through the test client."""
    settings.SIMULATORS_ENABLED = True
    calls = []

    def fake_get(url):
        calls.append(url)
        parts = urlsplit(url)
        response = Client().get("/data/demo-provider/social-insurance/?" + parts.query)
        if response.status_code != 200:
            raise DomainError("backing_unavailable", "down", status=503)
        return response.json()

    monkeypatch.setattr(sources, "http_get_json", fake_get)
    return calls


def test_gateway_reads_the_provider_interface(insurance, demo_provider, mca_system, mca_admin):
    resource, admin = insurance
    system, _ = mca_system
    share_request = submit(
        mca_admin, resource, system, items=["id_number", "name", "insurance_status"]
    )
    share_requests.approve_request(
        actor=admin,
        share_request=share_request,
        terms=share_requests.Terms(row_division="440100", masking={"name": "name"}),
    )
    result = gateway.lookup(
        application=system.application, resource_code=resource.code, key=WANG_ID, purpose="低保核对"
    )
    assert demo_provider[0].startswith(API_URL + "?id_number=" + WANG_ID)
    assert result.rows == [
        {
            "id_number": WANG_ID,
            "name": "王*",
            "insurance_status": result.rows[0]["insurance_status"],
        }
    ]
    assert result.rows[0]["insurance_status"] in ("参保缴费", "暂停缴费")
    assert result.entry.outcome == "allowed" and result.entry.row_count == 1
    with pytest.raises(DomainError) as excinfo:  # 深圳 resident: outside the interface's rows
        gateway.lookup(
            application=system.application,
            resource_code=resource.code,
            key=LI_ID,
            purpose="低保核对",
        )
    assert excinfo.value.code == "record_not_found"


def test_provider_down_is_a_logged_503(insurance, mca_system, mca_admin, monkeypatch):
    resource, admin = insurance
    system, _ = mca_system
    share_request = submit(mca_admin, resource, system, items=["id_number"])
    share_requests.approve_request(
        actor=admin, share_request=share_request, terms=share_requests.Terms()
    )

    def down(url):
        raise OSError("connection refused")

    monkeypatch.setattr(
        sources, "_opener", type("O", (), {"open": staticmethod(lambda *a, **k: down(a))})()
    )
    with pytest.raises(DomainError) as excinfo:
        gateway.lookup(
            application=system.application,
            resource_code=resource.code,
            key=WANG_ID,
            purpose="低保核对",
        )
    assert excinfo.value.code == "backing_unavailable" and excinfo.value.status == 503
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.outcome == "refused" and entry.refusal_code == "backing_unavailable"


def test_http_api_resource_needs_a_valid_url(hrss):
    admin = staff("dept_admin", hrss, "gz_hrss_admin2", "人社管理")
    for url in ("", "ftp://x.example/", "http://user:pw@x.example/"):
        with pytest.raises(DomainError) as excinfo:
            catalogue.register_resource(
                actor=admin,
                provider=hrss,
                code="440100-RS-XX-0001",
                name="接口资源",
                classification="104",
                items=ITEMS,
                share_type="conditional",
                backing="http_api",
                api_url=url,
            )
        assert excinfo.value.code == "api_url_invalid"
    assert not Resource.objects.exists()


def test_demo_provider_is_a_simulator(client, settings, persons):
    settings.SIMULATORS_ENABLED = False
    assert client.get("/data/demo-provider/social-insurance/").status_code == 404
    settings.SIMULATORS_ENABLED = True
    body = client.get("/data/demo-provider/social-insurance/", {"id_number": WANG_ID}).json()
    assert body["count"] == 1 and body["records"][0]["name"] == "王芳"
