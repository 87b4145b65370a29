"""Work-order pages: the citizen files, follows and rates; the 12345 centre registers,
dispatches, concludes and calls back; the department replies or returns. Outsiders get
404/403 and change nothing."""

import pytest
from django.urls import reverse

from tongban.core.models import AuditEvent
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.services import workorders as svc
from tongban.servicedesk.tests import _workorder_setup as setup
from tongban.servicedesk.tests._workorder_setup import COMPLAINT, file_complaint, snapshot

env_clerk = setup.env_clerk  # shared fixture
gz_env_dept = setup.gz_env_dept  # shared fixture
sz_hotline = setup.sz_hotline  # shared fixture

pytestmark = pytest.mark.django_db
S = WorkOrder.Status
FORM = {
    "kind": "complaint",
    "title": "饭店油烟噪音扰民",
    "content": COMPLAINT,
    "division_code": "440106",
    "location": "体育西路 1 号",
    "contact_mobile": "13800138000",
}


def test_citizen_files_an_order_and_sees_it(client, citizen, guangzhou, gz_env_dept):
    client.force_login(citizen)
    page = client.get(reverse("servicedesk_workorders:order_create"))
    assert page.status_code == 200 and "天河区" in page.content.decode()
    assert "投诉 13 个工作日" in page.content.decode()
    response = client.post(reverse("servicedesk_workorders:order_create"), FORM)
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and order.number in response["Location"]
    assert order.channel == "web" and order.submitter == citizen
    detail = client.get(response["Location"]).content.decode()
    assert "已受理" in detail and order.number in detail
    listing = client.get(reverse("servicedesk_workorders:order_list")).content.decode()
    assert order.title in listing


@pytest.mark.parametrize(
    ("change", "message"),
    [({"content": ""}, "必填"), ({"content": "长" * 2001}, "2000"), ({"title": ""}, "必填")],
)
def test_bad_form_input_creates_nothing(client, citizen, guangzhou, change, message):
    client.force_login(citizen)
    response = client.post(reverse("servicedesk_workorders:order_create"), {**FORM, **change})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_rate_limit_shows_on_the_form(client, citizen, guangzhou, settings):
    settings.WORKORDER_RATE_LIMIT = 1
    client.force_login(citizen)
    client.post(reverse("servicedesk_workorders:order_create"), FORM)
    response = client.post(
        reverse("servicedesk_workorders:order_create"), {**FORM, "content": "另一件事"}
    )
    assert "提交过于频繁" in response.content.decode()
    assert WorkOrder.objects.count() == 1


