"""Order services: creation rules, the state machine, payers, cancelling, expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.payments.errors import OrderError
from tongban.payments.models import Payment, PaymentOrder
from tongban.payments.models.orders import ORDER_TRANSITIONS
from tongban.payments.services import codes, events, orders
from tongban.payments.tests.orders_fixtures import *  # noqa: F403
from tongban.payments.tests.orders_support import make_order, started

S = PaymentOrder.Status


def test_create_order_allocates_a_valid_code_and_audits(psb, citizen):
    order = make_order(psb, citizen)
    assert codes.validate_code(order.code) == order.code
    assert order.code.startswith("44010026") or order.code.startswith("440100")
    assert order.status == S.CREATED and order.amount == 6000
    assert order.items[0]["budget_account"] == "1030499"
    assert order.payer_id_number == citizen.id_number
    assert order.expires_at - order.created_at > timedelta(hours=23)
    event = AuditEvent.objects.get(event_type="payments.order_created")
    assert event.org_unit == psb and event.data["new"]["amount"] == 6000
    assert citizen.id_number not in str(event.data)  # masked


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"items": []}, OrderError.ITEMS_INVALID),
        ({"items": [{"name": "费", "amount": 0}]}, OrderError.AMOUNT_INVALID),
        ({"items": [{"name": "费", "amount": 1.5}]}, OrderError.AMOUNT_INVALID),
        ({"items": [{"name": "", "amount": 100}]}, OrderError.ITEMS_INVALID),
        ({"payer": None, "payer_name": "张三", "payer_id_number": ""}, OrderError.PAYER_INVALID),
        (
            {"payer": None, "payer_name": "张三", "payer_id_number": "440106199001011234"},
            OrderError.PAYER_INVALID,
        ),
        ({"expires_in": timedelta(minutes=1)}, OrderError.EXPIRY_INVALID),
    ],
)
def test_bad_orders_are_refused_and_nothing_is_created(psb, citizen, kwargs, code):
    payer = kwargs.pop("payer", citizen)
    with pytest.raises(DomainError) as excinfo:
        make_order(psb, payer, **kwargs)
    assert excinfo.value.code == code
    assert not PaymentOrder.objects.exists()
    assert not AuditEvent.objects.filter(event_type="payments.order_created").exists()


def test_items_add_up_for_a_payer_without_account(psb):
    order = make_order(
        psb,
        None,
        payer_name="张三",
        payer_id_number="440106199001011235",
        source="api",
        items=[
            {"name": "证件费", "amount": 6000},
            {"name": "加急费", "amount": 2050, "basis": "x", "budget_account": "1030401"},
        ],
    )
    assert order.amount == 8050 and order.payer is None


def test_start_payment_moves_to_started_and_a_new_attempt_is_allowed(order, citizen):
    payment = started(order, citizen)
    assert order.status == S.STARTED
    assert payment.status == Payment.Status.STARTED and payment.amount == 6000
    assert payment.qr_payload == f"/pay/sim/{payment.trade_no}/"
    second = started(order, citizen, channel="alipay")
    assert order.status == S.STARTED and second.trade_no != payment.trade_no
    assert AuditEvent.objects.filter(event_type="payments.payment_started").count() == 2


def test_someone_elses_order_cannot_be_started(order, outsider):
    with pytest.raises(DomainError) as excinfo:
        orders.start_payment(order, channel="wechat", actor=outsider)
    assert excinfo.value.code == OrderError.ORDER_NOT_FOUND
    order.refresh_from_db()
    assert order.status == S.CREATED and not order.payments.exists()
    with pytest.raises(DomainError):
        orders.access_payer_order(outsider, order.code)


def test_api_orders_belong_to_the_person_with_the_id_number(psb, citizen, outsider):
    order = make_order(
        psb, None, payer_name="张三", payer_id_number=citizen.id_number, source="api"
    )
    assert orders.access_payer_order(citizen, order.code) == order
    assert list(orders.orders_of_payer(citizen)) == [order]
    assert list(orders.orders_of_payer(outsider)) == []


def test_unknown_channel_is_refused(order, citizen):
    with pytest.raises(DomainError) as excinfo:
        orders.start_payment(order, channel="bitcoin", actor=citizen)
    assert excinfo.value.code == OrderError.CHANNEL_UNKNOWN
    assert not order.payments.exists()


def test_no_channels_without_simulators_in_production_like_settings(settings, order, citizen):
    settings.SIMULATORS_ENABLED = False
    with pytest.raises(DomainError) as excinfo:
        orders.start_payment(order, channel="wechat", actor=citizen)
    assert excinfo.value.code == OrderError.CHANNEL_UNKNOWN


def test_expired_order_cannot_be_started(order, citizen):
    later = order.expires_at + timedelta(seconds=1)
    with pytest.raises(DomainError) as excinfo:
        orders.start_payment(order, channel="wechat", actor=citizen, now=later)
    assert excinfo.value.code == OrderError.ORDER_EXPIRED
    assert not order.payments.exists()


def test_expiry_task_expires_due_orders_only(psb, citizen):
    due = make_order(psb, citizen)
    fresh = make_order(psb, citizen, expires_in=timedelta(hours=48))
    started(due, citizen)
    later = timezone.now() + timedelta(hours=25)
    assert orders.expire_due_orders(now=later) == 1
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert due.status == S.EXPIRED and fresh.status == S.CREATED
    assert AuditEvent.objects.filter(event_type="payments.order_expired").count() == 1
    assert orders.expire_due_orders(now=later) == 0  # nothing twice
    with pytest.raises(DomainError) as excinfo:
        orders.start_payment(due, channel="wechat", actor=citizen)
    assert excinfo.value.code == OrderError.ORDER_EXPIRED


def test_ttl_setting(settings, psb, citizen):
    settings.PAYMENTS_ORDER_TTL_HOURS = 2
    order = make_order(psb, citizen)
    assert (
        timedelta(hours=1, minutes=59) < order.expires_at - order.created_at <= timedelta(hours=2)
    )


def test_cancel_needs_the_permission_in_the_unit(order, psb, other_city_clerk, citizen):
    with pytest.raises(DomainError) as excinfo:
        orders.cancel_order(order, actor=other_city_clerk, reason="重复开具")
    assert excinfo.value.code == OrderError.PERMISSION_DENIED
    with pytest.raises(DomainError) as excinfo:
        orders.cancel_order(order, actor=citizen, reason="不想缴")
    assert excinfo.value.code == OrderError.PERMISSION_DENIED
    order.refresh_from_db()
    assert order.status == S.CREATED


def test_staff_of_the_unit_cancel_with_a_reason(order, psb):
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    clerk = StaffFactory(username="psb_clerk", name="公安窗口")
    RoleAssignmentFactory(user=clerk, org_unit=psb, role="window_clerk")
    with pytest.raises(DomainError) as excinfo:
        orders.cancel_order(order, actor=clerk, reason="  ")
    assert excinfo.value.code == OrderError.REASON_REQUIRED
    orders.cancel_order(order, actor=clerk, reason="申请人放弃")
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.cancel_reason == "申请人放弃"
    event = AuditEvent.objects.get(event_type="payments.order_cancelled")
    assert event.actor_id == clerk.pk
    with pytest.raises(DomainError) as excinfo:
        orders.cancel_order(order, actor=clerk, reason="再取消")
    assert excinfo.value.code == OrderError.ORDER_CANCELLED


def test_state_machine_final_states_have_no_way_out():
    assert ORDER_TRANSITIONS[S.SUCCESS] == frozenset()
    assert ORDER_TRANSITIONS[S.CANCELLED] == frozenset()
    # only a payment made in time whose notice came late settles an expired order
    assert ORDER_TRANSITIONS[S.EXPIRED] == frozenset({S.SUCCESS})
    assert S.SUCCESS not in ORDER_TRANSITIONS[S.CREATED]  # paid only after a start


def test_illegal_transition_is_refused(order):
    from django.db import transaction

    with transaction.atomic():
        fresh = orders.lock(order)
        with pytest.raises(DomainError) as excinfo:
            orders.change_status(fresh, S.SUCCESS, actor="test", event_type="payments.order_paid")
    assert excinfo.value.code == OrderError.ILLEGAL_TRANSITION


def test_listeners_see_every_change_inside_the_transaction(order, citizen):
    seen = []

    def listener(changed, old, new, *, actor):
        seen.append((changed.code, old, new))

    events.register_order_listener(listener)
    try:
        started(order, citizen)
        started(order, citizen)  # started → started is not a change
    finally:
        events.unregister_order_listener(listener)
    assert seen == [(order.code, "created", "started")]


def test_department_orders_are_not_reissued_by_the_payer(psb, citizen):
    order = make_order(psb, citizen, source="api")
    orders.expire_due_orders(now=order.expires_at)
    with pytest.raises(DomainError) as excinfo:
        orders.reissue_order(order, actor=citizen)
    assert excinfo.value.code == OrderError.NOT_REISSUABLE
    assert PaymentOrder.objects.count() == 1


def test_an_unverified_id_number_does_not_make_a_payer(psb, citizen):
    """At L1 the ID number is self-declared: it never opens someone else's API orders."""
    order = make_order(
        psb, None, payer_name="张三", payer_id_number=citizen.id_number, source="api"
    )
    citizen.realname_level = 1
    citizen.save(update_fields=["realname_level"])
    assert list(orders.orders_of_payer(citizen)) == []
    with pytest.raises(DomainError) as excinfo:
        orders.access_payer_order(citizen, order.code)
    assert excinfo.value.code == OrderError.ORDER_NOT_FOUND
