"""Open data in a real browser (Debian chromium), on a phone: a department admin imports a
file with a bad row (refused, rows listed), imports a good one while the page polls the
progress, publishes it; a visitor finds the dataset on the portal, sees the preview and the
chart, and switches the chart's column."""

import re

import pytest
from playwright.sync_api import expect

from tongban.sharing.models import ImportJob
from tongban.sharing.services import imports
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
)
from tongban.testing.browser import fits_phone, login_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_publish_and_browse_on_a_phone(phone_page, gz_market_dept, dept_admin, monkeypatch):
    page = phone_page
    make_resource(gz_market_dept)
    queued = []
    monkeypatch.setattr(imports, "_enqueue", queued.append)  # the test plays the worker

    login_staff(page, dept_admin.username)
    page.goto("/opendata/manage/")
    page.get_by_role("link", name="药店名录").click()
    expect(page.get_by_role("heading", name="导入新版本")).to_be_visible()
    fits_phone(page)

    bad = pharmacy_rows(3)
    bad[1][4] = "两"
    page.get_by_label("数据文件").set_input_files(
        files=[{"name": "药店.csv", "mimeType": "text/csv", "buffer": csv_bytes(bad)}]
    )
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-status")).to_have_text("排队中")
    imports.run_import(queued.pop())
    expect(page.locator("#import-status")).to_have_text("已拒绝")  # the page polled
    expect(page.locator("#rejected-rows")).to_contain_text("第 3 行")
    expect(page.locator("#rejected-rows")).to_contain_text("执业药师人数")
    fits_phone(page)

    page.get_by_role("link", name=re.compile("药店名录")).click()
    page.get_by_label("数据文件").set_input_files(
        files=[{"name": "药店.csv", "mimeType": "text/csv", "buffer": csv_bytes(pharmacy_rows(8))}]
    )
    page.get_by_label("更新说明（可选）").fill("首批")
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-status")).to_have_text("排队中")
    imports.run_import(queued.pop())
    expect(page.locator("#import-status")).to_have_text("已导入")
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    assert ImportJob.objects.filter(status="accepted").count() == 1

    page.get_by_role("link", name=re.compile("药店名录")).click()
    page.get_by_label("标签（逗号分隔，可选）").fill("药店，医保")
    page.get_by_role("button", name="发布到开放数据门户").click()
    expect(page.get_by_text("数据集已在开放数据门户发布。")).to_be_visible()

    page.goto("/opendata/")
    page.get_by_label("搜索数据集").fill("药店")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#od-results")).to_contain_text("共 1 个数据集")
    page.locator("#od-results").get_by_role("link", name="药店名录").click()
    expect(page.get_by_role("heading", name="数据预览")).to_be_visible()
    expect(page.locator("table")).to_contain_text("测试药店1")
    expect(page.locator("#od-chart svg")).to_be_visible()
    fits_phone(page)
    page.get_by_label("数值列").select_option("area")
    expect(page.locator("#od-chart figcaption")).to_contain_text("营业面积")
    expect(page.get_by_role("link", name="CSV").first).to_be_visible()
    fits_phone(page)
