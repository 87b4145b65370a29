"""Workbench API (/api/v1/cases/workbench/): same services as the pages, stable error codes,
other units' staff get 404 and change nothing."""

import pytest

from tongban.cases.models import Case, CaseTask, CorrectionNotice
from tongban.cases.services import lifecycle
from tongban.cases.tests._workbench_setup import make_case, make_item
from tongban.core.models import AuditEvent

S = Case.Status
BASE = "/api/v1/cases/workbench"


@pytest.fixture
def gz_item(gz_market_dept):
    return make_item(gz_market_dept)


@pytest.fixture
def case(citizen, gz_item):
    return make_case(citizen, gz_item)


@pytest.fixture
def in_review(case, clerk):
    return lifecycle.accept_case(case, actor=clerk)


def post(client, path, payload=None):
    return client.post(f"{BASE}{path}", payload or {}, content_type="application/json")


def test_queue_lists_the_clerks_cases_with_masking_by_role(
    client, clerk, dept_admin, other_city_clerk, case
):
    client.force_login(clerk)
    body = client.get(f"{BASE}/queue").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["number"] == case.number and item["applicant_name"] == "张三"
    assert item["status"] == "submitted"

    client.force_login(dept_admin)
    body = client.get(f"{BASE}/queue", {"view": "all"}).json()
    assert body["items"][0]["applicant_name"] == "张*"

    client.force_login(other_city_clerk)
    assert client.get(f"{BASE}/queue", {"view": "all"}).json()["count"] == 0


def test_queue_filters_and_bad_filters(client, approver, in_review):
    client.force_login(approver)
    body = client.get(f"{BASE}/queue", {"light": "green"}).json()
    assert [i["number"] for i in body["items"]] == [in_review.number]
    assert body["items"][0]["deadline_light"] == "green"
    assert body["items"][0]["active_tasks"][0]["name"] == "审查决定"
    assert client.get(f"{BASE}/queue", {"light": "red"}).json()["count"] == 0
    assert client.get(f"{BASE}/queue", {"light": "purple"}).status_code == 422
    assert client.get(f"{BASE}/queue", {"per_page": 1000}).status_code == 422


def test_queue_refuses_citizens_and_anonymous(client, outsider):
    assert client.get(f"{BASE}/queue").status_code == 401
    client.force_login(outsider)
    response = client.get(f"{BASE}/queue")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_case_detail(client, clerk, dept_admin, case):
    client.force_login(clerk)
    body = client.get(f"{BASE}/cases/{case.number}").json()
    assert body["status"] == "submitted"
    assert {"accept", "reject", "correction", "hall_visit"} <= set(body["actions"])
    sources = {row["name"]: row["source_label"] for row in body["form"]}
    assert sources["id_number"] == "政府核验" and sources["shop_name"] == "本人填写"
    assert body["applicant_code"] == "440106199001011235"

    client.force_login(dept_admin)
    body = client.get(f"{BASE}/cases/{case.number}").json()
    assert body["applicant_code"] == "440***********1235" and body["pii_visible"] is False
    assert body["actions"] == []


ACTIONS = [
    ("accept", None),
    ("reject", {"reason": "x"}),
    ("corrections", {"items": [{"material": "身份证明", "problem": "模糊"}]}),
    ("suspend", {"reason": "听证"}),
    ("resume", None),
    ("conclude", None),
    ("hall-visits", None),
]


@pytest.mark.parametrize(("action", "payload"), ACTIONS)
def test_other_city_clerk_gets_404_and_nothing_changes(
    client, other_city_clerk, case, action, payload
):
    client.force_login(other_city_clerk)
    events = AuditEvent.objects.count()
    assert client.get(f"{BASE}/cases/{case.number}").status_code == 404
    response = post(client, f"/cases/{case.number}/{action}", payload)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    case.refresh_from_db()
    assert case.status == S.SUBMITTED and case.hall_visits == 0
    assert AuditEvent.objects.count() == events


