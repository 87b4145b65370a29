"""The CKAN-compatible Action API: envelope, actions, errors (Django test client)."""

import json

import pytest

from tongban.sharing.models import DatasetUsage, OpenDataset
from tongban.sharing.services import datasets
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
    published_dataset,
    run_import,
)

pytestmark = pytest.mark.django_db

API = "/api/3/action/"


@pytest.fixture
def dataset(gz_market_dept, dept_admin):
    return published_dataset(gz_market_dept, dept_admin, rows=12)


def call(client, action, method="get", **params):
    if method == "post":
        response = client.post(
            API + action, data=json.dumps(params), content_type="application/json"
        )
    else:
        response = client.get(API + action, params)
    return response, response.json()


def test_package_list_and_show(client, dataset):
    response, body = call(client, "package_list")
    assert response.status_code == 200
    assert body["success"] is True and body["result"] == [dataset.name]
    assert body["help"].endswith("/api/3/action/help_show?name=package_list")

    response, body = call(client, "package_show", id=dataset.name)
    package = body["result"]
    assert package["id"] == str(dataset.uuid) and package["title"] == "药店名录"
    assert package["organization"]["title"] == "广州市市场监督管理局"
    assert package["num_resources"] == 1 and package["resources"][0]["datastore_active"] is True
    assert package["resources"][0]["url"].endswith(
        f"/opendata/datasets/{dataset.name}/download/1.csv"
    )
    assert {t["name"] for t in package["tags"]} == {"药店", "医保"}
    assert package["groups"][0]["name"] == "医疗卫生"
    columns = next(e["value"] for e in package["extras"] if e["key"] == "columns")
    assert "remark" not in columns  # internal items are never served
    # by id too, and over POST with a JSON body
    _response, body = call(client, "package_show", method="post", id=str(dataset.uuid))
    assert body["result"]["name"] == dataset.name
    assert DatasetUsage.objects.get(dataset=dataset, kind="api_call").count == 2


def test_not_found_and_validation_errors_have_ckan_shape(client, dataset):
    response, body = call(client, "package_show", id="no-such-dataset")
    assert response.status_code == 404
    assert body["success"] is False and body["error"]["__type"] == "Not Found Error"

    response, body = call(client, "package_show")
    assert response.status_code == 409
    assert body["error"]["__type"] == "Validation Error" and body["error"]["id"] == [
        "Missing value"
    ]

    response, body = call(client, "package_search", rows="many")
    assert response.status_code == 409 and body["error"]["rows"] == ["Invalid integer"]

    response, body = call(client, "package_search", fq="colour:red")
    assert response.status_code == 400 and body["error"]["__type"] == "Search Query Error"

    response = client.get(API + "package_create")
    assert response.status_code == 400 and response.json()["success"] is False


def test_package_search_q_fq_rows_start(client, gz_market_dept, sz_market_dept, dept_admin):
    from tongban.testing.factories import RoleAssignmentFactory

    sz_admin = RoleAssignmentFactory(org_unit=sz_market_dept, role="dept_admin").user
    first = published_dataset(gz_market_dept, dept_admin, rows=2)
    second = published_dataset(
        sz_market_dept,
        sz_admin,
        rows=2,
        code="440300-YD-001",
        name="深圳药店名录",
        topic="市场监管",
    )
    _r, body = call(client, "package_search", q="深圳")
    assert [p["name"] for p in body["result"]["results"]] == [second.name]
    assert body["result"]["count"] == 1

    org = body["result"]["results"][0]["organization"]["name"]
    _r, body = call(client, "package_search", fq=f"organization:{org}")
    assert [p["name"] for p in body["result"]["results"]] == [second.name]

    _r, body = call(client, "package_search", fq='groups:"医疗卫生"')
    assert [p["name"] for p in body["result"]["results"]] == [first.name]

    _r, body = call(client, "package_search", q="tags:药店", rows=1, start=1, sort="name asc")
    assert body["result"]["count"] == 2
    assert [p["name"] for p in body["result"]["results"]] == [sorted([first.name, second.name])[1]]


def test_organizations(client, dataset):
    _r, body = call(client, "organization_list")
    assert len(body["result"]) == 1
    name = body["result"][0]
    _r, body = call(client, "organization_list", all_fields="true")
    assert body["result"][0]["package_count"] == 1
    _r, body = call(client, "organization_show", id=name, include_datasets="true")
    assert body["result"]["packages"][0]["name"] == dataset.name
    response, body = call(client, "organization_show", id="org-999999")
    assert response.status_code == 404 and body["error"]["__type"] == "Not Found Error"


def test_datastore_search_filters_limit_offset(client, dataset):
    version = datasets.current_version(dataset.resource)
    _r, body = call(
        client,
        "datastore_search",
        resource_id=str(version.uuid),
        filters=json.dumps({"district": "天河区"}),
        limit=2,
        offset=1,
    )
    result = body["result"]
    assert result["total"] == 3  # rows 1, 5, 9 are in 天河区
    assert [r["_id"] for r in result["records"]] == [5, 9]
    assert result["records"][0]["district"] == "天河区"
    assert "remark" not in result["records"][0]
    assert {"id": "pharmacists", "type": "int", "info": {"label": "执业药师人数"}} in result[
        "fields"
    ]
    assert isinstance(result["records"][0]["area"], float)
    assert result["_links"]["next"].endswith("offset=3")

    response, body = call(
        client,
        "datastore_search",
        resource_id=str(version.uuid),
        filters=json.dumps({"remark": "x"}),
    )
    assert response.status_code == 409 and body["error"]["__type"] == "Validation Error"

    response, body = call(
        client,
        "datastore_search",
        resource_id=str(version.uuid),
        filters=json.dumps({"pharmacists": "many"}),
    )
    assert response.status_code == 409

    response, body = call(
        client, "datastore_search", resource_id="00000000-0000-0000-0000-000000000000"
    )
    assert response.status_code == 404


