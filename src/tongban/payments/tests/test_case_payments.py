"""Cases of charging items: accepted → awaiting payment with an order; paid → in review."""

from decimal import Decimal

import pytest

from tongban.cases.models import Case
from tongban.cases.services import lifecycle
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.payments.models import PaymentOrder
from tongban.payments.tests.orders_fixtures import *  # noqa: F403
from tongban.payments.tests.orders_support import callback_payload, post_callback, started
from tongban.testing.factories_cases import accepted_case, make_implementation, submitted_case


@pytest.fixture
def charging(gz_market_dept):
    implementation = make_implementation(gz_market_dept, name="往来港澳通行证签发")
    version = implementation.item.current_version
    version.charges = True
    version.fee_amount = Decimal("60.00")
    version.fee_basis = "往来港澳通行证证件费"
    version.save()
    return implementation


def test_accepting_a_charging_case_opens_an_order_and_waits(charging, citizen, clerk):
    case = accepted_case(charging, citizen, clerk)
    assert case.status == Case.Status.AWAITING_PAYMENT
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_PAYMENT
    order = PaymentOrder.objects.get()
    assert order.reference == case.number and order.source == "case"
    assert order.amount == 6000 and order.payer == citizen and order.org_unit == case.org_unit
    assert order.items == [
        {
            "name": "往来港澳通行证签发",
            "basis": "往来港澳通行证证件费",
            "amount": 6000,
            "budget_account": "1030499",
        }
    ]
    assert order.created_by == clerk
    assert AuditEvent.objects.filter(event_type="cases.payment_requested").count() == 1


def test_free_items_are_not_charged(gz_market_dept, citizen, clerk):
    case = accepted_case(make_implementation(gz_market_dept), citizen, clerk)
    assert case.status == Case.Status.IN_REVIEW
    assert not PaymentOrder.objects.exists()


def test_paying_resumes_the_case(client, charging, citizen, clerk):
    case = accepted_case(charging, citizen, clerk)
    order = PaymentOrder.objects.get()
    payment = started(order, citizen)
    assert post_callback(client, payment, callback_payload(payment)).json()["outcome"] == "applied"
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    event = AuditEvent.objects.get(event_type="cases.payment_received")
    assert event.actor_name == "payments"


def test_a_refused_order_refuses_the_acceptance(charging, citizen, clerk, monkeypatch):
    from tongban.payments.services import orders

    def broken(*args, **kwargs):
        raise DomainError("items_invalid", "坏的收费项目")

    case = submitted_case(charging, citizen)
    monkeypatch.setattr(orders, "create_order", broken)
    with pytest.raises(DomainError):
        lifecycle.accept_case(case, actor=clerk)
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED and not PaymentOrder.objects.exists()


def test_withdrawing_cancels_the_open_order(charging, citizen, clerk):
    case = accepted_case(charging, citizen, clerk)
    lifecycle.withdraw_case(case, actor=citizen, reason="不办了")
    order = PaymentOrder.objects.get()
    assert order.status == "cancelled" and "已撤回" in order.cancel_reason


def test_case_page_shows_the_fee_to_pay(client, charging, citizen, clerk, outsider):
    case = accepted_case(charging, citizen, clerk)
    order = PaymentOrder.objects.get()
    client.force_login(citizen)
    page = client.get(f"/my/cases/{case.number}/").content.decode()
    assert 'id="case-payments"' in page and "待缴费" in page and "¥60.00" in page
    assert f"/my/payments/{order.code}/" in page
    client.force_login(outsider)
    assert client.get(f"/my/cases/{case.number}/").status_code == 404


def test_expired_case_fee_can_be_reissued_by_the_payer_and_paid(client, charging, citizen, clerk):
    from tongban.payments.services import orders

    case = accepted_case(charging, citizen, clerk)
    old = PaymentOrder.objects.get()
    orders.expire_due_orders(now=old.expires_at)
    client.force_login(citizen)
    page = client.get(f"/my/payments/{old.code}/").content.decode()
    assert 'id="reissue-order"' in page
    response = client.post(f"/my/payments/{old.code}/", {"action": "reissue"})
    new = PaymentOrder.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/my/payments/{new.code}/"
    assert new.reference == case.number and new.amount == 6000 and new.status == "created"
    assert AuditEvent.objects.filter(event_type="payments.order_reissued").count() == 1
    again = client.post(f"/my/payments/{old.code}/", {"action": "reissue"})
    assert again.status_code == 409 and PaymentOrder.objects.count() == 2  # one open at a time
    payment = started(new, citizen)
    post_callback(client, payment, callback_payload(payment))
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW


def test_reissue_is_refused_for_outsiders_and_cases_no_longer_waiting(
    client, charging, citizen, clerk, outsider
):
    from tongban.payments.services import orders

    case = accepted_case(charging, citizen, clerk)
    old = PaymentOrder.objects.get()
    orders.expire_due_orders(now=old.expires_at)
    client.force_login(outsider)
    assert client.post(f"/my/payments/{old.code}/", {"action": "reissue"}).status_code == 404
    lifecycle.withdraw_case(case, actor=citizen, reason="不办了")
    client.force_login(citizen)
    response = client.post(f"/my/payments/{old.code}/", {"action": "reissue"})
    assert response.status_code == 409 and "不能重新开具" in response.content.decode()
    assert PaymentOrder.objects.count() == 1
    assert not AuditEvent.objects.filter(event_type="payments.order_reissued").exists()


def test_a_case_without_a_valid_applicant_code_still_gets_its_order(charging, clerk):
    from tongban.testing.factories import UserFactory

    applicant = UserFactory(username="hall_applicant", id_number="", name="赵六")
    case = accepted_case(charging, applicant, clerk, applicant_code="12345")
    assert case.status == Case.Status.AWAITING_PAYMENT
    order = PaymentOrder.objects.get()
    assert order.payer == applicant and order.payer_id_number == ""


def test_late_notice_for_the_expired_order_cancels_the_reissued_one(
    client, charging, citizen, clerk
):
    from datetime import timedelta

    from tongban.payments.services import orders

    case = accepted_case(charging, citizen, clerk)
    old = PaymentOrder.objects.get()
    payment = started(old, citizen)
    orders.expire_due_orders(now=old.expires_at)
    new = orders.reissue_order(old, actor=citizen)
    in_time = old.expires_at - timedelta(minutes=1)
    response = post_callback(client, payment, callback_payload(payment, paid_at=in_time))
    assert response.json()["outcome"] == "applied"
    old.refresh_from_db()
    new.refresh_from_db()
    case.refresh_from_db()
    assert old.status == "success" and new.status == "cancelled"
    assert case.status == Case.Status.IN_REVIEW


def test_late_notice_after_the_reissued_order_was_paid_is_refunded(
    client, charging, citizen, clerk
):
    from datetime import timedelta

    from tongban.payments.services import orders

    accepted_case(charging, citizen, clerk)
    old = PaymentOrder.objects.get()
    first = started(old, citizen)
    orders.expire_due_orders(now=old.expires_at)
    new = orders.reissue_order(old, actor=citizen)
    second = started(new, citizen)
    assert post_callback(client, second, callback_payload(second)).json()["outcome"] == "applied"
    in_time = old.expires_at - timedelta(minutes=1)
    response = post_callback(client, first, callback_payload(first, paid_at=in_time))
    assert response.json()["outcome"] == "late_refunded"
    old.refresh_from_db()
    assert old.status == "expired" and first.refunds.count() == 1
