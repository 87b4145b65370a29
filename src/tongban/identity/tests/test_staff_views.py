"""Console pages under /console/staff/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tongban.core.models import RoleAssignment
from tongban.identity.models import User
from tongban.identity.tests.test_staff_import import HEADER
from tongban.identity.tests.test_staff_services import snapshot

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form(unit, role="window_clerk", **extra):
    data = {
        "username": "gz_page",
        "name": "页面同事",
        "mobile": "13700137010",
        "id_number": "",
        "password": "",
        "org_unit": unit.pk,
        "role": role,
    }
    data.update(extra)
    return data


def test_list_restricted_to_viewer_units(dept_admin, clerk, other_city_clerk):
    page = client_for(dept_admin).get(reverse("staff:staff_list")).content.decode()
    assert clerk.username in page and other_city_clerk.username not in page
    partial = client_for(dept_admin).get(
        reverse("staff:staff_list"), {"q": "gz_c"}, HTTP_HX_REQUEST="true"
    )
    assert 'id="staff-rows"' in partial.content.decode() and "<html" not in partial.content.decode()


def test_create_shows_generated_password_once(dept_admin, gz_market_dept):
    client = client_for(dept_admin)
    assert client.get(reverse("staff:staff_create")).status_code == 200
    response = client.post(reverse("staff:staff_create"), form(gz_market_dept))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    user = User.objects.get(username="gz_page")
    password = response.context["created"][0].generated_password
    assert password in response.content.decode() and user.check_password(password)


def test_create_other_city_or_operator_refused(dept_admin, gz_market_dept, sz_market_dept):
    client = client_for(dept_admin)
    before = snapshot()
    # the other city's unit is not even offered in the form
    response = client.post(reverse("staff:staff_create"), form(sz_market_dept))
    assert response.status_code == 400
    response = client.post(reverse("staff:staff_create"), form(gz_market_dept, "operator"))
    assert response.status_code == 400 and "无权授予该角色" in response.content.decode()
    assert snapshot() == before


def test_detail_roles_and_deactivate(dept_admin, clerk, gz_market_dept):
    client = client_for(dept_admin)
    url = reverse("staff:staff_detail", args=[clerk.username])
    assert clerk.name in client.get(url).content.decode()
    response = client.post(
        reverse("staff:role_add", args=[clerk.username]),
        {"org_unit": gz_market_dept.pk, "role": "approver"},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=clerk, role="approver")
    response = client.post(reverse("staff:role_remove", args=[clerk.username, assignment.pk]))
    assert (
        response.status_code == 302 and not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    )
    client.post(reverse("staff:staff_deactivate", args=[clerk.username]))
    clerk.refresh_from_db()
    assert clerk.is_active is False


def test_other_city_staff_is_404(dept_admin, other_city_clerk, gz_market_dept):
    client = client_for(dept_admin)
    before = snapshot()
    assignment = other_city_clerk.role_assignments.get()
    for response in (
        client.get(reverse("staff:staff_detail", args=[other_city_clerk.username])),
        client.post(
            reverse("staff:role_add", args=[other_city_clerk.username]),
            {"org_unit": gz_market_dept.pk, "role": "approver"},
        ),
        client.post(reverse("staff:role_remove", args=[other_city_clerk.username, assignment.pk])),
        client.post(reverse("staff:staff_deactivate", args=[other_city_clerk.username])),
    ):
        assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["citizen", "outsider", "clerk", "other_city_clerk"])
def test_outsiders_get_403(request, persona, gz_market_dept, dept_admin):
    client = client_for(request.getfixturevalue(persona))
    before = snapshot()
    for name, args in (
        ("staff:staff_list", []),
        ("staff:staff_create", []),
        ("staff:staff_import", []),
        ("staff:staff_detail", [dept_admin.username]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("staff:staff_create"), form(gz_market_dept)).status_code == 403
    assert (
        client.post(reverse("staff:staff_deactivate", args=[dept_admin.username])).status_code
        == 403
    )
    assert snapshot() == before


def test_anonymous_redirected(gz_market_dept):
    response = Client().get(reverse("staff:staff_list"))
    assert response.status_code == 302


def test_import_preview_then_confirm(operator, gz_market_dept):
    client = client_for(operator)
    roster = HEADER + "gz_csv,导入同事,13700137011,,440100-市场监督管理局,window_clerk,0\n"
    before = snapshot()
    response = client.post(
        reverse("staff:staff_import"),
        {"file": SimpleUploadedFile("roster.csv", roster.encode("utf-8-sig"))},
    )
    assert response.status_code == 200 and "确认导入" in response.content.decode()
    assert snapshot() == before
    response = client.post(
        reverse("staff:staff_import"), {"csv_text": response.context["csv_text"], "confirm": "1"}
    )
    assert response.status_code == 200
    assert User.objects.filter(username="gz_csv").exists()
    assert response.context["created"][0].generated_password in response.content.decode()


def test_import_with_bad_line_lists_errors(operator, gz_market_dept):
    client = client_for(operator)
    roster = (
        HEADER
        + "gz_csv,导入同事,13700137011,,440100-市场监督管理局,window_clerk,0\n"
        + "gz_bad,坏行,13700137012,,nope,window_clerk,0\n"
    )
    before = snapshot()
    response = client.post(reverse("staff:staff_import"), {"csv_text": roster, "confirm": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第3行" in page and "组织机构编码“nope”不存在" in page and "确认导入" not in page
    assert snapshot() == before


def test_create_without_mobile(dept_admin, gz_market_dept):
    response = client_for(dept_admin).post(
        reverse("staff:staff_create"), form(gz_market_dept, mobile="")
    )
    assert response.status_code == 200
    user = User.objects.get(username="gz_page")
    assert user.mobile == ""
    detail = client_for(dept_admin).get(reverse("staff:staff_detail", args=[user.username]))
    assert "仅密码登录" in detail.content.decode()


def test_create_with_invalid_mobile_shows_error(dept_admin, gz_market_dept):
    before = User.objects.count()
    response = client_for(dept_admin).post(
        reverse("staff:staff_create"), form(gz_market_dept, mobile="12345")
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get("mobile")
    assert User.objects.count() == before
