"""Console audit pages: access, filters, HTMX partial, masking, verification button."""

import pytest
from django.db import models, transaction
from django.urls import reverse

from tongban.core import audit
from tongban.core.models import AuditEvent

LIST = reverse("console:audit_list")
VERIFY = reverse("console:audit_verify")


@pytest.fixture
def events(db, citizen, clerk, gz_market_dept, sz_market_dept):
    with transaction.atomic():
        audit.record(
            "identity.user_registered",
            actor=citizen,
            target=citizen,
            data={"new": {"id_number": citizen.id_number, "mobile": citizen.mobile}},
        )
        audit.record(
            "cases.case_accepted",
            actor=clerk,
            org_unit=gz_market_dept,
            target_type="cases.case",
            target_id="GZ-001",
            target_label="个体工商户设立登记",
            data={"old": "submitted", "new": "accepted", "note": "申请人电话 13800138000"},
        )
        audit.record(
            "cases.case_accepted",
            actor=clerk,
            org_unit=sz_market_dept,
            target_type="cases.case",
            target_id="SZ-001",
            target_label="食品经营许可",
        )
    return list(AuditEvent.objects.order_by("seq"))


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["citizen", "outsider", "clerk", "approver", "dept_admin"])
def test_list_detail_and_verify_are_forbidden_to_others(request, client, events, persona):
    login(client, request.getfixturevalue(persona))
    before = AuditEvent.objects.count()
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("console:audit_detail", args=[1])).status_code == 403
    assert client.post(VERIFY).status_code == 403
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_login(client, events):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["auditor", "operator"])
def test_auditor_and_operator_see_the_list(request, client, events, persona):
    login(client, request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cases.case_accepted" in body and "identity.user_registered" in body
    assert "校验审计链" in body


def test_list_query_count_does_not_grow_with_rows(
    client, auditor, events, citizen, django_assert_max_num_queries
):
    login(client, auditor)
    with django_assert_max_num_queries(14) as few:  # incl. the reach checks
        client.get(LIST)
    with transaction.atomic():
        for _ in range(30):
            audit.record("cases.case_accepted", actor=citizen, org_unit=events[1].org_unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_filters(client, auditor, events, gz_market_dept, guangzhou):
    login(client, auditor)

    def seqs(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200
        return [row[0].seq for row in response.context["rows"]]

    assert seqs() == [3, 2, 1]
    assert seqs(event_type="cases.case_accepted") == [3, 2]
    assert seqs(event_type="identity.") == [1]
    assert seqs(actor="王窗口") == [3, 2]
    assert seqs(target="GZ-001") == [2]
    assert seqs(target="食品") == [3]
    assert seqs(org_unit=gz_market_dept.pk) == [2]
    assert seqs(org_unit=guangzhou.pk) == [2]  # the city covers its departments
    today = events[0].created_at.date().isoformat()
    assert seqs(date_from=today, date_to=today) == [3, 2, 1]
    assert seqs(date_from="2000-01-01", date_to="2000-01-02") == []


def test_bad_filter_shows_an_error(client, auditor, events):
    login(client, auditor)
    response = client.get(LIST, {"date_from": "2026-02-02", "date_to": "2026-02-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_htmx_request_gets_the_partial(client, auditor, events):
    login(client, auditor)
    response = client.get(LIST, {"event_type": "cases.case_accepted"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "GZ-001" not in body  # ids only in detail
    assert "个体工商户设立登记" in body


def test_pagination(client, auditor, events, citizen):
    with transaction.atomic():
        for _ in range(60):
            audit.record("core.thing_done", actor=citizen)
    login(client, auditor)
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 13


def test_detail_masks_personal_data_for_auditors(client, auditor, events):
    login(client, auditor)
    response = client.get(reverse("console:audit_detail", args=[1]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "440106199001011235" not in body and "440***********1235" in body
    assert "13800138000" not in body and "138****8000" in body
    assert "张*" in body  # the target (a person) is masked; the actor name is a snapshot
    other = client.get(reverse("console:audit_detail", args=[2])).content.decode()
    assert "138****8000" in other and "13800138000" not in other


def test_list_masks_person_targets(client, auditor, events):
    login(client, auditor)
    rows = client.get(LIST).context["rows"]
    labels = {row[0].seq: row[1] for row in rows}
    assert labels[1] == "张*"


def test_detail_unknown_event_is_404(client, auditor, events):
    login(client, auditor)
    assert client.get(reverse("console:audit_detail", args=[999])).status_code == 404


def test_verify_button_reports_ok_and_problems(client, auditor, events):
    login(client, auditor)
    ok = client.post(VERIFY, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "校验通过" in ok.content.decode()
    assert "<html" not in ok.content.decode()
    models.QuerySet(model=AuditEvent).filter(seq=2).update(target_label="篡改")
    bad = client.post(VERIFY)
    body = bad.content.decode()
    assert "校验失败" in body and "第 2 号事件内容被修改" in body and "<html" in body


def test_verify_needs_post(client, auditor, events):
    login(client, auditor)
    assert client.get(VERIFY).status_code == 405


# --- scoping: a city auditor sees only their city's events ---------------------------------
@pytest.fixture
def sz_auditor(shenzhen):
    from tongban.testing.fixtures import _staff

    return _staff("auditor", shenzhen, "sz_auditor", "郑审计", covers_children=True)


def test_city_auditor_sees_only_own_city_events(client, sz_auditor, events):
    login(client, sz_auditor)
    before = AuditEvent.objects.count()
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert [row[0].seq for row in response.context["rows"]] == [3]
    assert "个体工商户设立登记" not in body and "identity.user_registered" not in body
    # even when asking for the other city explicitly
    other = client.get(LIST, {"org_unit": events[1].org_unit_id})
    assert other.context["rows"] == []
    assert client.get(reverse("console:audit_detail", args=[3])).status_code == 200
    assert client.get(reverse("console:audit_detail", args=[2])).status_code == 404
    assert client.get(reverse("console:audit_detail", args=[1])).status_code == 404  # no unit
    assert "校验审计链" not in body
    assert client.post(VERIFY).status_code == 403
    assert AuditEvent.objects.count() == before


def test_city_auditor_without_children_sees_only_the_city_unit(client, shenzhen, events):
    from tongban.testing.fixtures import _staff

    login(client, _staff("auditor", shenzhen, "sz_auditor2", "冯审计"))
    assert client.get(LIST).context["rows"] == []
    assert client.get(reverse("console:audit_detail", args=[3])).status_code == 404


def test_actor_names_of_citizens_are_masked_staff_names_are_not(client, auditor, events):
    login(client, auditor)
    rows = client.get(LIST).context["rows"]
    actors = {row[0].seq: row[2] for row in rows}
    assert actors == {1: "张*", 2: "王窗口", 3: "王窗口"}
    body = client.get(LIST).content.decode()
    assert "张三" not in body
    detail = client.get(reverse("console:audit_detail", args=[1])).content.decode()
    assert "张三" not in detail and "张*" in detail


def test_actor_name_is_shown_to_a_viewer_with_pii_access(client, gz_market_dept, citizen):
    from tongban.core.models import RoleAssignment
    from tongban.testing.fixtures import _staff

    with transaction.atomic():
        audit.record("cases.case_submitted", actor=citizen, org_unit=gz_market_dept)
    viewer = _staff("auditor", gz_market_dept, "gz_auditor", "陈审计")
    RoleAssignment.objects.create(user=viewer, org_unit=gz_market_dept, role="window_clerk")
    login(client, viewer)
    rows = client.get(LIST).context["rows"]
    assert [row[2] for row in rows] == ["张三"]
