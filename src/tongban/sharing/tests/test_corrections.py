"""Error reports (数据纠错): the closed loop reported → accepted/rejected → corrected →
confirmed, deadlines in working days across a holiday, escalation of overdue reports to the
operator (periodic task), the API and pages, and outsiders / bad input changing nothing."""

from datetime import date

import pytest
from django.utils import timezone

from tongban.core import calendar
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.sharing.models import CorrectionReport
from tongban.sharing.services import corrections
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import WANG_ID

pytestmark = pytest.mark.django_db


def report(actor, resource, unit, **kwargs):
    values = {
        "record_key": WANG_ID,
        "item_key": "address",
        "description": "住址已变更，与实际不符",
        "suggested_value": "广州市天河区新地址9号",
    }
    values.update(kwargs)
    return corrections.report_error(actor=actor, resource=resource, reporter_unit=unit, **values)


def events(name):
    return AuditEvent.objects.filter(event_type=f"sharing.correction_{name}").count()


def test_closed_loop(granted, population, mca_admin, psb_admin, gz_mca):
    r = report(mca_admin, population, gz_mca)
    assert r.status == "reported" and r.provider == population.provider
    assert r.due_on == calendar.add_working_days(timezone.localdate(), 5)
    # the provider cannot confirm; the reporter cannot accept
    with pytest.raises(DomainError):
        corrections.accept(actor=mca_admin, report=r)
    corrections.accept(actor=psb_admin, report=r, reason="核实中")
    assert r.status == "accepted"
    assert r.due_on == calendar.add_working_days(timezone.localdate(), 10)
    with pytest.raises(DomainError) as excinfo:
        corrections.correct(actor=psb_admin, report=r, note=" ")
    assert excinfo.value.code == "correction_reason_required"
    corrections.correct(actor=psb_admin, report=r, note="已按户籍登记更正住址")
    with pytest.raises(DomainError):
        corrections.confirm(actor=psb_admin, report=r)
    corrections.confirm(actor=mca_admin, report=r)
    assert r.status == "confirmed" and r.confirmed_at is not None
    for name in ("reported", "accepted", "corrected", "confirmed"):
        assert events(name) == 1
    event = AuditEvent.objects.get(event_type="sharing.correction_reported")
    assert WANG_ID not in str(event.data)  # the key is masked in the audit data


def test_reject_needs_reason_and_is_final(granted, population, mca_admin, psb_admin, gz_mca):
    r = report(mca_admin, population, gz_mca)
    with pytest.raises(DomainError) as excinfo:
        corrections.reject(actor=psb_admin, report=r, reason="")
    assert excinfo.value.code == "correction_reason_required"
    r.refresh_from_db()
    assert r.status == "reported" and events("rejected") == 0
    corrections.reject(actor=psb_admin, report=r, reason="数据与户籍登记一致")
    assert r.status == "rejected"
    with pytest.raises(DomainError) as excinfo:
        corrections.accept(actor=psb_admin, report=r)
    assert excinfo.value.code == "correction_illegal_transition"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"description": " "}, "correction_description_required"),
        ({"record_key": ""}, "correction_record_required"),
        ({"item_key": "salary"}, "item_unknown"),
    ],
)
def test_bad_reports_change_nothing(granted, population, mca_admin, gz_mca, kwargs, code):
    with pytest.raises(DomainError) as excinfo:
        report(mca_admin, population, gz_mca, **kwargs)
    assert excinfo.value.code == code
    assert not CorrectionReport.objects.exists() and events("reported") == 0


def test_only_grant_holders_report(population, sz_mca_admin, sz_mca):
    with pytest.raises(DomainError) as excinfo:
        report(sz_mca_admin, population, sz_mca)
    assert excinfo.value.code == "correction_not_allowed"
    assert not CorrectionReport.objects.exists()


