import pytest

from tongban.catalog import services
from tongban.catalog.importer import import_catalog
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db
BASE = "/api/v1/catalog"


@pytest.fixture
def catalogue(gz_market_dept, sz_market_dept):
    import_catalog()


def test_list_items_search_and_pagination(client, catalogue):
    body = client.get(f"{BASE}/items", {"q": "开个体户"}).json()
    assert body["items"][0]["name"] == "个体工商户设立登记"
    assert body["items"][0]["url"] == "/services/sole-trader-registration/"
    everything = client.get(f"{BASE}/items", {"page_size": 10, "page": 2}).json()
    assert everything["count"] == 45 and len(everything["items"]) == 10
    last = client.get(f"{BASE}/items", {"page_size": 10, "page": 5}).json()
    assert len(last["items"]) == 5


def test_list_items_filters(client, catalogue):
    body = client.get(f"{BASE}/items", {"audience": "legal", "zero_visit": "true"}).json()
    assert body["count"] > 0
    assert all(i["audience"] in ("legal", "both") and i["max_visits"] == 0 for i in body["items"])
    body = client.get(
        f"{BASE}/items", {"division": "440100", "department": "市场监督管理局"}
    ).json()
    assert {i["department_name"] for i in body["items"]} == {"市场监督管理局"}


@pytest.mark.parametrize(
    "params", [{"audience": "aliens"}, {"division": "44"}, {"page": 0}, {"page_size": 1000}]
)
def test_list_items_bad_input(client, catalogue, params):
    assert client.get(f"{BASE}/items", params).status_code == 422


def test_list_items_query_count(client, catalogue, django_assert_max_num_queries):
    client.get(f"{BASE}/items", {"q": "结婚"})  # index built
    with django_assert_max_num_queries(3):  # revision token + one page of items
        client.get(f"{BASE}/items", {"q": "登记", "page_size": 50})


def test_get_item(client, catalogue):
    body = client.get(f"{BASE}/items/business-startup-one-window").json()
    assert body["basic_code"] and body["handling_type"] == "承诺件"
    assert body["legal_days"] == 15 and body["promised_days"] == 1
    assert body["materials"][2]["licence_type_name"] == "居民身份证"
    review = body["stages"][0]
    assert review["parallel"] and len(review["tasks"]) == 4
    assert {i["org_unit_code"] for i in body["implementations"]} == {
        "440100-市场监督管理局",
        "440300-市场监督管理局",
    }
    assert body["implementations"][0]["apply_url"].startswith("/my/cases/new/")
    assert body["output_names"] == ["营业执照"]
    assert body["rating"] is None
    for key in ("basis", "conditions", "consultation", "complaint", "halls_and_hours"):
        assert body[key]


def test_get_item_unknown_and_unpublished(client, catalogue):
    response = client.get(f"{BASE}/items/nope")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_withdrawn_item_is_flagged(client, catalogue):
    services.withdraw_item(ServiceItem.objects.get(key="legal-aid"), actor=None)
    assert client.get(f"{BASE}/items/legal-aid").json()["is_withdrawn"] is True
    names = [i["name"] for i in client.get(f"{BASE}/items", {"q": "法律援助"}).json()["items"]]
    assert "法律援助申请" not in names, names


def test_openapi_operation_ids(client):
    schema = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"catalog_list_items", "catalog_get_item"} <= ids
