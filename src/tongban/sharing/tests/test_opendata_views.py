"""Portal pages, downloads, and the provider/operator pages of open data."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.core.models import AuditEvent
from tongban.sharing.models import DatasetUsage, ImportJob, NegativeListEntry, OpenDataset
from tongban.sharing.services import datasets
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
    published_dataset,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(gz_market_dept, dept_admin):
    return published_dataset(gz_market_dept, dept_admin, rows=6)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- portal ---------------------------------------------------------------------------------
def test_portal_search_and_filters(client, dataset):
    page = client.get("/opendata/", {"q": "药店"})
    assert page.status_code == 200 and "药店名录" in page.content.decode()
    partial = client.get("/opendata/", {"q": "公交"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "没有找到" in text and "<html" not in text
    filtered = client.get("/opendata/", {"topic": "医疗卫生"}).content.decode()
    assert "药店名录" in filtered


def test_dataset_page_metadata_preview_chart_and_usage(client, dataset):
    response = client.get(f"/opendata/datasets/{dataset.name}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "测试药店1" in text and "统一社会信用代码" in text
    assert "内部备注" not in text  # internal item never shown
    assert "<svg" in text and "按“所在区”汇总的“执业药师人数”" in text  # not by the unique names
    assert DatasetUsage.objects.get(dataset=dataset, kind="view").count == 1
    chart = client.get(
        f"/opendata/datasets/{dataset.name}/chart/", {"column": "area"}, HTTP_HX_REQUEST="true"
    )
    assert chart.status_code == 200 and "营业面积" in chart.content.decode()
    assert (
        client.get(f"/opendata/datasets/{dataset.name}/chart/", {"column": "remark"}).status_code
        == 404
    )


def test_downloads_in_three_formats_without_internal_items(client, dataset):
    base = f"/opendata/datasets/{dataset.name}/download/1"
    rows = list(csv.reader(io.StringIO(_body(client.get(base + ".csv")).decode("utf-8-sig"))))
    assert rows[0][:2] == ["药店名称", "统一社会信用代码"] and "内部备注" not in rows[0]
    assert len(rows) == 7 and rows[1][5] == "否"
    data = json.loads(_body(client.get(base + ".json")))
    assert data["version"] == 1 and len(data["records"]) == 6
    assert "remark" not in data["records"][0]
    workbook = openpyxl.load_workbook(io.BytesIO(_body(client.get(base + ".xlsx"))))
    assert workbook.active.max_row == 7
    assert DatasetUsage.objects.get(dataset=dataset, kind="download").count == 3
    assert client.get(base + ".pdf").status_code == 400
    assert client.get(f"/opendata/datasets/{dataset.name}/download/9.csv").status_code == 404


def test_conditional_download_needs_login(client, gz_market_dept, dept_admin, citizen):
    dataset = published_dataset(gz_market_dept, dept_admin, open_type="conditional")
    url = f"/opendata/datasets/{dataset.name}/download/1.csv"
    page = client.get(f"/opendata/datasets/{dataset.name}/").content.decode()
    assert "登录后可预览" in page and "测试药店1" not in page and "<svg" not in page
    chart_url = f"/opendata/datasets/{dataset.name}/chart/?column=area"
    assert client.get(chart_url).status_code == 403
    assert client.get(url).status_code == 403
    assert not DatasetUsage.objects.filter(kind="download").exists()
    client.force_login(citizen)
    assert client.get(url).status_code == 200
    assert "测试药店1" in client.get(f"/opendata/datasets/{dataset.name}/").content.decode()


def test_withdrawn_and_unknown_datasets_are_404(client, dataset, dept_admin):
    from tongban.sharing.services import opendata

    opendata.withdraw_dataset(dataset, actor=dept_admin, reason="更正中")
    assert client.get(f"/opendata/datasets/{dataset.name}/").status_code == 404
    assert client.get(f"/opendata/datasets/{dataset.name}/download/1.csv").status_code == 404
    assert client.get("/opendata/datasets/nothing/").status_code == 404


# --- provider pages -------------------------------------------------------------------------
@pytest.fixture
def resource(gz_market_dept):
    return make_resource(gz_market_dept)


def test_upload_runs_the_import_and_shows_progress(
    client, resource, dept_admin, django_capture_on_commit_callbacks
):
    client.force_login(dept_admin)
    page = client.get(f"/opendata/manage/resources/{resource.code}/")
    assert page.status_code == 200 and "导入新版本" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/opendata/manage/resources/{resource.code}/",
            {"file": SimpleUploadedFile("药店.csv", csv_bytes(pharmacy_rows(4))), "note": "首批"},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/opendata/manage/jobs/{job.pk}/"
    partial = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="accepted"' in partial and "hx-trigger" not in partial
    assert datasets.current_version(resource).row_count == 4


def test_pending_job_partial_polls(client, resource, dept_admin):
    client.force_login(dept_admin)
    client.post(  # on_commit callbacks do not run here: the job stays pending
        f"/opendata/manage/resources/{resource.code}/",
        {"file": SimpleUploadedFile("a.csv", csv_bytes(pharmacy_rows(1)))},
    )
    job = ImportJob.objects.get()
    partial = client.get(
        f"/opendata/manage/jobs/{job.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'value="0"' in partial


def test_rejected_rows_are_listed_on_the_job_page(
    client, resource, dept_admin, django_capture_on_commit_callbacks
):
    client.force_login(dept_admin)
    rows = pharmacy_rows(3)
    rows[2][1] = "123"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/opendata/manage/resources/{resource.code}/",
            {"file": SimpleUploadedFile("a.csv", csv_bytes(rows))},
        )
    job = ImportJob.objects.get()
    text = client.get(f"/opendata/manage/jobs/{job.pk}/").content.decode()
    assert "第 4 行" in text and "统一社会信用代码" in text
    assert datasets.current_version(resource) is None


def test_bad_file_shows_the_error_and_changes_nothing(client, resource, dept_admin):
    client.force_login(dept_admin)
    response = client.post(
        f"/opendata/manage/resources/{resource.code}/",
        {"file": SimpleUploadedFile("a.csv", "名称,电话\n".encode())},
    )
    assert response.status_code == 400
    assert "表头中有资源未登记的列" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_outsiders_cannot_reach_provider_pages(
    client, resource, dept_admin, other_city_clerk, citizen
):
    from tongban.sharing.tests.opendata_support import run_import

    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    before = AuditEvent.objects.count()
    client.force_login(citizen)
    assert client.get("/opendata/manage/").status_code == 403
    client.force_login(other_city_clerk)
    assert client.get("/opendata/manage/").status_code == 403
    from tongban.testing.factories import RoleAssignmentFactory

    sz_admin = RoleAssignmentFactory(role="dept_admin").user  # a department elsewhere
    client.force_login(sz_admin)
    assert client.get(f"/opendata/manage/resources/{resource.code}/").status_code == 404
    response = client.post(
        f"/opendata/manage/resources/{resource.code}/",
        {"file": SimpleUploadedFile("a.csv", csv_bytes(pharmacy_rows(1)))},
    )
    assert response.status_code == 404
    assert (
        client.get(f"/opendata/manage/resources/{resource.code}/download/1.csv").status_code == 404
    )
    assert client.post(f"/opendata/manage/resources/{resource.code}/publish/").status_code == 404
    job = ImportJob.objects.get()
    assert client.get(f"/opendata/manage/jobs/{job.pk}/").status_code == 404
    assert ImportJob.objects.count() == 1 and not OpenDataset.objects.exists()
    assert AuditEvent.objects.count() == before


def test_provider_downloads_every_item(client, resource, dept_admin):
    from tongban.sharing.tests.opendata_support import run_import

    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    client.force_login(dept_admin)
    body = _body(client.get(f"/opendata/manage/resources/{resource.code}/download/1.csv"))
    assert "内部备注" in body.decode("utf-8-sig")


def test_publish_page_refuses_personal_items_with_a_clear_error(client, resource, dept_admin):
    from tongban.sharing.models import DataItem
    from tongban.sharing.tests.opendata_support import run_import

    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    DataItem.objects.create(
        resource=resource, key="manager_id", name="负责人身份证号", sensitivity="personal"
    )
    client.force_login(dept_admin)
    response = client.post(
        f"/opendata/manage/resources/{resource.code}/publish/", {"action": "publish"}
    )
    assert response.status_code == 409
    assert "个人信息或敏感信息项（负责人身份证号）" in response.content.decode()
    assert not OpenDataset.objects.exists()


def test_publish_and_withdraw_from_the_page(client, resource, dept_admin):
    from tongban.sharing.tests.opendata_support import run_import

    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    client.force_login(dept_admin)
    url = f"/opendata/manage/resources/{resource.code}/publish/"
    assert client.post(url, {"action": "publish", "tags": "药店，医保"}).status_code == 302
    dataset = OpenDataset.objects.get()
    assert dataset.tags == ["药店", "医保"]
    client.get(f"/opendata/datasets/{dataset.name}/")
    page = client.get(f"/opendata/manage/resources/{resource.code}/").content.decode()
    assert "浏览 1 次" in page
    assert client.post(url, {"action": "withdraw", "reason": "更正"}).status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == "withdrawn"


def test_negative_list_page(client, resource, operator, dept_admin):
    client.force_login(dept_admin)
    assert client.get("/opendata/manage/negative-list/").status_code == 403
    client.force_login(operator)
    response = client.post("/opendata/manage/negative-list/", {"code": resource.code, "reason": ""})
    assert response.status_code == 400 and not NegativeListEntry.objects.exists()
    response = client.post("/opendata/manage/negative-list/", {"code": "nope", "reason": "x"})
    assert response.status_code == 404
    response = client.post(
        "/opendata/manage/negative-list/", {"code": resource.code, "reason": "涉及国家安全"}
    )
    assert response.status_code == 302
    assert "涉及国家安全" in client.get("/opendata/manage/negative-list/").content.decode()
    client.post("/opendata/manage/negative-list/", {"code": resource.code, "action": "remove"})
    assert not NegativeListEntry.objects.exists()


def test_xlsx_is_refused_beyond_the_sheet_limit(client, dataset, monkeypatch):
    from tongban.sharing.views import opendata_downloads

    monkeypatch.setattr(opendata_downloads, "XLSX_MAX_ROWS", 5)
    response = client.get(f"/opendata/datasets/{dataset.name}/download/1.xlsx")
    assert response.status_code == 400 and "CSV" in response.content.decode()
    assert not DatasetUsage.objects.filter(kind="download").exists()


def test_chart_sums_per_district(dataset):
    from tongban.sharing.services import opendata
    from tongban.sharing.views import opendata_chart

    version = datasets.current_version(dataset.resource)
    data = opendata_chart.chart_data(
        version, opendata.open_columns(dataset.resource), "pharmacists"
    )
    assert data["grouped_by"] == "district"
    assert data["bars"] == [("越秀区", 4.0), ("白云区", 4.0), ("海珠区", 3.0), ("天河区", 2.0)]
    svg = opendata_chart.render_svg(data)
    assert svg.count("<rect") == 4 and "越秀区：4" in svg
