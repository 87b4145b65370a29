"""数据纠错 and 共享交换订阅 on phones, in a real browser.

广州市民政局 holds a bulk grant on 公安局's 人口 resource (set up directly). Its admin
subscribes to the changes (file delivery) on the exchange page and reports a data error; the
公安 admin accepts and records the correction; the 民政 admin confirms it. Every page fits a
390 px wide screen.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tongban.core.models import OrgUnit
from tongban.core.orgunits import department_unit, seed_org_units
from tongban.registries.services import ensure_demo_people
from tongban.sharing.models import CorrectionReport, ExchangeSubscription
from tongban.sharing.services import catalogue, consumers
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.test_journey_browser import PASSWORD, new_phone  # noqa: F401
from tongban.testing.browser import fits_phone
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POP_CODE = "440100-GA-RK-0001"
WANG_ID = "440106199203150049"


@pytest.fixture
def bulk_grant(db):
    seed_org_units()
    ensure_demo_people()
    catalogue.ensure_registry_resources("440100")
    users = {}
    for username, name, department in (
        ("gz_psb_admin", "郑管理", "公安局"),
        ("gz_mca_admin", "黄管理", "民政局"),
    ):
        users[username] = StaffFactory(username=username, name=name)
        RoleAssignmentFactory(
            user=users[username],
            org_unit=department_unit("440100", department),
            role="dept_admin",
            covers_children=True,
        )
    operator = StaffFactory(username="operator", name="周运营")
    RoleAssignmentFactory(
        user=operator,
        org_unit=OrgUnit.objects.get(code="440000"),
        role="operator",
        covers_children=True,
    )
    mca = department_unit("440100", "民政局")
    system, _ = consumers.register_consumer_system(
        actor=users["gz_mca_admin"], org_unit=mca, name="低保核对系统"
    )
    from tongban.sharing.models import Resource

    request = share_requests.submit_request(
        actor=users["gz_mca_admin"],
        resource=Resource.objects.get(code=POP_CODE),
        consumer_system=system,
        items=["id_number", "name", "address"],
        legal_duty="最低生活保障审核确认",
        legal_basis="",
        purpose="最低生活保障家庭经济状况核对",
        period_from=timezone.localdate(),
        period_to=timezone.localdate() + timedelta(days=365),
    )
    return share_requests.approve_request(
        actor=users["gz_psb_admin"],
        share_request=request,
        terms=share_requests.Terms(row_scope="filter", row_division="440100"),
    )


def login(page, username) -> None:
    page.goto("/account/login/")
    page.get_by_label("身份证号或手机号").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="下一步").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_subscribe_and_correction_loop_on_phones(browser, live_server, bulk_grant):
    mca = new_phone(browser, live_server)
    login(mca, "gz_mca_admin")
    mca.goto("/workbench/sharing/exchange/")
    fits_phone(mca)
    mca.get_by_label("授权", exact=True).select_option(index=1)
    mca.get_by_label("用途").fill("最低生活保障家庭经济状况核对")
    mca.get_by_label("交付间隔（分钟）").fill("60")
    mca.get_by_role("button", name="订阅").click()
    expect(mca.get_by_text("已订阅")).to_be_visible()
    fits_phone(mca)
    assert ExchangeSubscription.objects.filter(grant=bulk_grant, status="active").count() == 1

    mca.goto("/workbench/sharing/quality/")
    fits_phone(mca)
    mca.get_by_label("资源（本部门的授权）").select_option(index=1)
    mca.get_by_label("出错记录的关键字").fill(WANG_ID)
    mca.get_by_label("出错的信息项标识（可选）").fill("address")
    mca.get_by_label("错误说明").fill("住址已变更，与实际不符")
    mca.get_by_role("button", name="提交纠错").click()
    expect(mca.get_by_text("待提供方答复")).to_be_visible()
    fits_phone(mca)
    report = CorrectionReport.objects.get()
    url = f"/workbench/sharing/corrections/{report.number}/"

    psb = new_phone(browser, live_server)
    login(psb, "gz_psb_admin")
    psb.goto("/workbench/sharing/quality/")
    expect(psb.get_by_role("link", name="人口基础信息").first).to_be_visible()
    psb.goto(url)
    fits_phone(psb)
    psb.get_by_label("理由 / 更正说明").fill("核实中")
    psb.get_by_role("button", name="受理并更正").click()
    expect(psb.get_by_text("已受理，待更正")).to_be_visible()
    psb.get_by_label("理由 / 更正说明").fill("已按户籍登记更正住址")
    psb.get_by_role("button", name="已更正").click()
    expect(psb.get_by_text("已更正，待确认")).to_be_visible()

    psb.goto(f"/workbench/sharing/quality/resources/{POP_CODE}/")
    expect(psb.get_by_role("button", name="添加规则")).to_be_visible()
    fits_phone(psb)

    mca.goto(url)
    mca.get_by_role("button", name="确认已更正").click()
    expect(mca.get_by_text("已确认")).to_be_visible()
    fits_phone(mca)
    report.refresh_from_db()
    assert report.status == "confirmed"

    ops = new_phone(browser, live_server)
    login(ops, "operator")
    for path, heading in (
        ("/console/sharing/quality/", "数据治理"),
        ("/console/sharing/metrics/", "共享指标"),
    ):
        ops.goto(path)
        expect(ops.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        fits_phone(ops)
