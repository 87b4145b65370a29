"""Refund services: limits, four-eyes, states, execution through the channel, automatic refunds."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.payments.channels.base import RefundResult
from tongban.payments.models import Refund
from tongban.payments.services import refunds
from tongban.payments.tests.finance_support import (
    audit_types,
    flagged_payment,
    late_payment,
    make_sz_finance,
    paid_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sz_finance(sz_market_dept):
    return make_sz_finance(sz_market_dept)


@pytest.fixture
def order(gz_market_dept):
    return paid_order(gz_market_dept, amount=6000)


def _request(order, actor, amount=6000, reason="申请人撤回申请"):
    return refunds.request_refund(order, actor=actor, amount=amount, reason=reason)


def test_request_full_refund_is_recorded_and_audited(order, finance_officer):
    refund = _request(order, finance_officer)
    assert refund.status == Refund.Status.REQUESTED
    assert refund.amount == 6000
    assert refund.requested_by == finance_officer
    assert refund.payment == order.payments.get()
    assert refund.org_unit == order.org_unit
    assert refund.refund_no.startswith("RF")
    assert "payments.refund_requested" in audit_types(target_id=str(refund.pk))
    assert refunds.refundable_amount(order) == 0


def test_partial_refunds_add_up_to_the_paid_amount_and_no_more(order, finance_officer):
    _request(order, finance_officer, amount=2000)
    _request(order, finance_officer, amount=4000)
    with pytest.raises(DomainError) as exc:
        _request(order, finance_officer, amount=1)
    assert exc.value.code == "refund_exceeds_paid"
    assert Refund.objects.count() == 2


def test_refund_above_paid_is_refused_and_nothing_changes(order, finance_officer):
    with pytest.raises(DomainError) as exc:
        _request(order, finance_officer, amount=6001)
    assert exc.value.code == "refund_exceeds_paid"
    assert exc.value.field == "amount"
    assert "60.00" in exc.value.message
    assert not Refund.objects.exists()
    assert "payments.refund_requested" not in audit_types()


def test_refund_of_an_unpaid_order_is_refused(gz_market_dept, finance_officer):
    unpaid = paid_order(gz_market_dept, status="created")
    with pytest.raises(DomainError) as exc:
        _request(unpaid, finance_officer, amount=100)
    assert exc.value.code == "order_not_paid"
    assert not Refund.objects.exists()


@pytest.mark.parametrize("amount", [0, -5, 12.5, "100", True])
def test_refund_amount_must_be_positive_whole_fen(order, finance_officer, amount):
    with pytest.raises(DomainError) as exc:
        _request(order, finance_officer, amount=amount)
    assert exc.value.code == "refund_amount_invalid"
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("reason", "code"),
    [("", "reason_required"), ("  ", "reason_required"), ("长" * 201, "reason_too_long")],
)
def test_refund_needs_a_reason(order, finance_officer, reason, code):
    with pytest.raises(DomainError) as exc:
        _request(order, finance_officer, reason=reason)
    assert exc.value.code == code
    assert not Refund.objects.exists()


def test_another_department_cannot_request_or_find_the_order(order, sz_finance, clerk):
    for actor in (sz_finance, clerk):
        with pytest.raises(DomainError) as exc:
            _request(order, actor)
        assert exc.value.status == 403
        with pytest.raises(DomainError) as exc:
            refunds.access_order(actor, order.code)
        assert exc.value.code == "order_not_found"
        assert exc.value.status == 404
    assert not Refund.objects.exists()


def test_requester_can_never_approve_their_own_refund(order, finance_officer):
    refund = _request(order, finance_officer)
    with pytest.raises(DomainError) as exc:
        refunds.approve_refund(refund, actor=finance_officer)
    assert exc.value.code == "refund_self_approval"
    assert exc.value.status == 403
    with pytest.raises(DomainError) as exc:
        refunds.reject_refund(refund, actor=finance_officer, note="撤回")
    assert exc.value.code == "refund_self_approval"
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED
    assert refund.decided_by is None
    assert "payments.refund_approved" not in audit_types()


def test_approval_by_a_second_person_executes_through_the_channel(
    order, finance_officer, finance_reviewer, django_capture_on_commit_callbacks
):
    refund = _request(order, finance_officer, amount=2500)
    with django_capture_on_commit_callbacks(execute=True):
        refunds.approve_refund(refund, actor=finance_reviewer, note="核实无误")
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.decided_by == finance_reviewer
    assert refund.decision_note == "核实无误"
    assert refund.channel_refund_no
    assert refund.submitted_at and refund.completed_at
    events = audit_types(target_id=str(refund.pk), target_type="payments.refund")
    for event in ("requested", "approved", "submitted", "succeeded"):
        assert f"payments.refund_{event}" in events
    assert refunds.refundable_amount(order) == 3500


def test_a_decided_refund_cannot_be_decided_again(order, finance_officer, finance_reviewer):
    refund = _request(order, finance_officer)
    refunds.reject_refund(refund, actor=finance_reviewer, note="材料不全")
    with pytest.raises(DomainError) as exc:
        refunds.approve_refund(refund, actor=finance_reviewer)
    assert exc.value.code == "refund_not_pending"
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REJECTED


def test_rejection_needs_a_note_and_releases_the_amount(order, finance_officer, finance_reviewer):
    refund = _request(order, finance_officer)
    with pytest.raises(DomainError) as exc:
        refunds.reject_refund(refund, actor=finance_reviewer, note=" ")
    assert exc.value.code == "reason_required"
    refunds.reject_refund(refund, actor=finance_reviewer, note="材料不全")
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REJECTED
    assert "payments.refund_rejected" in audit_types(target_id=str(refund.pk))
    assert refunds.refundable_amount(order) == 6000


def test_a_refund_the_channel_refuses_fails_and_releases_the_amount(
    order, finance_officer, finance_reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    from tongban.payments.channels import simulator

    monkeypatch.setattr(
        simulator.SimulatorChannel,
        "refund",
        lambda self, payment, *, refund_no, amount: RefundResult(False, "", "余额不足"),
    )
    refund = _request(order, finance_officer)
    with django_capture_on_commit_callbacks(execute=True):
        refunds.approve_refund(refund, actor=finance_reviewer)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert refund.failure_message == "余额不足"
    assert "payments.refund_failed" in audit_types(target_id=str(refund.pk))
    assert refunds.refundable_amount(order) == 6000


def test_a_channel_error_fails_the_refund_instead_of_leaving_it_submitted(
    order, finance_officer, finance_reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    from tongban.payments.channels import simulator

    def broken(self, payment, *, refund_no, amount):
        raise ConnectionError("timeout")

    monkeypatch.setattr(simulator.SimulatorChannel, "refund", broken)
    refund = _request(order, finance_officer)
    with django_capture_on_commit_callbacks(execute=True):
        refunds.approve_refund(refund, actor=finance_reviewer)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert "ConnectionError" in refund.failure_message


def test_submit_claims_an_approved_refund_once(order, finance_officer, finance_reviewer):
    refund = _request(order, finance_officer)
    refunds.approve_refund(refund, actor=finance_reviewer)  # on-commit enqueue not run here
    assert refunds.submit_refund(refund.pk) is not None
    assert refunds.submit_refund(refund.pk) is None
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert audit_types(target_id=str(refund.pk)).count("payments.refund_submitted") == 1


def test_unapproved_refund_is_never_sent(order, finance_officer):
    refund = _request(order, finance_officer)
    assert refunds.submit_refund(refund.pk) is None
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED


def test_amount_received_differs_refund_limit_follows_the_channel(gz_market_dept, finance_officer):
    short = paid_order(gz_market_dept, amount=6000, reported_amount=5000)
    with pytest.raises(DomainError) as exc:
        _request(short, finance_officer, amount=5001)
    assert exc.value.code == "refund_exceeds_paid"
    assert _request(short, finance_officer, amount=5000).amount == 5000


# --- automatic refunds ----------------------------------------------------------------------------
def test_late_payment_is_refunded_automatically_without_a_second_person(
    order, django_capture_on_commit_callbacks
):
    payment = late_payment(order, amount=6000)
    with django_capture_on_commit_callbacks(execute=True):
        refund = refunds.record_automatic_refund(payment, reason="订单已缴费，重复支付")
    refund.refresh_from_db()
    assert refund.kind == Refund.Kind.AUTOMATIC
    assert refund.requested_by is None and refund.requested_by_name == "system"
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.amount == 6000
    assert refund.payment == payment
    # the order's own payment is untouched and may still be refunded in full
    assert refunds.refundable_amount(order) == 6000
    events = audit_types(target_id=str(refund.pk), target_type="payments.refund")
    assert "payments.refund_requested" in events and "payments.refund_approved" in events


def test_automatic_refund_is_recorded_once_per_payment(order):
    payment = late_payment(order)
    first = refunds.record_automatic_refund(payment, reason="订单已过期")
    again = refunds.record_automatic_refund(payment, reason="订单已过期")
    assert first.pk == again.pk
    assert Refund.objects.filter(payment=payment).count() == 1


def test_automatic_refund_may_be_set_to_need_one_approval(
    order, settings, finance_reviewer, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_AUTO_REFUND_REQUIRES_APPROVAL = True
    payment = late_payment(order)
    with django_capture_on_commit_callbacks(execute=True):
        refund = refunds.record_automatic_refund(payment, reason="订单已取消")
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        refunds.approve_refund(refund, actor=finance_reviewer)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED


def test_sweep_submits_approved_refunds_whose_enqueue_was_lost(order):
    payment = late_payment(order)
    refund = refunds.record_automatic_refund(payment, reason="订单已过期")  # on-commit not run
    assert refunds.submit_approved_refunds(older_than_seconds=0) == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED


# --- money the channel took with a wrong amount ---------------------------------------------------
def test_flagged_payment_of_an_unpaid_order_can_be_refunded_up_to_what_arrived(
    gz_market_dept, finance_officer
):
    unpaid = paid_order(gz_market_dept, amount=6000, status="created")
    flagged = flagged_payment(unpaid, reported_amount=5900)
    assert refunds.refundable_amount(unpaid) == 5900
    with pytest.raises(DomainError) as exc:
        _request(unpaid, finance_officer, amount=5901)
    assert exc.value.code == "refund_exceeds_paid"
    refund = _request(unpaid, finance_officer, amount=5900, reason="金额不符，原路退回")
    assert refund.payment == flagged
    assert refunds.refundable_amount(unpaid) == 0


def test_the_payment_to_refund_can_be_named_and_must_belong_to_the_order(
    order, gz_market_dept, finance_officer
):
    flagged = flagged_payment(order, reported_amount=100)
    other = paid_order(gz_market_dept)
    with pytest.raises(DomainError) as exc:
        refunds.request_refund(
            order,
            actor=finance_officer,
            amount=50,
            reason="x",
            trade_no=other.payments.get().trade_no,
        )
    assert exc.value.code == "payment_not_refundable"
    assert not Refund.objects.exists()
    refund = refunds.request_refund(
        order, actor=finance_officer, amount=100, reason="多扣", trade_no=flagged.trade_no
    )
    assert refund.payment == flagged
    # without a trade number the payment that paid the order is refunded
    assert _request(order, finance_officer, amount=6000).payment.settles_order
