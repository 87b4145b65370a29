"""Open311 GeoReport v2: a standard client lists services, reads a definition, files a
request and follows its status — over plain HTTP against the live server — plus the spec's
error format for bad input."""

import json
from xml.etree import ElementTree

import pytest
import requests

from tongban.core.models import AuditEvent
from tongban.identity.oidc import services as oidc_services
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.services import workorders as svc
from tongban.servicedesk.tests import _workorder_setup as setup

env_clerk = setup.env_clerk  # shared fixture
gz_env_dept = setup.gz_env_dept  # shared fixture

BASE = "/open311/v2"


@pytest.fixture
def open311_client(operator):
    return oidc_services.register_client(
        actor=operator, name="市民随手拍", kind="machine", scopes=["servicedesk:open311"]
    )


@pytest.fixture
def api_key(settings):
    settings.OPEN311_API_KEYS = ["test-key-0123456789"]
    return "test-key-0123456789"


REQUEST = {
    "service_code": "complaint",
    "description": "体育西路人行道井盖松动，行人经过很危险",
    "address_string": "广州市天河区体育西路 100 号",
    "lat": "23.135",
    "long": "113.321",
    "phone": "13712345678",
    "first_name": "明",
    "last_name": "黄",
    "attribute[district]": "440106",
    "attribute[title]": "井盖松动",
}


