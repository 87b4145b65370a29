"""/api/v1/opendata/: list and show open datasets."""

import pytest

from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
    published_dataset,
    run_import,
)

pytestmark = pytest.mark.django_db


def test_list_and_show(client, gz_market_dept, dept_admin):
    dataset = published_dataset(gz_market_dept, dept_admin, rows=3)
    hidden = make_resource(gz_market_dept, code="440100-YD-009", name="未开放药店名录")
    run_import(hidden, dept_admin, csv_bytes(pharmacy_rows(1)))

    body = client.get("/api/v1/opendata/datasets", {"q": "药店"}).json()
    assert body["count"] == 1 and body["items"][0]["name"] == dataset.name
    assert body["items"][0]["rows"] == 3

    body = client.get(f"/api/v1/opendata/datasets/{dataset.name}").json()
    assert body["resource_code"] == "440100-YD-001"
    assert "remark" not in [c["key"] for c in body["columns"]]
    assert body["versions"][0]["downloads"]["csv"].endswith(
        f"/opendata/datasets/{dataset.name}/download/1.csv"
    )
    assert body["usage"]["api_call"] == 1  # this call is counted

    response = client.get("/api/v1/opendata/datasets/440100-yd-009")
    assert response.status_code == 404 and response.json()["code"] == "dataset_not_found"


def test_list_costs_a_fixed_number_of_queries(
    client, gz_market_dept, dept_admin, django_assert_max_num_queries
):
    for n in range(1, 5):
        published_dataset(gz_market_dept, dept_admin, rows=1, code=f"440100-YD-00{n}")
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/opendata/datasets").json()
    assert body["count"] == 4 and all(item["current_version"] == 1 for item in body["items"])