def test_outsider_cannot_see_or_rate_anothers_order(
    client, citizen, outsider, hotline_operator, gz_env_dept, env_clerk
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已处理")
    svc.conclude_work_order(order, actor=hotline_operator)
    before = snapshot(order)
    client.force_login(outsider)
    url = reverse("servicedesk_workorders:order_detail", args=[order.number])
    assert client.get(url).status_code == 404
    rate = reverse("servicedesk_workorders:order_rate", args=[order.number])
    assert client.post(rate, {"level": 5}).status_code == 404
    assert snapshot(order) == before
    assert (
        COMPLAINT not in client.get(reverse("servicedesk_workorders:order_list")).content.decode()
    )
    # staff pages refuse a citizen
    assert client.get(reverse("servicedesk_hotline:hotline_list")).status_code == 403
    assert client.get(reverse("servicedesk_hotline:department_list")).status_code == 403


def test_anonymous_is_sent_to_login(client, guangzhou):
    response = client.get(reverse("servicedesk_workorders:order_create"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(reverse("servicedesk_workorders:order_create"), FORM).status_code == 302
    assert not WorkOrder.objects.exists()


def test_loop_through_the_staff_pages(
    client, citizen, hotline_operator, gz_env_dept, gz_market_dept, env_clerk, clerk
):
    order = file_complaint(citizen)
    client.force_login(hotline_operator)
    listing = client.get(reverse("servicedesk_hotline:hotline_list")).content.decode()
    assert order.number in listing
    partial = client.get(
        reverse("servicedesk_hotline:hotline_list"),
        {"status": "all", "q": order.number},
        HTTP_HX_REQUEST="true",
    )
    assert order.number in partial.content.decode() and "<html" not in partial.content.decode()
    detail = client.get(reverse("servicedesk_hotline:hotline_detail", args=[order.number]))
    assert "建议承办部门" in detail.content.decode() and "生态环境局" in detail.content.decode()
    # dispatch to the wrong department first; it is returned with a reason
    dispatch = reverse("servicedesk_hotline:hotline_dispatch", args=[order.number])
    client.post(dispatch, {"department": gz_market_dept.pk})
    client.force_login(clerk)
    department = client.get(reverse("servicedesk_hotline:department_list")).content.decode()
    assert order.number in department
    empty = client.post(
        reverse("servicedesk_hotline:department_return", args=[order.number]), {"reason": ""}
    )
    assert empty.status_code == 400
    client.post(
        reverse("servicedesk_hotline:department_return", args=[order.number]),
        {"reason": "属生态环境部门职责"},
    )
    order.refresh_from_db()
    assert order.status == S.ACCEPTED and order.return_count == 1
    listing = client.get(reverse("servicedesk_hotline:department_list")).content.decode()
    assert f'data-number="{order.number}"' not in listing
    client.force_login(hotline_operator)
    client.post(dispatch, {"department": gz_env_dept.pk})
    client.force_login(env_clerk)
    client.post(
        reverse("servicedesk_hotline:department_reply", args=[order.number]),
        {"reply": "已责令饭店整改"},
    )
    client.force_login(hotline_operator)
    client.post(reverse("servicedesk_hotline:hotline_conclude", args=[order.number]))
    client.post(
        reverse("servicedesk_hotline:hotline_callback", args=[order.number]),
        {"note": "市民满意"},
    )
    client.force_login(citizen)
    detail = client.get(reverse("servicedesk_workorders:order_detail", args=[order.number]))
    assert "已责令饭店整改" in detail.content.decode() and "提交评价" in detail.content.decode()
    client.post(reverse("servicedesk_workorders:order_rate", args=[order.number]), {"level": 5})
    order.refresh_from_db()
    assert order.status == S.RATED and order.rating == 5
    assert AuditEvent.objects.filter(event_type="servicedesk.work_order_rated").count() == 1


def test_hotline_registers_a_caller(client, hotline_operator, guangzhou):
    client.force_login(hotline_operator)
    response = client.post(
        reverse("servicedesk_hotline:hotline_create"),
        {**FORM, "contact_name": "陈先生", "contact_mobile": "13711112222", "kind": "help"},
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and order.channel == "hotline"
    assert order.contact_mobile == "13711112222" and order.submitter is None


def test_other_city_staff_see_nothing_and_change_nothing(
    client, citizen, hotline_operator, gz_env_dept, other_city_clerk, sz_hotline
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    before = snapshot(order)
    client.force_login(sz_hotline)
    assert (
        order.number
        not in client.get(
            reverse("servicedesk_hotline:hotline_list"), {"status": "all"}
        ).content.decode()
    )
    assert (
        client.get(reverse("servicedesk_hotline:hotline_detail", args=[order.number])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("servicedesk_hotline:hotline_supervise", args=[order.number]), {"note": "x"}
        ).status_code
        == 404
    )
    client.force_login(other_city_clerk)
    assert (
        order.number
        not in client.get(reverse("servicedesk_hotline:department_list")).content.decode()
    )
    for name, data in (
        ("department_reply", {"reply": "x"}),
        ("department_return", {"reason": "x"}),
    ):
        response = client.post(reverse(f"servicedesk_hotline:{name}", args=[order.number]), data)
        assert response.status_code == 404
    assert snapshot(order) == before


def test_illegal_action_on_a_page_changes_nothing(client, citizen, hotline_operator, guangzhou):
    order = file_complaint(citizen)
    before = snapshot(order)
    client.force_login(hotline_operator)
    response = client.post(reverse("servicedesk_hotline:hotline_conclude", args=[order.number]))
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "不允许此操作" in follow
    response = client.post(
        reverse("servicedesk_hotline:hotline_callback", args=[order.number]), {"note": "x"}
    )
    assert response.status_code == 400 and "不允许此操作" in response.content.decode()
    assert snapshot(order) == before


def test_notices_show_until_the_order_is_opened(
    client, citizen, hotline_operator, gz_env_dept, env_clerk
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    client.force_login(env_clerk)
    listing = reverse("servicedesk_hotline:department_list")
    assert f"新派工单 {order.number}" in client.get(listing).content.decode()
    client.get(reverse("servicedesk_hotline:department_detail", args=[order.number]))
    assert f"新派工单 {order.number}" not in client.get(listing).content.decode()
    # the citizen's notices likewise
    client.force_login(citizen)
    mine = reverse("servicedesk_workorders:order_list")
    assert "诉求已受理" in client.get(mine).content.decode()
    client.get(reverse("servicedesk_workorders:order_detail", args=[order.number]))
    assert "诉求已受理" not in client.get(mine).content.decode()


def test_callback_page_records_the_callers_rating(client, hotline_operator, gz_env_dept, env_clerk):
    order = svc.create_work_order(
        actor=hotline_operator,
        kind="complaint",
        channel="hotline",
        title="噪音扰民",
        content="工地夜间施工噪音扰民",
        contact_mobile="13711112222",
        division_code="440106",
    )
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已责令停止夜间施工")
    svc.conclude_work_order(order, actor=hotline_operator)
    client.force_login(hotline_operator)
    page = client.get(reverse("servicedesk_hotline:hotline_detail", args=[order.number]))
    assert "来电人评价" in page.content.decode()
    client.post(
        reverse("servicedesk_hotline:hotline_callback", args=[order.number]),
        {"note": "来电人不满意，仍有噪音", "level": "2"},
    )
    order.refresh_from_db()
    assert order.status == S.RATED and order.rating == 2 and order.rating_channel == "hotline"
    page = client.get(reverse("servicedesk_hotline:hotline_detail", args=[order.number]))
    assert "12345回访评价" in page.content.decode()


def test_citizens_do_not_see_the_staffs_working_notes(
    client, citizen, hotline_operator, gz_env_dept, gz_market_dept, clerk
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_market_dept)
    svc.return_work_order(order, actor=clerk, reason="内部备注：非本局职责")
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.supervise_work_order(order, actor=hotline_operator, note="内部督办意见")
    client.force_login(citizen)
    page = client.get(reverse("servicedesk_workorders:order_detail", args=[order.number]))
    body = page.content.decode()
    assert "部门退回，重新派单" in body and "督办" in body
    assert "内部备注" not in body and "内部督办意见" not in body
    api = client.get(f"/api/v1/servicedesk/work-orders/{order.number}").json()
    assert all(event["note"] == "" for event in api["timeline"])
    client.force_login(hotline_operator)
    staff_page = client.get(reverse("servicedesk_hotline:hotline_detail", args=[order.number]))
    assert "内部备注" in staff_page.content.decode()
