"""Staff API of the catalogue and of requests/grants: both sides see their requests and
grants, outsiders get 401/403/404 and change nothing, bad input gets its error code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.models import AuditEvent
from tongban.sharing.models import ConsumerSystem, Grant, Resource, ShareRequest
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import POP_CODE, submit

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def request_body(system, **changes):
    today = timezone.localdate()
    body = {
        "resource": POP_CODE,
        "consumer_system_id": system.pk,
        "items": ["id_number", "name"],
        "legal_duty": "最低生活保障审核确认",
        "purpose": "低保核对",
        "period_from": today.isoformat(),
        "period_to": (today + timedelta(days=90)).isoformat(),
    }
    body.update(changes)
    return body


# --- catalogue ---------------------------------------------------------------------------------
def test_staff_search_the_catalogue(client, registry_resources, mca_admin):
    client.force_login(mca_admin)
    response = client.get("/api/v1/sharing/catalogue/resources", {"q": "人口"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["code"] == POP_CODE
    assert body["items"][0]["items"][0]["key"] == "id_number"
    # Chinese words are cut with jieba: "人口信息" finds "人口基础信息"
    response = client.get("/api/v1/sharing/catalogue/resources", {"q": "人口信息"})
    assert [r["code"] for r in response.json()["items"]] == [POP_CODE]
    response = client.get("/api/v1/sharing/catalogue/resources", {"q": "广州 法定代表人"})
    assert [r["code"] for r in response.json()["items"]] == ["440100-SJ-FR-0001"]
    response = client.get("/api/v1/sharing/catalogue/resources", {"share_type": "unconditional"})
    assert [r["code"] for r in response.json()["items"]] == ["440100-SJ-FR-0001"]
    assert client.get(f"/api/v1/sharing/catalogue/resources/{POP_CODE}").status_code == 200


def test_citizens_cannot_browse_the_catalogue(client, registry_resources, citizen):
    assert client.get("/api/v1/sharing/catalogue/resources").status_code == 401
    client.force_login(citizen)
    response = client.get("/api/v1/sharing/catalogue/resources")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_dept_admin_registers_a_resource(client, gz_mca, mca_admin):
    client.force_login(mca_admin)
    body = {
        "provider_id": gz_mca.pk,
        "code": "440100-MZ-DB-0001",
        "name": "最低生活保障对象信息",
        "classification": "103002",
        "share_type": "conditional",
        "backing": "dataset",
        "items": [
            {"key": "id_number", "name": "身份证号", "length": 18, "sensitivity": "personal"},
            {"key": "amount", "name": "保障金额", "type": "integer"},
        ],
    }
    response = post(client, "/api/v1/sharing/catalogue/resources", body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    response = post(client, "/api/v1/sharing/catalogue/resources/440100-MZ-DB-0001/publish", {})
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = post(client, "/api/v1/sharing/catalogue/resources/440100-MZ-DB-0001/publish", {})
    assert response.status_code == 409 and response.json()["code"] == "illegal_resource_transition"
    assert AuditEvent.objects.filter(event_type="sharing.resource_registered").count() == 1
    response = post(client, "/api/v1/sharing/catalogue/resources", body)
    assert response.status_code == 409 and response.json()["code"] == "resource_code_taken"
    bad = {**body, "code": "440100-MZ-DB-0002", "items": [{"key": "Bad Key", "name": "x"}]}
    response = post(client, "/api/v1/sharing/catalogue/resources", bad)
    assert response.status_code == 400 and response.json()["code"] == "item_invalid"
    assert Resource.objects.count() == 1


def test_admin_cannot_register_for_another_department(client, gz_psb, mca_admin):
    client.force_login(mca_admin)
    body = {
        "provider_id": gz_psb.pk,
        "code": "440100-GA-XX-0001",
        "name": "冒名资源",
        "classification": "1",
        "share_type": "unconditional",
        "backing": "dataset",
        "items": [{"key": "a", "name": "甲"}],
    }
    response = post(client, "/api/v1/sharing/catalogue/resources", body)
    assert response.status_code == 403
    assert not Resource.objects.exists()


# --- requests ----------------------------------------------------------------------------------
def test_consumer_submits_and_both_sides_see_it(
    client, population, mca_system, mca_admin, psb_admin
):
    system, _ = mca_system
    client.force_login(mca_admin)
    response = post(client, "/api/v1/sharing/requests", request_body(system))
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["status"] == "submitted" and response.json()["grant"] is None
    assert client.get("/api/v1/sharing/requests").json()["count"] == 1
    client.force_login(psb_admin)
    listing = client.get("/api/v1/sharing/requests", {"side": "provider"}).json()
    assert [r["number"] for r in listing["items"]] == [number]
    response = post(
        client,
        f"/api/v1/sharing/requests/{number}/approve",
        {"row_division": "440100", "masking": {"name": "name"}, "require_reference": True},
    )
    assert response.status_code == 200, response.content
    assert response.json()["grant"]["masking"] == {"name": "name"}
    client.force_login(mca_admin)
    seen = client.get(f"/api/v1/sharing/requests/{number}").json()
    assert seen["status"] == "granted" and seen["grant"]["row_division"] == "440100"


def test_bad_request_input(client, population, mca_system, mca_admin):
    system, _ = mca_system
    client.force_login(mca_admin)
    for changes, code in [
        ({"legal_duty": ""}, "legal_duty_required"),
        ({"items": ["salary"]}, "item_unknown"),
        ({"period_to": "2020-01-01"}, "period_invalid"),
    ]:
        response = post(client, "/api/v1/sharing/requests", request_body(system, **changes))
        assert response.status_code == 400 and response.json()["code"] == code
    assert not ShareRequest.objects.exists()


def test_outsiders_cannot_see_or_decide_requests(
    client, population, mca_system, mca_admin, sz_mca_admin, citizen
):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    url = f"/api/v1/sharing/requests/{share_request.number}"
    client.force_login(sz_mca_admin)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/sharing/requests", {"side": "provider"}).json()["count"] == 0
    response = post(client, f"{url}/approve", {})
    assert response.status_code == 404 and response.json()["code"] == "request_not_found"
    response = post(client, f"{url}/refuse", {"reason": "不同意"})
    assert response.status_code == 404
    # the consumer itself cannot approve its own request
    client.force_login(mca_admin)
    response = post(client, f"{url}/approve", {})
    assert response.status_code == 403
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    share_request.refresh_from_db()
    assert share_request.status == "submitted" and not Grant.objects.exists()
    assert not AuditEvent.objects.filter(
        event_type__in=["sharing.request_granted", "sharing.request_refused"]
    ).exists()


def test_refuse_needs_reason_via_api(client, population, mca_system, mca_admin, psb_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    client.force_login(psb_admin)
    url = f"/api/v1/sharing/requests/{share_request.number}/refuse"
    response = post(client, url, {"reason": "  "})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = post(client, url, {"reason": "用途与所列权责事项不符"})
    assert (
        response.status_code == 200
        and response.json()["decision_reason"] == "用途与所列权责事项不符"
    )


def test_arbitration_only_by_operator(
    client, population, mca_system, mca_admin, psb_admin, operator
):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    ShareRequest.objects.filter(pk=share_request.pk).update(status="escalated")
    url = f"/api/v1/sharing/requests/{share_request.number}/arbitrate"
    client.force_login(psb_admin)
    assert post(client, url, {"grant": True, "reason": "自行同意"}).status_code == 403
    client.force_login(operator)
    response = post(client, url, {"grant": False, "reason": "申请事项不属于申请部门职责"})
    assert response.status_code == 200 and response.json()["status"] == "refused"
    assert response.json()["decided_by"] == "arbitration"


def test_revoke_grant_via_api(client, granted, mca_admin, psb_admin):
    _, grant = granted
    url = f"/api/v1/sharing/grants/{grant.pk}/revoke"
    client.force_login(mca_admin)
    assert post(client, url, {"reason": "x"}).status_code == 404
    client.force_login(psb_admin)
    response = post(client, url, {"reason": "核对工作结束"})
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert post(client, url, {"reason": "again"}).json()["code"] == "grant_already_revoked"


def test_register_system_returns_secret_once(client, gz_mca, gz_psb, mca_admin):
    client.force_login(mca_admin)
    response = post(
        client, "/api/v1/sharing/systems", {"org_unit_id": gz_mca.pk, "name": "救助系统"}
    )
    assert response.status_code == 201
    assert response.json()["client_secret"] and response.json()["client_id"]
    system = ConsumerSystem.objects.get()
    assert system.application.policy.org_unit == gz_mca
    assert system.application.policy.allowed_scopes == ["sharing:gateway"]
    response = post(
        client, "/api/v1/sharing/systems", {"org_unit_id": gz_psb.pk, "name": "冒名系统"}
    )
    assert response.status_code == 403
    assert ConsumerSystem.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="sharing.consumer_system_registered").count() == 1


def _counts():
    from tongban.sharing.models import AccessLogEntry

    return (
        Resource.objects.filter(status="published").count(),
        ShareRequest.objects.exclude(status="submitted").count(),
        ShareRequest.objects.count(),
        Grant.objects.filter(status="active").count(),
        ConsumerSystem.objects.count(),
        AccessLogEntry.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other_city"])
def test_outsiders_change_nothing_anywhere(client, who, granted, citizen, sz_mca_admin, gz_mca):
    share_request, grant = granted
    if who == "citizen":
        client.force_login(citizen)
    elif who == "other_city":
        client.force_login(sz_mca_admin)
    number = share_request.number
    before = _counts()
    api = "/api/v1/sharing"
    attempts = [
        ("post", f"{api}/catalogue/resources/{POP_CODE}/retire", {}),
        ("post", f"{api}/requests", request_body(share_request.consumer_system)),
        ("post", f"{api}/requests/{number}/withdraw", {}),
        ("post", f"{api}/requests/{number}/refuse", {"reason": "不同意"}),
        ("post", f"{api}/requests/{number}/arbitrate", {"grant": False, "reason": "x"}),
        ("post", f"{api}/grants/{grant.pk}/revoke", {"reason": "x"}),
        ("post", f"{api}/systems", {"org_unit_id": gz_mca.pk, "name": "冒名系统"}),
        ("get", f"{api}/requests/{number}", None),
        (
            "post",
            f"/workbench/sharing/requests/{number}/",
            {"action": "revoke", "revoke-reason": "x"},
        ),
        ("post", f"/workbench/sharing/requests/{number}/", {"action": "withdraw"}),
        ("post", f"/data/{POP_CODE}/status/", {"action": "retire"}),
        ("post", f"/console/sharing/requests/{number}/", {"decision": "refuse", "reason": "x"}),
        ("post", "/workbench/sharing/systems/new/", {"org_unit": gz_mca.pk, "name": "冒名"}),
    ]
    for method, url, body in attempts:
        if method == "get":
            response = client.get(url)
        elif url.startswith(api):
            response = post(client, url, body)
        else:
            response = client.post(url, body)
        allowed = (
            (302, 401, 403, 404) if url.startswith(api) or "systems" not in url else (200, 302, 403)
        )
        assert response.status_code in allowed, (url, response.status_code)  # 200: form error
        if response.status_code == 302:  # pages send the anonymous to the login page
            assert who == "anonymous" and "/login/" in response["Location"], url
    assert _counts() == before


def test_list_endpoints_use_a_fixed_number_of_queries(
    client, population, mca_system, mca_admin, gz_mca
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.sharing.services import catalogue

    system, _ = mca_system
    client.force_login(mca_admin)

    def queries(url, params=None):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params or {}).status_code == 200
        return len(ctx.captured_queries)

    submit(mca_admin, population, system)
    one = queries("/api/v1/sharing/requests"), queries("/api/v1/sharing/catalogue/resources")
    for n in range(3):
        submit(mca_admin, population, system)
        catalogue.register_resource(
            actor=mca_admin,
            provider=gz_mca,
            code=f"440100-MZ-XX-000{n}",
            name=f"民政资源{n}",
            classification="103",
            items=[{"key": "a", "name": "甲"}, {"key": "b", "name": "乙"}],
            share_type="unconditional",
            backing="dataset",
            publish=True,
        )
    assert (
        queries("/api/v1/sharing/requests"),
        queries("/api/v1/sharing/catalogue/resources"),
    ) == one


def test_both_sides_list_grants_and_the_consumer_its_systems(
    client, granted, mca_admin, psb_admin, sz_mca_admin
):
    _, grant = granted
    client.force_login(mca_admin)
    body = client.get("/api/v1/sharing/grants").json()
    assert body["count"] == 1 and body["items"][0]["id"] == grant.pk
    assert body["items"][0]["resource"] == POP_CODE
    systems = client.get("/api/v1/sharing/systems").json()
    assert [s["name"] for s in systems["items"]] == ["低保核对系统"]
    assert (
        "client_secret" not in systems["items"][0] or systems["items"][0]["client_secret"] is None
    )
    client.force_login(psb_admin)
    assert client.get("/api/v1/sharing/grants", {"side": "provider"}).json()["count"] == 1
    assert client.get("/api/v1/sharing/grants").json()["count"] == 0
    client.force_login(sz_mca_admin)
    assert client.get("/api/v1/sharing/grants", {"side": "provider"}).json()["count"] == 0
    assert client.get("/api/v1/sharing/systems").json()["count"] == 0