def test_other_city_clerk_cannot_decide_a_task(client, other_city_clerk, in_review):
    task = in_review.tasks.get()
    client.force_login(other_city_clerk)
    events = AuditEvent.objects.count()
    response = post(client, f"/tasks/{task.pk}/decision", {"approve": True, "opinion": "同意"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == CaseTask.Status.ACTIVE and AuditEvent.objects.count() == events


def test_full_cycle_through_the_api(client, clerk, approver, case):
    client.force_login(clerk)
    body = post(client, f"/cases/{case.number}/hall-visits").json()
    assert body["hall_visits"] == 1
    body = post(client, f"/cases/{case.number}/accept").json()
    assert body["status"] == "in_review" and body["promised_deadline"]
    task_id = body["tasks"][0]["id"]

    client.force_login(approver)
    body = post(client, f"/cases/{case.number}/suspend", {"reason": "专家评审"}).json()
    assert body["status"] == "suspended"
    body = post(client, f"/cases/{case.number}/resume").json()
    assert body["status"] == "in_review"
    body = post(client, f"/tasks/{task_id}/decision", {"approve": True, "opinion": "同意"}).json()
    assert body["status"] == "approved"
    body = post(client, f"/cases/{case.number}/conclude").json()
    assert body["status"] == "concluded"
    events = [h["event_type"] for h in body["history"]]
    assert events[:2] == ["cases.hall_visit_recorded", "cases.case_accepted"]
    assert "cases.task_decided" in events and events[-1] == "cases.case_concluded"


def test_wrong_state_is_409_and_audited(client, clerk, in_review):
    client.force_login(clerk)
    refused = AuditEvent.objects.filter(event_type="cases.action_refused").count()
    response = post(client, f"/cases/{in_review.number}/accept")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert AuditEvent.objects.filter(event_type="cases.action_refused").count() == refused + 1
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_reject_and_correction_input_errors(client, clerk, case):
    client.force_login(clerk)
    response = post(client, f"/cases/{case.number}/reject", {"reason": "  "})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = post(client, f"/cases/{case.number}/corrections", {"items": []})
    assert response.status_code == 400
    assert response.json()["code"] == "correction_items_required"
    response = post(
        client, f"/cases/{case.number}/corrections", {"items": [{"material": "", "problem": "x"}]}
    )
    assert response.json()["code"] == "correction_item_invalid"
    assert post(client, f"/cases/{case.number}/corrections", {}).status_code == 422
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert not CorrectionNotice.objects.filter(case=case).exists()

    items = [
        {"material": "身份证明", "problem": "复印件不清晰"},
        {"material": "经营场所证明", "problem": "缺少产权证明"},
    ]
    body = post(client, f"/cases/{case.number}/corrections", {"items": items, "note": "一次告知"})
    assert body.json()["status"] == "correction_requested"
    assert body.json()["corrections"][0]["items"] == items


def test_decision_errors(client, clerk, approver, in_review):
    task = in_review.tasks.get()
    client.force_login(clerk)
    response = post(client, f"/tasks/{task.pk}/decision", {"approve": True, "opinion": ""})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    client.force_login(approver)
    response = post(client, f"/tasks/{task.pk}/decision", {"approve": False, "opinion": ""})
    assert response.status_code == 400 and response.json()["code"] == "opinion_required"
    task.refresh_from_db()
    assert task.status == CaseTask.Status.ACTIVE
    assert post(client, f"/tasks/{task.pk}/decision", {"approve": True}).status_code == 200
    response = post(client, f"/tasks/{task.pk}/decision", {"approve": True})
    assert response.status_code == 409 and response.json()["code"] == "task_already_decided"
    assert post(client, "/tasks/999999/decision", {"approve": True}).status_code == 404


def test_batch_accept(client, citizen, clerk, gz_item, sz_market_dept):
    a = make_case(citizen, gz_item)
    b = lifecycle.accept_case(make_case(citizen, gz_item), actor=clerk)
    foreign = make_case(citizen, make_item(sz_market_dept))
    client.force_login(clerk)
    body = post(client, "/batch-accept", {"numbers": [a.number, b.number, foreign.number]}).json()
    assert (body["accepted"], body["refused"]) == (1, 2)
    outcome = {r["number"]: (r["outcome"], r["code"]) for r in body["results"]}
    assert outcome == {
        a.number: ("accepted", ""),
        b.number: ("refused", "illegal_transition"),
        foreign.number: ("refused", "not_found"),
    }
    foreign.refresh_from_db()
    assert foreign.status == S.SUBMITTED
    assert post(client, "/batch-accept", {"numbers": []}).status_code == 422


def test_batch_accept_refuses_citizens(client, outsider, case):
    client.force_login(outsider)
    response = post(client, "/batch-accept", {"numbers": [case.number]})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == S.SUBMITTED


def test_openapi_lists_the_workbench_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "cases_list_queue",
        "cases_get_workbench_case",
        "cases_accept_case",
        "cases_reject_case",
        "cases_request_correction",
        "cases_suspend_case",
        "cases_resume_case",
        "cases_conclude_case",
        "cases_record_hall_visit",
        "cases_decide_task",
        "cases_batch_accept_cases",
    } <= ids
    assert "/api/v1/cases/workbench/cases/{number}/accept" in schema["paths"]