def test_outsider_department_cannot_answer_or_see(
    client, granted, population, mca_admin, psb_admin, gz_mca, sz_mca_admin
):
    r = report(mca_admin, population, gz_mca)
    with pytest.raises(DomainError):
        corrections.accept(actor=sz_mca_admin, report=r)
    client.force_login(sz_mca_admin)
    assert client.get(f"/workbench/sharing/corrections/{r.number}/").status_code == 404
    response = client.post(
        f"/api/v1/sharing/corrections/{r.number}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["code"] == "correction_not_found"
    r.refresh_from_db()
    assert r.status == "reported" and events("accepted") == 0


def test_escalation_across_a_holiday(
    granted, population, mca_admin, psb_admin, gz_mca, operator, client, settings
):
    r = report(mca_admin, population, gz_mca)
    # a report filed on Wed 2026-09-30: 5 working days skip the National Day holiday
    calendar_due = calendar.add_working_days(date(2026, 9, 30), 5)
    CorrectionReport.objects.filter(pk=r.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2026, 9, 30, 10)), due_on=calendar_due
    )
    assert calendar_due > date(2026, 10, 7)
    assert corrections.escalate_overdue(today=calendar_due) == 0
    from tongban.sharing.tasks_quality import escalate_overdue_corrections

    assert corrections.escalate_overdue(today=date(2026, 10, 31)) == 1
    assert corrections.escalate_overdue(today=date(2026, 10, 31)) == 0  # once
    assert escalate_overdue_corrections.enqueue().return_value == {"escalated": 0}
    r.refresh_from_db()
    assert r.escalated_at is not None and r.status == "reported"
    assert events("escalated") == 1
    client.force_login(operator)
    page = client.get("/console/sharing/quality/")
    assert r.number in page.content.decode()
    # the provider can still answer; the report leaves the operator's list
    corrections.reject(actor=psb_admin, report=r, reason="数据正确")
    assert r.number not in client.get("/console/sharing/quality/").content.decode()


def test_api_loop(client, granted, population, mca_admin, psb_admin):
    client.force_login(mca_admin)
    response = client.post(
        "/api/v1/sharing/corrections",
        {
            "resource": population.code,
            "record_key": WANG_ID,
            "item_key": "address",
            "description": "住址错误",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    bad = client.post(
        "/api/v1/sharing/corrections",
        {"resource": population.code, "record_key": WANG_ID, "description": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "correction_description_required"
    client.force_login(psb_admin)
    listing = client.get("/api/v1/sharing/corrections?side=provider").json()
    assert [c["number"] for c in listing["items"]] == [number]
    response = client.post(
        f"/api/v1/sharing/corrections/{number}/accept",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.json()["status"] == "accepted"
    response = client.post(
        f"/api/v1/sharing/corrections/{number}/correct",
        {"note": "已更正"},
        content_type="application/json",
    )
    assert response.json()["status"] == "corrected"
    client.force_login(mca_admin)
    response = client.post(f"/api/v1/sharing/corrections/{number}/confirm")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert CorrectionReport.objects.count() == 1


def test_pages_loop(client, granted, population, mca_admin, psb_admin):
    _request, grant = granted
    client.force_login(mca_admin)
    response = client.post(
        "/workbench/sharing/quality/",
        {"grant": grant.pk, "record_key": WANG_ID, "item_key": "", "description": "姓名错误"},
    )
    assert response.status_code == 302
    r = CorrectionReport.objects.get()
    client.force_login(psb_admin)
    page = client.get(f"/workbench/sharing/corrections/{r.number}/")
    assert page.status_code == 200 and "受理并更正" in page.content.decode()
    response = client.post(
        f"/workbench/sharing/corrections/{r.number}/", {"action": "reject", "text": ""}
    )
    assert response.status_code == 200
    r.refresh_from_db()
    assert r.status == "reported"
    client.post(f"/workbench/sharing/corrections/{r.number}/", {"action": "accept", "text": ""})
    r.refresh_from_db()
    assert r.status == "accepted"


def test_api_unknown_resource_and_no_grant(client, population, sz_mca_admin, mca_admin):
    client.force_login(mca_admin)
    response = client.post(
        "/api/v1/sharing/corrections",
        {"resource": "NO-SUCH", "record_key": WANG_ID, "description": "错误"},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "resource_not_found"
    client.force_login(sz_mca_admin)  # no grant on the population resource
    response = client.post(
        "/api/v1/sharing/corrections",
        {"resource": population.code, "record_key": WANG_ID, "description": "错误"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "correction_not_allowed"
    assert not CorrectionReport.objects.exists() and events("reported") == 0
