"""/api/v1/cases/cases/{number}/evaluation and /api/v1/cases/rectifications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.cases.models import Case, Evaluation, Rectification
from tongban.cases.tests._evaluation_setup import make_case
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"


@pytest.fixture
def concluded(citizen, gz_market_dept):
    return make_case(citizen, gz_market_dept)


def _rate(client, case, **body):
    return client.post(
        f"{BASE}/cases/{case.number}/evaluation", body, content_type="application/json"
    )


def _counts():
    return (
        Evaluation.objects.count(),
        Rectification.objects.count(),
        AuditEvent.objects.filter(event_type__startswith="cases.").count(),
    )


def test_bad_rating_opens_a_rectification(client, citizen, concluded):
    client.force_login(citizen)
    response = _rate(client, concluded, level=2, tags=["时间长"], comment="等了很久")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case_number"] == concluded.number
    assert body["level_label"] == "不满意"
    rectification = Rectification.objects.get()
    assert body["rectification_id"] == rectification.pk
    assert body["rectification_deadline"] == rectification.deadline.isoformat()
    assert client.get(f"{BASE}/cases/{concluded.number}/evaluation").json()["level"] == 2


@pytest.mark.parametrize(
    ("status", "code", "http"),
    [
        (Case.Status.IN_REVIEW, "case_not_concluded", 409),
        (Case.Status.APPROVED, "case_not_concluded", 409),
    ],
)
def test_not_concluded(client, citizen, gz_market_dept, status, code, http):
    case = make_case(citizen, gz_market_dept, status=status)
    client.force_login(citizen)
    before = _counts()
    response = _rate(client, case, level=1, tags=["时间长"])
    assert response.status_code == http
    assert response.json()["code"] == code
    assert _counts() == before


def test_already_rated(client, citizen, concluded):
    client.force_login(citizen)
    assert _rate(client, concluded, level=5).status_code == 201
    before = _counts()
    response = _rate(client, concluded, level=1, tags=["态度差"])
    assert response.status_code == 409 and response.json()["code"] == "already_rated"
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"level": 9}, "invalid_level", "level"),
        ({"level": 5, "tags": ["时间长"]}, "invalid_tag", "tags"),
        ({"level": 1}, "reason_required", "comment"),
        ({"level": 4, "comment": "长" * 501}, "comment_too_long", "comment"),
    ],
)
def test_invalid_input(client, citizen, concluded, body, code, field):
    client.force_login(citizen)
    before = _counts()
    response = _rate(client, concluded, **body)
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["field"] == field
    assert _counts() == before


@pytest.mark.parametrize("persona", ["outsider", "clerk", "other_city_clerk"])
def test_others_get_404(client, request, concluded, persona):
    client.force_login(request.getfixturevalue(persona))
    before = _counts()
    response = _rate(client, concluded, level=1, tags=["时间长"])
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{BASE}/cases/{concluded.number}/evaluation").status_code == 404
    assert _counts() == before


def test_anonymous_401(client, concluded):
    assert _rate(client, concluded, level=5).status_code == 401
    assert client.get(f"{BASE}/rectifications").status_code == 401


@pytest.fixture
def item(client, citizen, concluded):
    client.force_login(citizen)
    _rate(client, concluded, level=1, tags=["来回跑"], comment="跑了三趟")
    client.logout()
    return Rectification.objects.get()


def test_staff_list_callback_and_close(client, clerk, item):
    client.force_login(clerk)
    listing = client.get(f"{BASE}/rectifications").json()
    assert listing["count"] == 1
    (row,) = listing["items"]
    assert row["id"] == item.pk and row["status"] == "open" and row["tags"] == ["来回跑"]
    assert row["applicant_name"] == "张三" and row["overdue"] is False

    response = client.post(
        f"{BASE}/rectifications/{item.pk}/close",
        {"result": "已整改"},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "callback_required"

    response = client.post(
        f"{BASE}/rectifications/{item.pk}/callback",
        {"note": "已电话回访"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "called_back"
    response = client.post(
        f"{BASE}/rectifications/{item.pk}/close",
        {"result": "推行一次告知"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert client.get(f"{BASE}/rectifications?status=open").json()["count"] == 0


def test_dept_admin_gets_masked_name(client, dept_admin, item):
    client.force_login(dept_admin)
    assert client.get(f"{BASE}/rectifications/{item.pk}").json()["applicant_name"] == "张*"


def test_other_city_clerk_sees_nothing(client, other_city_clerk, item):
    client.force_login(other_city_clerk)
    assert client.get(f"{BASE}/rectifications").json()["count"] == 0
    assert client.get(f"{BASE}/rectifications/{item.pk}").status_code == 404
    for action, body in (("callback", {"note": "x"}), ("close", {"result": "x"})):
        response = client.post(
            f"{BASE}/rectifications/{item.pk}/{action}", body, content_type="application/json"
        )
        assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == Rectification.Status.OPEN and item.callback_note == ""


def test_citizen_gets_403_on_staff_endpoints(client, citizen, item):
    client.force_login(citizen)
    assert client.get(f"{BASE}/rectifications").status_code == 403
    response = client.post(
        f"{BASE}/rectifications/{item.pk}/callback", {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Rectification.Status.OPEN


def test_list_query_count_is_flat(client, clerk, citizen, gz_market_dept):
    from tongban.cases.services.evaluation import rate_case

    def rate_one():
        case = make_case(citizen, gz_market_dept)
        rate_case(case, actor=citizen, level=1, tags=["材料多"], comment="")

    rate_one()
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{BASE}/rectifications").json()["count"] == 1
    for _ in range(5):
        rate_one()
    with CaptureQueriesContext(connection) as six:
        assert client.get(f"{BASE}/rectifications").json()["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_openapi_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {op["operationId"] for path in paths.values() for op in path.values()}
    assert {
        "cases_create_evaluation",
        "cases_get_evaluation",
        "cases_list_rectifications",
        "cases_get_rectification",
        "cases_record_rectification_callback",
        "cases_close_rectification",
    } <= operations
