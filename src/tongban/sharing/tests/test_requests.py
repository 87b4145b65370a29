"""Requests by legal duty: submission, provider decisions with reasons, the 10-working-day
escalation across a holiday, arbitration, revocation, and the refusals of bad input."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.sharing.models import Grant, Resource, ShareRequest
from tongban.sharing.services import catalogue
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import submit

pytestmark = pytest.mark.django_db


def events(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type))


def test_registry_resources_exist_for_their_departments(registry_resources, gz_psb, gz_market_dept):
    population, entity = registry_resources
    assert population.provider == gz_psb and population.backing == "person_registry"
    assert entity.provider == gz_market_dept and entity.share_type == "unconditional"
    assert population.is_published and population.lookup_key == "id_number"
    assert "id_number" in population.item_keys()
    assert catalogue.ensure_registry_resources("440100") == []  # idempotent
    assert len(events("sharing.resource_registered")) == 2


def test_conditional_request_waits_for_the_provider(population, mca_system, mca_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    assert share_request.status == ShareRequest.Status.SUBMITTED
    assert not Grant.objects.exists()
    assert share_request.items == ["id_number", "name", "address"]
    event = events("sharing.request_submitted")[0]
    assert event.actor_id == mca_admin.pk and event.data["legal_duty"] == "最低生活保障审核确认"


def test_unconditional_request_is_granted_at_once(registry_resources, mca_system, mca_admin):
    _, entity = registry_resources
    system, _ = mca_system
    share_request = submit(mca_admin, entity, system, items=["uscc", "name", "legal_rep_id_number"])
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.GRANTED
    assert share_request.decided_by_kind == ShareRequest.DecidedBy.PLATFORM
    grant = share_request.grant
    assert grant.row_scope == "lookup"
    assert grant.masking == {"legal_rep_id_number": "id_number"}
    assert events("sharing.request_granted")[0].data["decided_by"] == "platform"


def test_provider_approves_with_terms(granted, psb_admin):
    share_request, grant = granted
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.GRANTED
    assert grant.row_division == "440100" and grant.require_reference
    assert grant.masking == {"name": "name", "address": "address"}
    assert grant.expires_on == share_request.period_to
    event = events("sharing.request_granted")[0]
    assert event.actor_id == psb_admin.pk and event.data["grant"]["row_scope"] == "lookup"


def test_refusal_needs_reasons(population, mca_system, mca_admin, psb_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    with pytest.raises(DomainError) as excinfo:
        share_requests.refuse_request(actor=psb_admin, share_request=share_request, reason="  ")
    assert excinfo.value.code == "reason_required"
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.SUBMITTED
    share_requests.refuse_request(
        actor=psb_admin, share_request=share_request, reason="申请的住址不属于低保核对所需"
    )
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.REFUSED
    assert share_request.decision_reason == "申请的住址不属于低保核对所需"
    assert events("sharing.request_refused")[0].data["reason"] == "申请的住址不属于低保核对所需"
    with pytest.raises(DomainError) as excinfo:
        share_requests.approve_request(
            actor=psb_admin, share_request=share_request, terms=share_requests.Terms()
        )
    assert excinfo.value.code == "request_not_open"
    assert not Grant.objects.exists()


def test_consumer_cannot_approve_its_own_request(population, mca_system, mca_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    with pytest.raises(DomainError) as excinfo:
        share_requests.approve_request(
            actor=mca_admin, share_request=share_request, terms=share_requests.Terms()
        )
    assert excinfo.value.status == 403
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.SUBMITTED and not Grant.objects.exists()


def test_other_city_admin_cannot_request_with_a_system_of_another_department(
    population, mca_system, sz_mca_admin
):
    system, _ = mca_system
    with pytest.raises(DomainError) as excinfo:
        submit(sz_mca_admin, population, system)
    assert excinfo.value.status == 403
    assert not ShareRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"legal_duty": ""}, "legal_duty_required"),
        ({"purpose": " "}, "purpose_required"),
        ({"items": ["id_number", "salary"]}, "item_unknown"),
        ({"items": []}, "items_required"),
        ({"period_to": date(2020, 1, 1)}, "period_invalid"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    population, mca_system, mca_admin, changes, code
):
    system, _ = mca_system
    items = changes.pop("items", ("id_number", "name"))
    with pytest.raises(DomainError) as excinfo:
        submit(mca_admin, population, system, items=items, **changes)
    assert excinfo.value.code == code
    assert not ShareRequest.objects.exists()
    assert not events("sharing.request_submitted")


def test_not_shared_resource_needs_a_legal_basis(population, mca_system, mca_admin):
    Resource.objects.filter(pk=population.pk).update(share_type=Resource.ShareType.NONE)
    population.refresh_from_db()
    system, _ = mca_system
    with pytest.raises(DomainError) as excinfo:
        submit(mca_admin, population, system)
    assert excinfo.value.code == "legal_basis_required"
    assert not ShareRequest.objects.exists()
    share_request = submit(
        mca_admin, population, system, legal_basis="《社会救助暂行办法》第十一条"
    )
    assert share_request.status == ShareRequest.Status.SUBMITTED


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        ({"masking": {"phone": "mobile"}}, "masking_invalid"),  # not a requested item
        ({"masking": {"name": "blur"}}, "masking_invalid"),
        ({"row_division": "999999"}, "row_division_invalid"),
        ({"rate_limit_per_minute": 0}, "rate_limit_invalid"),
        ({"expires_on": date(2020, 1, 1)}, "expiry_invalid"),
        ({"row_scope": "everything"}, "choice_invalid"),
    ],
)
def test_bad_terms_are_refused_and_change_nothing(
    population, mca_system, mca_admin, psb_admin, terms, code
):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    with pytest.raises(DomainError) as excinfo:
        share_requests.approve_request(
            actor=psb_admin, share_request=share_request, terms=share_requests.Terms(**terms)
        )
    assert excinfo.value.code == code
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.SUBMITTED
    assert not Grant.objects.exists() and not events("sharing.request_granted")


def test_ten_working_days_escalation_across_national_day(
    population, mca_system, mca_admin, operator
):
    """Submitted Tuesday 2026-09-29: 10 working days skip 国庆节 (10-01…10-07) and count the
    调休 Saturday 10-10, so the provider has until Monday 2026-10-19 (14 calendar days would
    have ended 10-13)."""
    system, _ = mca_system
    submitted_on = date(2026, 9, 29)
    share_request = submit(
        mca_admin,
        population,
        system,
        period_from=submitted_on,
        period_to=max(submitted_on, timezone.localdate()) + timedelta(days=200),
        today=submitted_on,
    )
    assert share_request.due_on == date(2026, 10, 19)
    assert share_requests.escalate_overdue_requests(today=date(2026, 10, 19)) == 0
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.SUBMITTED
    assert share_requests.escalate_overdue_requests(today=date(2026, 10, 20)) == 1
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.ESCALATED
    assert events("sharing.request_escalated")[0].data["due_on"] == "2026-10-19"
    assert share_requests.escalate_overdue_requests(today=date(2026, 10, 21)) == 0  # idempotent

    # the provider can no longer answer; the operator arbitrates, with reasons, finally
    with pytest.raises(DomainError) as excinfo:
        share_requests.arbitrate_request(
            actor=operator, share_request=share_request, grant=True, reason=""
        )
    assert excinfo.value.code == "reason_required"
    share_requests.arbitrate_request(
        actor=operator,
        share_request=share_request,
        grant=True,
        reason="民政部门低保审核有法定职责，公安局逾期未答复，协调后同意",
    )
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.GRANTED
    assert share_request.decided_by_kind == ShareRequest.DecidedBy.ARBITRATION
    assert share_request.grant.masking == {
        "name": "name",
        "address": "address",
        "id_number": "id_number",
    }
    event = events("sharing.request_arbitrated")[0]
    assert event.actor_id == operator.pk and "协调后同意" in event.data["reason"]
    with pytest.raises(DomainError) as excinfo:
        share_requests.arbitrate_request(
            actor=operator, share_request=share_request, grant=False, reason="改判"
        )
    assert excinfo.value.code == "request_not_escalated"  # the decision is final


def test_only_the_operator_arbitrates(population, mca_system, mca_admin, psb_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    ShareRequest.objects.filter(pk=share_request.pk).update(status=ShareRequest.Status.ESCALATED)
    share_request.refresh_from_db()
    with pytest.raises(DomainError) as excinfo:
        share_requests.arbitrate_request(
            actor=psb_admin, share_request=share_request, grant=True, reason="自行同意"
        )
    assert excinfo.value.status == 403
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.ESCALATED


def test_revocation_with_reason(granted, psb_admin, mca_admin):
    _, grant = granted
    with pytest.raises(DomainError) as excinfo:
        share_requests.revoke_grant(actor=mca_admin, grant=grant, reason="不用了")
    assert excinfo.value.status == 403
    share_requests.revoke_grant(actor=psb_admin, grant=grant, reason="核对工作已结束")
    grant.refresh_from_db()
    assert grant.status == Grant.Status.REVOKED and grant.revoke_reason == "核对工作已结束"
    assert events("sharing.grant_revoked")[0].actor_id == psb_admin.pk
    with pytest.raises(DomainError) as excinfo:
        share_requests.revoke_grant(actor=psb_admin, grant=grant, reason="再次撤销")
    assert excinfo.value.code == "grant_already_revoked"


def test_withdraw(population, mca_system, mca_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    share_requests.withdraw_request(actor=mca_admin, share_request=share_request)
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.WITHDRAWN
    assert share_requests.escalate_overdue_requests(today=date(2099, 1, 1)) == 0


def test_periodic_task_escalates(settings, population, mca_system, mca_admin):
    from django.utils.module_loading import import_string

    path = "tongban.sharing.tasks.escalate_overdue_share_requests"
    assert settings.PERIODIC_TASKS[path] == 3600
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    ShareRequest.objects.filter(pk=share_request.pk).update(due_on=date(2020, 1, 1))
    result = import_string(path).enqueue()
    assert result.return_value == {"escalated": 1}
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.ESCALATED


def test_operator_cannot_decide_in_place_of_the_provider(
    population, mca_system, mca_admin, operator
):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    with pytest.raises(DomainError) as excinfo:
        share_requests.approve_request(
            actor=operator, share_request=share_request, terms=share_requests.Terms()
        )
    assert excinfo.value.status == 403
    with pytest.raises(DomainError):
        share_requests.refuse_request(actor=operator, share_request=share_request, reason="不同意")
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.SUBMITTED and not Grant.objects.exists()
