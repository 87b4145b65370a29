# ruff: noqa: F811  (fixtures imported from qa_support are used as arguments)
"""GET /api/v1/servicedesk/answers and the feedback / hand-off endpoints: anonymous access,
stable error codes, rate limit per client IP, nothing written on refusals."""

import pytest

from tongban.servicedesk.models import AnswerLog, WorkOrder
from tongban.servicedesk.tests.qa_support import API, catalogue, state  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_anonymous_question_returns_ranked_items_with_links(client, catalogue):
    response = client.get(API, {"q": "身份证过期了怎么办"})
    assert response.status_code == 200
    body = response.json()
    first = body["items"][0]
    assert first["name"] == "居民身份证换领"
    assert first["key"] == "id-card-renewal"
    assert first["url"] == "http://testserver/services/id-card-renewal/"
    assert first["code"]
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert body["ask_back"] is None
    assert body["offer_human"] is False
    assert AnswerLog.objects.get().public_id.hex == body["answer_id"].replace("-", "")
    assert client.get(first["url"]).status_code == 200  # the link opens the guide page


def test_small_restaurant_gets_both_licences(client, catalogue):
    body = client.get(API, {"q": "开个小饭馆要办什么证"}).json()
    names = [item["name"] for item in body["items"][:3]]
    assert {"个体工商户设立登记", "食品经营许可证核发"} <= set(names)


def test_ambiguous_question_asks_back_with_choices(client, catalogue):
    body = client.get(API, {"q": "公积金"}).json()
    assert body["ask_back"]["prompt"].startswith("您想办理的是：")
    choices = {choice["name"] for choice in body["ask_back"]["choices"]}
    assert choices == {"住房公积金提取（租房）", "住房公积金个人住房贷款"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "question_empty"),
        ({"q": " "}, "question_empty"),
        ({"q": "长" * 201}, "question_too_long"),
    ],
)
def test_empty_or_oversized_question(client, catalogue, params, code):
    before = state()
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["field"] == "q"
    assert state() == before


def test_rate_limited_per_client_ip(client, catalogue, settings):
    settings.SERVICEDESK_QA_RATE_LIMIT = 2
    assert client.get(API, {"q": "结婚"}, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.get(API, {"q": "结婚"}, REMOTE_ADDR="198.51.100.7").status_code == 200
    before = state()
    response = client.get(API, {"q": "结婚"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert response.json()["code"] == "qa_rate_limited"
    assert state() == before
    assert client.get(API, {"q": "结婚"}, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_feedback_once(client, catalogue):
    answer_id = client.get(API, {"q": "结婚"}).json()["answer_id"]
    url = f"{API}/{answer_id}/feedback"
    response = client.post(url, {"useful": True}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"answer_id": answer_id, "feedback": "useful"}
    before = state()
    response = client.post(url, {"useful": False}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "feedback_already_given")
    assert state() == before


def test_feedback_on_an_unknown_answer_or_item(client, catalogue):
    answer_id = client.get(API, {"q": "结婚"}).json()["answer_id"]
    before = state()
    response = client.post(
        f"{API}/00000000-0000-4000-8000-000000000000/feedback",
        {"useful": True},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (404, "answer_not_found")
    response = client.post(
        f"{API}/{answer_id}/feedback",
        {"useful": True, "item": "lawyer-licence"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "feedback_item_not_shown")
    assert state() == before


def test_hand_off_creates_a_work_order_once(client, catalogue, guangzhou):
    answer_id = client.get(API, {"q": "今天天气怎么样"}).json()["answer_id"]
    url = f"{API}/{answer_id}/handoff"
    before = state()
    response = client.post(url, {"contact_name": "王芳"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "contact_required")
    assert state() == before
    payload = {"contact_name": "王芳", "contact_mobile": "13700137000"}
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 200
    order = WorkOrder.objects.get()
    assert response.json()["work_order"] == order.number
    assert (order.kind, order.channel, order.contact_mobile) == (
        "consultation",
        "chat",
        "13700137000",
    )
    response = client.post(url, payload, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "handoff_already_done")
    assert WorkOrder.objects.count() == 1


def test_signed_in_session_is_treated_as_anonymous_by_the_api(
    client, catalogue, guangzhou, citizen
):
    """No CSRF on the API: a session must not file work orders in the citizen's name."""
    client.force_login(citizen)
    answer_id = client.get(API, {"q": "结婚"}).json()["answer_id"]
    assert AnswerLog.objects.get().user is None
    response = client.post(f"{API}/{answer_id}/handoff", {}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "contact_required")
    assert not WorkOrder.objects.exists()


def test_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    ops = {
        op["operationId"]
        for path, methods in paths.items()
        if path.startswith("/api/v1/servicedesk/answers")
        for op in methods.values()
    }
    assert ops == {
        "servicedesk_get_answers",
        "servicedesk_create_answer_feedback",
        "servicedesk_create_answer_handoff",
    }


def test_answer_query_count_does_not_grow_with_the_catalogue(
    client, catalogue, django_assert_max_num_queries
):
    client.get(API, {"q": "结婚"})  # the first question builds the index
    # index token (2), rate limit (1), boosts (1), the log row (1)
    with django_assert_max_num_queries(5):
        assert client.get(API, {"q": "开个小饭馆要办什么证"}).status_code == 200
