"""Work-order API (/api/v1/servicedesk/): the same loop and refusals as the pages, with the
``{code, message, field}`` error body."""

import pytest

from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.services import workorders as svc
from tongban.servicedesk.tests import _workorder_setup as setup
from tongban.servicedesk.tests._workorder_setup import COMPLAINT, file_complaint, snapshot

env_clerk = setup.env_clerk  # shared fixture
gz_env_dept = setup.gz_env_dept  # shared fixture
sz_hotline = setup.sz_hotline  # shared fixture

pytestmark = pytest.mark.django_db
API = "/api/v1/servicedesk"
BODY = {
    "kind": "complaint",
    "title": "饭店油烟噪音扰民",
    "content": COMPLAINT,
    "division_code": "440106",
}


def test_citizen_files_lists_and_reads(client, citizen, guangzhou, gz_env_dept):
    client.force_login(citizen)
    response = client.post(f"{API}/work-orders", BODY, content_type="application/json")
    assert response.status_code == 201
    number = response.json()["number"]
    assert response.json()["timeline"][0]["action"] == "accepted"
    assert response.json()["timeline"][0]["actor_name"] == ""  # staff names stay internal
    listing = client.get(f"{API}/work-orders").json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == number
    assert client.get(f"{API}/work-orders/{number}").json()["status"] == "accepted"


def test_bad_input_and_anonymous(client, citizen, guangzhou):
    assert (
        client.post(f"{API}/work-orders", BODY, content_type="application/json").status_code == 401
    )
    client.force_login(citizen)
    for change, code in (
        ({"content": " "}, "content_required"),
        ({"kind": "x"}, "invalid_kind"),
        ({"division_code": "440000"}, "invalid_division"),
    ):
        response = client.post(
            f"{API}/work-orders", {**BODY, **change}, content_type="application/json"
        )
        assert response.status_code == 400 and response.json()["code"] == code
    assert not WorkOrder.objects.exists()


def test_loop_through_the_api(client, citizen, hotline_operator, gz_env_dept, env_clerk):
    order = file_complaint(citizen)
    n = order.number
    client.force_login(hotline_operator)
    detail = client.get(f"{API}/hotline/work-orders/{n}").json()
    assert detail["suggestions"][0]["code"] == gz_env_dept.code
    assert detail["contact_mobile"] == citizen.mobile  # taken from the account
    response = client.post(
        f"{API}/hotline/work-orders/{n}/dispatch",
        {"department_code": gz_env_dept.code},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "dispatched"
    client.force_login(env_clerk)
    assert client.get(f"{API}/department/work-orders").json()["count"] == 1
    response = client.post(
        f"{API}/department/work-orders/{n}/reply",
        {"reply": "已处理"},
        content_type="application/json",
    )
    assert response.json()["status"] == "replied"
    client.force_login(hotline_operator)
    assert client.post(f"{API}/hotline/work-orders/{n}/conclude").json()["status"] == "concluded"
    response = client.post(
        f"{API}/hotline/work-orders/{n}/callback", {"note": "满意"}, content_type="application/json"
    )
    assert response.json()["status"] == "called_back"
    again = client.post(
        f"{API}/hotline/work-orders/{n}/callback", {"note": "再次"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_called_back"
    client.force_login(citizen)
    response = client.post(
        f"{API}/work-orders/{n}/rating",
        {"level": 2, "comment": "太慢"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["rating"] == 2


def test_outsiders_get_404_or_403_and_change_nothing(
    client, citizen, outsider, hotline_operator, gz_env_dept, other_city_clerk, sz_hotline
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    n = order.number
    before = snapshot(order)
    client.force_login(outsider)
    assert client.get(f"{API}/work-orders/{n}").status_code == 404
    assert client.get(f"{API}/hotline/work-orders").status_code == 403
    assert (
        client.post(
            f"{API}/department/work-orders/{n}/reply",
            {"reply": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    client.force_login(sz_hotline)
    assert client.get(f"{API}/hotline/work-orders").json()["count"] == 0
    for path, body in (("supervise", {"note": "x"}), ("conclude", None)):
        response = client.post(
            f"{API}/hotline/work-orders/{n}/{path}", body or {}, content_type="application/json"
        )
        assert response.status_code == 404 and response.json()["code"] == "work_order_not_found"
    client.force_login(other_city_clerk)
    assert client.get(f"{API}/department/work-orders").json()["count"] == 0
    response = client.post(
        f"{API}/department/work-orders/{n}/return", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert snapshot(order) == before


def test_hotline_list_query_count_does_not_grow(
    client, citizen, hotline_operator, guangzhou, django_assert_max_num_queries, settings
):
    settings.WORKORDER_RATE_LIMIT = 100
    for n in range(3):
        file_complaint(citizen, content=f"第{n}号路灯坏了", title=f"路灯{n}")
    client.force_login(hotline_operator)
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/hotline/work-orders", {"status": "all"}).json()
    assert body["count"] == 3
    for n in range(3, 8):
        file_complaint(citizen, content=f"第{n}号井盖缺失", title=f"井盖{n}")
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/hotline/work-orders", {"status": "all"}).json()
    assert body["count"] == 8


def test_caller_entry_through_the_api(client, hotline_operator, guangzhou, gz_env_dept):
    client.force_login(hotline_operator)
    response = client.post(
        f"{API}/hotline/work-orders",
        {**BODY, "contact_mobile": "13711112222", "contact_name": "陈先生"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["channel"] == "hotline"
    assert response.json()["suggestions"][0]["code"] == gz_env_dept.code


def test_department_list_query_count_does_not_grow(
    client,
    citizen,
    hotline_operator,
    gz_env_dept,
    env_clerk,
    django_assert_max_num_queries,
    settings,
):
    settings.WORKORDER_RATE_LIMIT = 100
    contents = ["路灯不亮", "井盖缺失", "河道垃圾", "工地夜间施工", "小区油烟"]
    for n, content in enumerate(contents):
        order = file_complaint(citizen, title=content, content=f"{content}，地点第{n}号")
        if order.status == "accepted":
            svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    client.force_login(env_clerk)
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/department/work-orders").json()
    assert body["count"] >= 3


def test_openapi_lists_the_work_order_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "servicedesk_create_work_order",
        "servicedesk_list_work_orders",
        "servicedesk_get_work_order",
        "servicedesk_rate_work_order",
        "servicedesk_list_hotline_work_orders",
        "servicedesk_create_caller_work_order",
        "servicedesk_get_hotline_work_order",
        "servicedesk_dispatch_work_order",
        "servicedesk_supervise_work_order",
        "servicedesk_conclude_work_order",
        "servicedesk_call_back_work_order",
        "servicedesk_list_department_work_orders",
        "servicedesk_get_department_work_order",
        "servicedesk_reply_work_order",
        "servicedesk_return_work_order",
    } <= ids
    assert "/api/v1/servicedesk/hotline/work-orders/{number}/dispatch" in schema["paths"]