@pytest.mark.django_db(transaction=True)
def test_round_trip_with_a_plain_http_client(
    live_server, open311_client, guangzhou, gz_env_dept, env_clerk, hotline_operator
):
    app, secret = open311_client
    http = requests.Session()
    token = http.post(
        f"{live_server.url}/o/token/",
        data={"grant_type": "client_credentials", "scope": "servicedesk:open311"},
        auth=(app.client_id, secret),
        timeout=30,
    ).json()["access_token"]

    services = http.get(f"{live_server.url}{BASE}/services.json", timeout=30)
    assert services.status_code == 200
    codes = {s["service_code"] for s in services.json()}
    assert codes == {"complaint", "consultation", "suggestion", "help"}
    assert {"service_name", "metadata", "type", "keywords", "group", "description"} <= set(
        services.json()[0]
    )
    definition = http.get(f"{live_server.url}{BASE}/services/complaint.json", timeout=30).json()
    assert definition["service_code"] == "complaint"
    assert [a["code"] for a in definition["attributes"]] == ["title", "district", "urgent"]

    created = http.post(
        f"{live_server.url}{BASE}/requests.json",
        data={**REQUEST, "api_key": token, "jurisdiction_id": "440100"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    (answer,) = created.json()
    number = answer["service_request_id"]
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    order = WorkOrder.objects.get(number=number)
    assert order.channel == "open311" and order.division_code == "440106"
    assert order.open311_client == "open311:市民随手拍" and order.contact_name == "黄 明"

    status = http.get(f"{live_server.url}{BASE}/requests/{number}.json", timeout=30).json()
    assert status[0]["status"] == "open" and status[0]["service_code"] == "complaint"
    assert status[0]["agency_responsible"] == "12345热线"

    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已通知养护单位更换井盖。")
    svc.conclude_work_order(order, actor=hotline_operator)

    listed = http.get(
        f"{live_server.url}{BASE}/requests.json",
        params={"service_request_id": number},
        timeout=30,
    ).json()
    assert len(listed) == 1 and listed[0]["status"] == "closed"
    assert listed[0]["status_notes"] == "已通知养护单位更换井盖。"
    assert listed[0]["agency_responsible"] == "广州市生态环境局"
    assert "13712345678" not in json.dumps(listed, ensure_ascii=False)
    assert listed[0]["address"].endswith("****")


def test_errors_use_the_open311_format_and_create_nothing(client, api_key, guangzhou):
    cases = [
        ({**REQUEST}, 403, "api_key"),  # no api_key
        ({**REQUEST, "api_key": "wrong"}, 403, "api_key"),
        ({**REQUEST, "api_key": api_key, "service_code": "pothole"}, 404, "service_code"),
        ({**REQUEST, "api_key": api_key, "service_code": ""}, 400, "service_code"),
        ({**REQUEST, "api_key": api_key, "jurisdiction_id": "nowhere"}, 404, "jurisdiction_id"),
        (
            {**REQUEST, "api_key": api_key, "address_string": "", "lat": ""},
            400,
            "address_string",
        ),
        ({**REQUEST, "api_key": api_key, "lat": "999", "address_string": ""}, 400, "lat"),
        ({**REQUEST, "api_key": api_key, "description": ""}, 400, "诉求内容"),
        ({**REQUEST, "api_key": api_key, "phone": ""}, 400, "phone"),
        ({**REQUEST, "api_key": api_key, "phone": "123"}, 400, "手机"),
    ]
    for data, status, words in cases:
        response = client.post(f"{BASE}/requests.json", data)
        assert response.status_code == status, (data, response.content)
        body = response.json()
        assert isinstance(body, list) and set(body[0]) == {"code", "description"}
        assert body[0]["code"] == status and words in body[0]["description"]
    assert not WorkOrder.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="servicedesk.").exists()


def test_configured_key_files_a_request_and_xml_is_served(client, api_key, guangzhou):
    response = client.post(f"{BASE}/requests.xml", {**REQUEST, "api_key": api_key})
    assert response.status_code == 201
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests"
    number = root.find("request/service_request_id").text
    detail = client.get(f"{BASE}/requests/{number}.xml")
    assert ElementTree.fromstring(detail.content).find("request/status").text == "open"
    services = ElementTree.fromstring(client.get(f"{BASE}/services.xml").content)
    assert len(services.findall("service")) == 4
    missing = client.get(f"{BASE}/requests/000.xml")
    assert missing.status_code == 404
    assert ElementTree.fromstring(missing.content).find("error/code").text == "404"


def test_status_queries_and_unknown_ids(client, api_key, guangzhou):
    client.post(f"{BASE}/requests.json", {**REQUEST, "api_key": api_key})
    response = client.get(f"{BASE}/requests.json", {"status": "open", "service_code": "complaint"})
    assert response.status_code == 200 and len(response.json()) == 1
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    bad = client.get(f"{BASE}/requests.json", {"status": "pending"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400
    assert client.get(f"{BASE}/requests/19990101000000.json").status_code == 404
    assert client.get(f"{BASE}/services/pothole.json").json()[0]["code"] == 404


def test_the_public_list_holds_only_open311_requests(client, api_key, guangzhou, citizen):
    """Orders filed on the web, by phone or from the assistant never appear in the public
    Open311 list, not even masked."""
    setup.file_complaint(citizen)
    client.post(f"{BASE}/requests.json", {**REQUEST, "api_key": api_key})
    listed = client.get(f"{BASE}/requests.json", {"start_date": "2000-01-01T00:00:00Z"}).json()
    assert len(listed) == 1
    assert WorkOrder.objects.count() == 2


def test_json_body_and_rate_limit_by_phone(client, api_key, guangzhou, settings):
    settings.WORKORDER_RATE_LIMIT = 1
    body = json.dumps({**REQUEST, "api_key": api_key})
    first = client.post(f"{BASE}/requests.json", body, content_type="application/json")
    assert first.status_code == 201
    second = client.post(f"{BASE}/requests.json", body, content_type="application/json")
    assert second.status_code == 429 and second.json()[0]["code"] == 429
    assert WorkOrder.objects.count() == 1


def test_service_discovery_names_this_endpoint(client):
    body = client.get(f"{BASE}/discovery.json").json()
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert "text/xml" in endpoint["formats"]
    xml = ElementTree.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert xml.find("endpoints/endpoint/url").text == "http://testserver/open311/v2"
