"""The sharing pages: catalogue search, requesting, the provider's decision with terms,
arbitration, who used the data, and the citizen's 我的数据使用记录."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.models import AuditEvent
from tongban.sharing.models import ConsumerSystem, Grant, Resource, ShareRequest
from tongban.sharing.services import gateway
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import POP_CODE, WANG_ID, submit
from tongban.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_catalogue_search_and_htmx_partial(client, registry_resources, mca_admin):
    client.force_login(mca_admin)
    page = client.get("/data/", {"q": "人口"}).content.decode()
    assert "人口基础信息" in page and "法人基础信息" not in page
    partial = client.get("/data/", {"share_type": "unconditional"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and "法人基础信息" in text and "人口基础信息" not in text
    detail = client.get(f"/data/{POP_CODE}/").content.decode()
    assert "公民身份号码" in detail and "申请共享" in detail


def test_catalogue_is_for_staff(client, registry_resources, citizen):
    assert client.get("/data/").status_code == 302
    client.force_login(citizen)
    assert client.get("/data/").status_code == 403
    assert client.get(f"/data/{POP_CODE}/").status_code == 403


def test_register_system_and_request_through_the_pages(client, population, gz_mca, mca_admin):
    client.force_login(mca_admin)
    response = client.post(
        "/workbench/sharing/systems/new/", {"org_unit": gz_mca.pk, "name": "低保核对系统"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    system = ConsumerSystem.objects.get()
    assert response.context["secret"] in response.content.decode()
    today = timezone.localdate()
    response = client.post(
        f"/workbench/sharing/resources/{POP_CODE}/request/",
        {
            "consumer_system": system.pk,
            "items": ["id_number", "name"],
            "legal_duty": "最低生活保障审核确认",
            "purpose": "低保家庭经济状况核对",
            "period_from": today.isoformat(),
            "period_to": (today + timedelta(days=180)).isoformat(),
        },
    )
    share_request = ShareRequest.objects.get()
    assert response.status_code == 302 and share_request.number in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "待提供方审核" in page and "撤回申请" in page and "同意共享" not in page


def test_request_form_bad_input_changes_nothing(client, population, mca_system, mca_admin):
    system, _ = mca_system
    client.force_login(mca_admin)
    response = client.post(
        f"/workbench/sharing/resources/{POP_CODE}/request/",
        {
            "consumer_system": system.pk,
            "items": ["id_number"],
            "legal_duty": "x",
            "purpose": "y",
            "period_from": "2020-01-01",
            "period_to": "2020-02-01",
        },
    )
    assert response.status_code == 200 and "使用期限不正确" in response.content.decode()
    assert not ShareRequest.objects.exists()


def test_provider_approves_with_row_scope_and_masking(
    client, population, mca_system, mca_admin, psb_admin
):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    client.force_login(psb_admin)
    url = f"/workbench/sharing/requests/{share_request.number}/"
    page = client.get(url)
    assert "同意共享" in page.content.decode()
    form = page.context["approve_form"]
    assert form["row_division"].initial == "440100" and form["mask_name"].initial == "name"
    response = client.post(
        url,
        {
            "action": "approve",
            "row_scope": "lookup",
            "row_division": "440100",
            "rate_limit_per_minute": 30,
            "expires_on": share_request.period_to.isoformat(),
            "require_reference": "on",
            "mask_id_number": "",
            "mask_name": "name",
            "mask_address": "address",
        },
    )
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (
        grant.masking == {"name": "name", "address": "address"}
        and grant.rate_limit_per_minute == 30
    )
    assert "共享授权" in client.get(url).content.decode()


def test_provider_refuses_with_reason_on_the_page(
    client, population, mca_system, mca_admin, psb_admin
):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    client.force_login(psb_admin)
    url = f"/workbench/sharing/requests/{share_request.number}/"
    response = client.post(url, {"action": "refuse", "refuse-reason": ""})
    assert response.status_code == 200
    share_request.refresh_from_db()
    assert share_request.status == "submitted"
    client.post(url, {"action": "refuse", "refuse-reason": "用途与权责事项不符"})
    share_request.refresh_from_db()
    assert share_request.status == "refused"
    client.force_login(mca_admin)
    assert "用途与权责事项不符" in client.get(url).content.decode()


def test_other_city_cannot_open_or_decide(client, population, mca_system, mca_admin, sz_mca_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    client.force_login(sz_mca_admin)
    url = f"/workbench/sharing/requests/{share_request.number}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "refuse", "refuse-reason": "不同意"}).status_code == 404
    share_request.refresh_from_db()
    assert share_request.status == "submitted"
    assert not AuditEvent.objects.filter(event_type="sharing.request_refused").exists()


def test_operator_arbitrates_in_the_console(
    client, population, mca_system, mca_admin, operator, psb_admin
):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    ShareRequest.objects.filter(pk=share_request.pk).update(status="escalated")
    client.force_login(psb_admin)
    assert client.get("/console/sharing/").status_code == 403
    client.force_login(operator)
    assert share_request.number in client.get("/console/sharing/").content.decode()
    url = f"/console/sharing/requests/{share_request.number}/"
    response = client.post(url, {"decision": "grant", "reason": "协调后同意"})
    assert response.status_code == 302
    share_request.refresh_from_db()
    assert share_request.status == "granted" and share_request.decided_by_kind == "arbitration"
    response = client.post("/console/sharing/access-log/verify/", follow=True)
    assert "日志链完整" in response.content.decode()


def test_resource_registration_page(client, gz_mca, mca_admin):
    client.force_login(mca_admin)
    response = client.post(
        "/workbench/sharing/resources/new/",
        {
            "provider": gz_mca.pk,
            "code": "440100-MZ-DB-0001",
            "name": "最低生活保障对象信息",
            "classification": "103002",
            "share_type": "conditional",
            "open_type": "closed",
            "update_cycle": "monthly",
            "backing": "dataset",
            "items": "id_number,身份证号,string,18,personal,是\namount,保障金额,integer",
            "publish": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    resource = Resource.objects.get()
    assert resource.is_published and resource.item_keys() == ["id_number", "amount"]


def test_provider_and_citizen_see_the_access(client, granted, mca_system, psb_admin):
    system, _ = mca_system
    gateway.lookup(
        application=system.application,
        resource_code=POP_CODE,
        key=WANG_ID,
        purpose="最低生活保障家庭经济状况核对",
        reference="MZ2026000123",
    )
    client.force_login(psb_admin)
    page = client.get("/workbench/sharing/access-log/").content.decode()
    assert "广州市民政局" in page and "MZ2026000123" in page
    wang = UserFactory(username=WANG_ID, id_number=WANG_ID, name="王芳", realname_level=2)
    client.force_login(wang)
    response = client.get("/my/data-usage/")
    page = response.content.decode()
    assert "广州市民政局" in page and "最低生活保障家庭经济状况核对" in page and "姓名" in page
    assert response["Cache-Control"] == "private, no-store"


def test_an_unverified_id_number_sees_nothing(client, granted, mca_system):
    """At L1 the ID number is only self-declared: someone who registered with 王芳's number
    must not learn who read her data."""
    system, _ = mca_system
    gateway.lookup(
        application=system.application,
        resource_code=POP_CODE,
        key=WANG_ID,
        purpose="核对",
        reference="MZ1",
    )
    claimant = UserFactory(username=WANG_ID, id_number=WANG_ID, name="王芳", realname_level=1)
    client.force_login(claimant)
    page = client.get("/my/data-usage/").content.decode()
    assert "广州市民政局" not in page and "暂无记录" in page


def test_other_citizen_sees_nothing(client, granted, mca_system, outsider):
    system, _ = mca_system
    gateway.lookup(
        application=system.application,
        resource_code=POP_CODE,
        key=WANG_ID,
        purpose="核对",
        reference="MZ1",
    )
    client.force_login(outsider)
    page = client.get("/my/data-usage/").content.decode()
    assert "广州市民政局" not in page and "暂无记录" in page
    client.logout()
    assert client.get("/my/data-usage/").status_code == 302


def test_provider_publishes_and_retires_its_resource(client, gz_mca, mca_admin, psb_admin):
    from tongban.sharing.services import catalogue

    resource = catalogue.register_resource(
        actor=mca_admin,
        provider=gz_mca,
        code="440100-MZ-DB-0001",
        name="最低生活保障对象信息",
        classification="103002",
        items=[{"key": "id_number", "name": "身份证号", "sensitivity": "personal"}],
        share_type="conditional",
        backing="dataset",
    )
    url = f"/data/{resource.code}/status/"
    client.force_login(psb_admin)  # another department's admin: drafts are not visible
    assert client.post(url, {"action": "publish"}).status_code == 404
    resource.refresh_from_db()
    assert resource.status == "draft"
    client.force_login(mca_admin)
    assert "发布资源" in client.get(f"/data/{resource.code}/").content.decode()
    client.post(url, {"action": "publish"})
    resource.refresh_from_db()
    assert resource.status == "published" and resource.released_on is not None
    client.force_login(psb_admin)  # published: visible, but not theirs to retire
    assert client.post(url, {"action": "retire"}).status_code == 403
    client.force_login(mca_admin)
    client.post(url, {"action": "retire"})
    resource.refresh_from_db()
    assert resource.status == "retired"
    events = AuditEvent.objects.filter(
        event_type__in=["sharing.resource_published", "sharing.resource_retired"]
    )
    assert events.count() == 2


def test_both_sides_see_the_grant_on_their_home(
    client, granted, mca_admin, psb_admin, sz_mca_admin
):
    for user, label in ((mca_admin, "本部门使用"), (psb_admin, "本部门提供")):
        client.force_login(user)
        page = client.get("/workbench/sharing/").content.decode()
        assert "有效授权" in page and label in page and "人口基础信息" in page
    client.force_login(sz_mca_admin)
    assert "有效授权" not in client.get("/workbench/sharing/").content.decode()


def test_catalogue_pages_keep_the_filters(client, gz_mca, mca_admin):
    from tongban.sharing.services import catalogue

    for n in range(21):
        catalogue.register_resource(
            actor=mca_admin,
            provider=gz_mca,
            code=f"440100-MZ-P-{n:04d}",
            name=f"救助资源{n}",
            classification="103",
            items=[{"key": "a", "name": "甲"}],
            share_type="conditional",
            backing="dataset",
            publish=True,
        )
    client.force_login(mca_admin)
    page = client.get("/data/", {"q": "救助", "share_type": "conditional"}).content.decode()
    assert "q=%E6%95%91%E5%8A%A9&amp;share_type=conditional&amp;page=2" in page
    second = client.get(
        "/data/", {"q": "救助", "share_type": "conditional", "page": 2}
    ).content.decode()
    assert second.count("resource-card") == 1
