"""/api/v1/identity/staff — operators and department admins, restricted to their units."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tongban.identity.models import User
from tongban.identity.tests.test_staff_services import snapshot

pytestmark = pytest.mark.django_db
BASE = "/api/v1/identity/staff"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def new_staff(unit_code, role="window_clerk", **extra):
    data = {
        "username": "gz_api",
        "name": "接口同事",
        "mobile": "13700137009",
        "roles": [{"org_unit_code": unit_code, "role": role, "covers_children": False}],
    }
    data.update(extra)
    return data


def test_operator_creates_staff(operator, gz_market_dept):
    response = post(client_for(operator), BASE, new_staff(gz_market_dept.code, "approver"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["generated_password"]
    assert User.objects.get(username="gz_api").check_password(body["generated_password"])
    assert body["roles"][0]["role"] == "approver"


def test_dept_admin_other_city_and_operator_role(dept_admin, gz_market_dept, sz_market_dept):
    client = client_for(dept_admin)
    before = snapshot()
    response = post(client, BASE, new_staff(sz_market_dept.code))
    assert response.status_code == 403 and response.json()["code"] == "org_unit_out_of_scope"
    response = post(client, BASE, new_staff(gz_market_dept.code, "operator"))
    assert response.status_code == 403 and response.json()["code"] == "role_not_grantable"
    response = post(client, BASE, new_staff("no-such-unit"))
    assert response.status_code == 400 and response.json()["code"] == "org_unit_not_found"
    assert snapshot() == before


def test_list_is_restricted_and_query_count_is_flat(dept_admin, clerk, other_city_clerk, operator):
    response = client_for(dept_admin).get(BASE)
    assert response.status_code == 200
    assert sorted(s["username"] for s in response.json()["items"]) == ["gz_clerk", "gz_dept_admin"]
    client = client_for(operator)
    client.get(BASE)  # warm session
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    for n in range(5):
        from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

        RoleAssignmentFactory(
            user=StaffFactory(username=f"extra{n}"), org_unit=clerk.role_assignments.get().org_unit
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(BASE)
    assert response.json()["count"] >= 9
    assert len(many) == len(few)


def test_assign_role(dept_admin, clerk, other_city_clerk, gz_market_dept):
    client = client_for(dept_admin)
    response = post(
        client,
        f"{BASE}/{clerk.username}/roles",
        {"org_unit_code": gz_market_dept.code, "role": "approver"},
    )
    assert response.status_code == 201 and response.json()["role"] == "approver"
    before = snapshot()
    response = post(
        client,
        f"{BASE}/{other_city_clerk.username}/roles",
        {"org_unit_code": gz_market_dept.code, "role": "approver"},
    )
    assert response.status_code == 404 and response.json()["code"] == "staff_not_found"
    assert client.get(f"{BASE}/{other_city_clerk.username}").status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["citizen", "outsider", "clerk", "other_city_clerk"])
def test_outsiders_get_403(request, persona, gz_market_dept, clerk):
    client = client_for(request.getfixturevalue(persona))
    before = snapshot()
    assert client.get(BASE).status_code == 403
    response = post(client, BASE, new_staff(gz_market_dept.code))
    assert response.status_code == 403 and response.json()["code"] == "staff_permission_denied"
    response = post(
        client,
        f"{BASE}/{clerk.username}/roles",
        {"org_unit_code": gz_market_dept.code, "role": "approver"},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_anonymous_401(gz_market_dept):
    before = snapshot()
    assert Client().get(BASE).status_code == 401
    assert post(Client(), BASE, new_staff(gz_market_dept.code)).status_code == 401
    assert snapshot() == before


def test_mobile_is_masked(operator, clerk):
    clerk.mobile = "13800138000"
    clerk.save()
    body = client_for(operator).get(f"{BASE}/{clerk.username}").json()
    assert body["mobile"] == "138****8000"


def test_create_without_mobile(operator, gz_market_dept):
    data = new_staff(gz_market_dept.code)
    del data["mobile"]
    response = post(client_for(operator), BASE, data)
    assert response.status_code == 201, response.content
    assert response.json()["mobile"] == ""
    assert User.objects.get(username="gz_api").mobile == ""


def test_create_with_invalid_mobile_changes_nothing(operator, gz_market_dept):
    before = snapshot()
    response = post(client_for(operator), BASE, new_staff(gz_market_dept.code, mobile="12345"))
    assert response.status_code == 400 and response.json()["field"] == "mobile"
    assert snapshot() == before