def test_earlier_versions_stay_listed_and_queryable(client, dataset, dept_admin):
    run_import(dataset.resource, dept_admin, csv_bytes(pharmacy_rows(3)), note="三月更新")
    _r, body = call(client, "package_show", id=dataset.name)
    resources = body["result"]["resources"]
    assert [(r["version_number"], r["is_current_version"]) for r in resources] == [
        (2, True),
        (1, False),
    ]
    _r, body = call(client, "resource_show", id=resources[1]["id"])
    assert body["result"]["row_count"] == 12
    _r, body = call(client, "datastore_search", resource_id=resources[1]["id"], limit=0)
    assert body["result"]["total"] == 12


def test_conditional_dataset_rows_need_login(client, gz_market_dept, dept_admin, citizen):
    dataset = published_dataset(gz_market_dept, dept_admin, open_type="conditional")
    version = datasets.current_version(dataset.resource)
    response, body = call(client, "datastore_search", resource_id=str(version.uuid))
    assert response.status_code == 403 and body["error"]["__type"] == "Authorization Error"
    client.force_login(citizen)
    response, body = call(client, "datastore_search", resource_id=str(version.uuid))
    assert response.status_code == 200 and body["result"]["total"] == 5


def test_a_resource_that_gains_a_personal_item_is_no_longer_served(client, dataset):
    from tongban.sharing.models import DataItem

    DataItem.objects.create(
        resource=dataset.resource, key="owner_id", name="负责人身份证号", sensitivity="personal"
    )
    _r, body = call(client, "package_list")
    assert body["result"] == []
    response, body = call(client, "package_show", id=dataset.name)
    assert response.status_code == 404 and "停止开放" in body["error"]["message"]
    assert OpenDataset.objects.get(pk=dataset.pk).status == "published"  # nothing rewritten


def test_unpublished_resources_are_not_in_the_api(client, gz_market_dept, dept_admin):
    resource = make_resource(gz_market_dept)
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    _r, body = call(client, "package_list")
    assert body["result"] == []
    version = datasets.current_version(resource)
    response, _body = call(client, "datastore_search", resource_id=str(version.uuid))
    assert response.status_code == 404


def test_status_and_help(client):
    _r, body = call(client, "status_show")
    assert body["result"]["extensions"] == ["datastore"]
    _r, body = call(client, "help_show", name="package_search")
    assert "fq" in body["result"]


def test_datastore_search_q_finds_chinese_text(client, dataset):
    version = datasets.current_version(dataset.resource)
    _r, body = call(client, "datastore_search", resource_id=str(version.uuid), q="测试药店12")
    assert [r["name"] for r in body["result"]["records"]] == ["测试药店12"]


def test_package_search_costs_a_fixed_number_of_queries(
    client, gz_market_dept, dept_admin, django_assert_max_num_queries
):
    for n in range(1, 4):
        published_dataset(gz_market_dept, dept_admin, rows=1, code=f"440100-YD-00{n}")
    with django_assert_max_num_queries(8):
        _r, body = call(client, "package_search", rows=10)
    assert body["result"]["count"] == 3
    for n in range(4, 8):
        published_dataset(gz_market_dept, dept_admin, rows=1, code=f"440100-YD-00{n}")
    with django_assert_max_num_queries(8):
        _r, body = call(client, "package_search", rows=10)
    assert len(body["result"]["results"]) == 7


def test_package_search_mixes_words_and_field_terms_and_counts_facets(
    client, gz_market_dept, dept_admin
):
    first = published_dataset(gz_market_dept, dept_admin, rows=1)
    published_dataset(
        gz_market_dept,
        dept_admin,
        rows=1,
        code="440100-YD-002",
        name="养老机构名录",
        topic="社会保障",
    )
    _r, body = call(client, "package_search", q="名录 groups:医疗卫生")
    assert [p["name"] for p in body["result"]["results"]] == [first.name]

    _r, body = call(client, "package_search", **{"facet.field": json.dumps(["groups", "tags"])})
    result = body["result"]
    assert result["facets"]["groups"] == {"医疗卫生": 1, "社会保障": 1}
    assert result["facets"]["tags"] == {"医保": 2, "药店": 2}
    items = result["search_facets"]["groups"]["items"]
    assert {"name": "社会保障", "display_name": "社会保障", "count": 1} in items

    response, body = call(client, "package_search", **{"facet.field": '["colour"]'})
    assert response.status_code == 400 and body["error"]["__type"] == "Search Query Error"


def test_datastore_q_searches_public_values_only(client, gz_market_dept, dept_admin):
    from tongban.sharing.models import DatasetRow

    dataset = published_dataset(gz_market_dept, dept_admin, rows=3)
    version = datasets.current_version(dataset.resource)
    row = DatasetRow.objects.get(version=version, line=2)
    row.data["remark"] = "内部核查中"
    row.save()
    for probe in ["内部核查", "remark", "pharmacists"]:
        _r, body = call(client, "datastore_search", resource_id=str(version.uuid), q=probe)
        assert body["result"]["total"] == 0, probe
    _r, body = call(
        client, "datastore_search", resource_id=str(version.uuid), q="越秀", fields="name"
    )
    assert body["result"]["records"] == [{"_id": 2, "name": "测试药店2"}]
