"""The workbench rectification pages: /workbench/rectifications/..."""

import pytest
from django.urls import reverse

from tongban.cases.models import Rectification
from tongban.cases.services.evaluation import rate_case
from tongban.cases.tests._evaluation_setup import make_case
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(citizen, gz_market_dept):
    case = make_case(citizen, gz_market_dept)
    return rate_case(
        case, actor=citizen, level=1, tags=["态度差"], comment="窗口态度差"
    ).rectification


def _state(item):
    item.refresh_from_db()
    return (item.status, item.callback_note, item.result)


def test_department_sees_the_item_with_the_rating(client, clerk, item):
    client.force_login(clerk)
    body = client.get(reverse("rectifications:rectification_list")).content.decode()
    assert item.evaluation.case.number in body
    assert "非常不满意" in body and "态度差" in body and "待整改" in body
    assert "部门评价情况" in body and "0.0%" in body  # good rate of the unit
    detail = client.get(reverse("rectifications:rectification_detail", args=[item.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "窗口态度差" in text and "记录回访" in text
    assert "张三" in text  # the clerk may see the applicant's name (core.view_pii)


def test_dept_admin_sees_masked_name(client, dept_admin, item):
    client.force_login(dept_admin)
    text = client.get(reverse("rectifications:rectification_detail", args=[item.pk])).content
    assert "张*" in text.decode() and "张三" not in text.decode()


def test_callback_then_close_through_the_pages(client, approver, item):
    client.force_login(approver)
    response = client.post(
        reverse("rectifications:rectification_callback", args=[item.pk]),
        {"note": "已电话回访，致歉并说明改进措施"},
    )
    assert response.status_code == 302
    assert _state(item)[0] == Rectification.Status.CALLED_BACK
    response = client.post(
        reverse("rectifications:rectification_close", args=[item.pk]),
        {"result": "窗口人员培训，纳入考核"},
    )
    assert response.status_code == 302
    assert _state(item) == (
        Rectification.Status.CLOSED,
        "已电话回访，致歉并说明改进措施",
        "窗口人员培训，纳入考核",
    )
    page = client.get(reverse("rectifications:rectification_detail", args=[item.pk])).content
    assert "已办结" in page.decode() and "保存回访记录" not in page.decode()


def test_close_before_callback_shows_the_error(client, clerk, item):
    client.force_login(clerk)
    before = _state(item)
    response = client.post(
        reverse("rectifications:rectification_close", args=[item.pk]), {"result": "已整改"}
    )
    assert response.status_code == 400
    assert "请先回访申请人" in response.content.decode()
    assert _state(item) == before


def test_empty_callback_is_refused(client, clerk, item):
    client.force_login(clerk)
    before = _state(item)
    response = client.post(
        reverse("rectifications:rectification_callback", args=[item.pk]), {"note": ""}
    )
    assert response.status_code == 400
    assert _state(item) == before


def test_other_city_clerk_sees_nothing(client, other_city_clerk, item):
    client.force_login(other_city_clerk)
    body = client.get(reverse("rectifications:rectification_list")).content.decode()
    assert item.evaluation.case.number not in body and "暂无整改事项" in body
    assert (
        client.get(reverse("rectifications:rectification_detail", args=[item.pk])).status_code
        == 404
    )
    before = _state(item)
    for name, data in (
        ("rectification_callback", {"note": "越权回访"}),
        ("rectification_close", {"result": "越权办结"}),
    ):
        response = client.post(reverse(f"rectifications:{name}", args=[item.pk]), data)
        assert response.status_code == 404
    assert _state(item) == before
    assert not AuditEvent.objects.filter(event_type="cases.rectification_called_back").exists()


def test_auditor_may_look_but_not_handle(client, auditor, item):
    client.force_login(auditor)
    page = client.get(reverse("rectifications:rectification_detail", args=[item.pk]))
    assert page.status_code == 200 and "记录回访" not in page.content.decode()
    before = _state(item)
    response = client.post(
        reverse("rectifications:rectification_callback", args=[item.pk]), {"note": "审计回访"}
    )
    assert response.status_code == 403
    assert _state(item) == before
    assert AuditEvent.objects.filter(event_type="cases.rectification_action_refused").exists()


@pytest.mark.parametrize("persona", ["citizen", "outsider"])
def test_citizens_get_403(client, request, item, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("rectifications:rectification_list")).status_code == 403
    assert (
        client.get(reverse("rectifications:rectification_detail", args=[item.pk])).status_code
        == 403
    )


def test_overdue_filter(client, clerk, item):
    Rectification.objects.filter(pk=item.pk).update(deadline="2020-01-02")
    client.force_login(clerk)
    body = client.get(reverse("rectifications:rectification_list") + "?overdue=1").content
    assert "已超期" in body.decode() and item.evaluation.case.number in body.decode()
    closed = client.get(reverse("rectifications:rectification_list") + "?status=closed").content
    assert item.evaluation.case.number not in closed.decode()


def test_htmx_returns_the_results_partial(client, clerk, item):
    client.force_login(clerk)
    response = client.get(reverse("rectifications:rectification_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert item.evaluation.case.number in body and "<html" not in body
