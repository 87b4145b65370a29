"""Logistics: address book, delivery orders for cases, dispatch by the window, courier callbacks
(signature, duplicates, out-of-order, replays) — through the services, the API and the pages."""

import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.cases.models import Case
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import SmsMessage
from tongban.servicedesk.couriers import simulator
from tongban.servicedesk.models import Address, DeliveryEvent, DeliveryOrder
from tongban.servicedesk.services import logistics
from tongban.servicedesk.tasks_logistics import send_simulated_callback
from tongban.testing.factories_cases import make_implementation

pytestmark = pytest.mark.django_db
S = DeliveryOrder.Status
API = "/api/v1/servicedesk"


def make_case(applicant, org_unit, status=Case.Status.IN_REVIEW, number="44010026112300001234"):
    implementation = make_implementation(org_unit, name="个体工商户设立登记", promised_days=5)
    return Case.objects.create(
        number=number,
        implementation=implementation,
        item_version=implementation.item.current_version,
        org_unit=org_unit,
        status=status,
        applicant=applicant,
        applicant_name=applicant.name,
        applicant_code=applicant.id_number or "",
        submitted_at=timezone.now(),
    )


@pytest.fixture
def case(citizen, gz_market_dept):
    return make_case(citizen, gz_market_dept)


@pytest.fixture
def address(citizen):
    return logistics.save_address(
        actor=citizen,
        name="张三",
        mobile="13800138000",
        division_code="440106",
        detail="体育东路1号",
    )


def _order(citizen, case, address, kind=DeliveryOrder.Kind.DELIVERY):
    return logistics.order_delivery(
        actor=citizen, case_number=case.number, kind=kind, address_id=address.pk
    )


def _callback(order, status, **kwargs):
    body, headers = simulator.signed_callback(order.waybill_no, status, **kwargs)
    return logistics.process_callback("sim", body, headers)


def _codes(callable_, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as info:
        callable_(*args, **kwargs)
    return info.value.code


# --- address book ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "", "address_name_required"),
        ("mobile", "1380013800", "address_mobile_invalid"),
        ("division_code", "440100", "address_division_invalid"),  # a city, not a county
        ("division_code", "440102", "address_division_invalid"),  # abolished 东山区
        ("division_code", "449999", "address_division_invalid"),
        ("detail", " ", "address_detail_required"),
    ],
)
def test_bad_address_is_refused_and_nothing_saved(citizen, field, value, code):
    data = {
        "name": "张三",
        "mobile": "13800138000",
        "division_code": "440106",
        "detail": "体育东路1号",
    }
    data[field] = value
    assert _codes(logistics.save_address, actor=citizen, **data) == code
    assert not Address.objects.exists()


def test_first_address_is_the_default_and_a_new_default_replaces_it(citizen, address):
    assert address.is_default
    second = logistics.save_address(
        actor=citizen,
        name="张三",
        mobile="13800138000",
        division_code="440304",
        detail="福田路2号",
        is_default=True,
    )
    address.refresh_from_db()
    assert second.is_default and not address.is_default
    assert AuditEvent.objects.filter(event_type="servicedesk.address_added").count() == 2


def test_nobody_deletes_another_persons_address(outsider, address):
    assert _codes(logistics.delete_address, actor=outsider, address_id=address.pk) == (
        "address_not_found"
    )
    assert Address.objects.filter(pk=address.pk).exists()


# --- fees ------------------------------------------------------------------------------------
def test_fee_depends_on_where_the_parcel_goes(case, settings):
    settings.DELIVERY_FEE_SAME_CITY, settings.DELIVERY_FEE_PROVINCE = 800, 1200
    settings.DELIVERY_FEE_OTHER = 2000
    assert logistics.quote_fee(case, "440106") == 800  # 天河区, the department's city
    assert logistics.quote_fee(case, "440304") == 1200  # 福田区, Shenzhen
    assert logistics.quote_fee(case, "110101") == 2000  # Beijing


# --- ordering --------------------------------------------------------------------------------
def test_delivery_of_the_result_waits_for_the_window(citizen, case, address):
    order = _order(citizen, case, address)
    assert order.status == S.AWAITING_DISPATCH and order.waybill_no == ""
    assert order.fee == 1000 and order.address.endswith("体育东路1号")
    assert order.org_unit == case.org_unit
    assert AuditEvent.objects.filter(
        event_type="servicedesk.delivery_ordered", target_id=str(order.pk)
    ).exists()


def test_pickup_is_booked_with_the_courier_at_once(citizen, case, address):
    order = _order(citizen, case, address, kind=DeliveryOrder.Kind.PICKUP)
    assert order.status == S.CREATED and order.waybill_no.startswith("SIM")
    assert [e.status for e in order.events.all()] == [S.AWAITING_DISPATCH, S.CREATED]


def test_address_snapshot_is_kept_when_the_book_changes(citizen, case, address):
    order = _order(citizen, case, address)
    Address.objects.filter(pk=address.pk).update(detail="别处")
    order.refresh_from_db()
    assert order.address.endswith("体育东路1号")


def test_an_outsider_cannot_order_for_someone_elses_case(outsider, case):
    own = logistics.save_address(
        actor=outsider, name="李四", mobile="13900139000", division_code="440304", detail="福田路"
    )
    code = _codes(
        logistics.order_delivery,
        actor=outsider,
        case_number=case.number,
        kind="delivery",
        address_id=own.pk,
    )
    assert code == "case_not_found"
    assert not DeliveryOrder.objects.exists()


def test_nobody_orders_to_another_persons_address(citizen, outsider, case):
    theirs = logistics.save_address(
        actor=outsider, name="李四", mobile="13900139000", division_code="440304", detail="福田路"
    )
    code = _codes(
        logistics.order_delivery,
        actor=citizen,
        case_number=case.number,
        kind="delivery",
        address_id=theirs.pk,
    )
    assert code == "address_not_found"
    assert not DeliveryOrder.objects.exists()


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (Case.Status.WITHDRAWN, "delivery"),
        (Case.Status.DENIED, "delivery"),
        (Case.Status.CONCLUDED, "pickup"),  # originals are no longer needed
    ],
)
def test_orders_that_make_no_sense_for_the_case_are_refused(citizen, case, address, status, kind):
    Case.objects.filter(pk=case.pk).update(status=status)
    assert _codes(_order, citizen, case, address, kind) == "delivery_not_allowed_for_case"
    assert not DeliveryOrder.objects.exists()


def test_a_second_live_order_of_the_same_kind_is_refused(citizen, case, address):
    _order(citizen, case, address)
    assert _codes(_order, citizen, case, address) == "delivery_already_ordered"
    assert DeliveryOrder.objects.count() == 1


def test_no_courier_configured_is_a_clear_error(citizen, case, address, settings):
    settings.COURIER_BACKEND = ""
    assert _codes(_order, citizen, case, address) == "courier_unavailable"
    assert not DeliveryOrder.objects.exists()


def test_cancel_until_picked_up(citizen, case, address):
    order = _order(citizen, case, address, kind=DeliveryOrder.Kind.PICKUP)
    _callback(order, "picked_up")
    assert _codes(logistics.cancel_delivery, actor=citizen, number=order.number) == (
        "delivery_not_cancellable"
    )
    order.refresh_from_db()
    assert order.status == S.PICKED_UP
    other = _order(citizen, case, address)  # a delivery, not yet dispatched
    assert logistics.cancel_delivery(actor=citizen, number=other.number).status == S.CANCELLED


# --- the window ------------------------------------------------------------------------------
def test_window_hands_the_approved_result_to_the_courier(citizen, clerk, case, address):
    order = _order(citizen, case, address)
    assert _codes(logistics.dispatch_results, actor=clerk, number=order.number) == (
        "delivery_result_not_ready"
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)
    order = logistics.dispatch_results(actor=clerk, number=order.number)
    assert order.status == S.CREATED and order.waybill_no
    assert SmsMessage.objects.filter(mobile="13800138000", text__contains=order.waybill_no).exists()
    assert AuditEvent.objects.filter(event_type="servicedesk.delivery_dispatched").exists()
    assert _codes(logistics.dispatch_results, actor=clerk, number=order.number) == (
        "delivery_not_dispatchable"
    )


def test_another_citys_clerk_sees_nothing_and_changes_nothing(
    citizen, other_city_clerk, case, address
):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)
    order = _order(citizen, case, address)
    assert not logistics.staff_deliveries(other_city_clerk).exists()
    assert _codes(logistics.dispatch_results, actor=other_city_clerk, number=order.number) == (
        "delivery_not_found"
    )
    order.refresh_from_db()
    assert order.status == S.AWAITING_DISPATCH and not order.waybill_no


# --- courier callbacks -----------------------------------------------------------------------
@pytest.fixture
def shipped(citizen, case, address):
    return _order(citizen, case, address, kind=DeliveryOrder.Kind.PICKUP)


def test_callbacks_move_the_parcel_and_text_the_contact(shipped):
    event = _callback(shipped, "picked_up", description="快递员张师傅已揽收")
    assert event.applied and not event.duplicate
    shipped.refresh_from_db()
    assert shipped.status == S.PICKED_UP
    assert SmsMessage.objects.filter(text__contains="已由快递员揽收").count() == 1
    _callback(shipped, "in_transit")
    _callback(shipped, "delivered")
    shipped.refresh_from_db()
    assert shipped.status == S.DELIVERED and shipped.finished_at
    assert SmsMessage.objects.filter(text__contains="已签收").count() == 1
    assert AuditEvent.objects.filter(event_type="servicedesk.delivery_status_changed").count() == 3


def test_a_repeated_callback_has_no_effect(shipped):
    body, headers = simulator.signed_callback(shipped.waybill_no, "picked_up", event_id="e-1")
    logistics.process_callback("sim", body, headers)
    again = logistics.process_callback("sim", body, headers)
    assert again.duplicate
    assert DeliveryEvent.objects.filter(event_id="e-1").count() == 1
    assert SmsMessage.objects.filter(text__contains="揽收").count() == 1
    assert AuditEvent.objects.filter(event_type="servicedesk.delivery_status_changed").count() == 1


def test_a_late_callback_is_kept_without_moving_the_order_back(shipped):
    _callback(shipped, "delivered")
    late = _callback(shipped, "in_transit")
    assert not late.applied
    shipped.refresh_from_db()
    assert shipped.status == S.DELIVERED


def test_a_forged_callback_is_refused_audited_and_changes_nothing(shipped):
    body, headers = simulator.signed_callback(shipped.waybill_no, "delivered", forge=True)
    with pytest.raises(DomainError) as info:
        logistics.process_callback("sim", body, headers)
    assert info.value.code == "courier_callback_rejected" and info.value.status == 401
    shipped.refresh_from_db()
    assert shipped.status == S.CREATED
    assert not DeliveryEvent.objects.filter(status="delivered").exists()
    assert AuditEvent.objects.filter(event_type="servicedesk.courier_callback_refused").exists()


def test_a_replayed_old_callback_is_refused(shipped, settings):
    body, headers = simulator.signed_callback(shipped.waybill_no, "delivered")
    stale = str(int(time.time()) - settings.COURIER_CALLBACK_MAX_AGE - 10)
    headers = {"X-Courier-Timestamp": stale, "X-Courier-Signature": simulator.sign(stale, body)}
    assert _codes(logistics.process_callback, "sim", body, headers) == "courier_callback_rejected"
    shipped.refresh_from_db()
    assert shipped.status == S.CREATED


def test_a_tampered_body_is_refused(shipped):
    body, headers = simulator.signed_callback(shipped.waybill_no, "picked_up")
    tampered = body.replace(b"picked_up", b"delivered")
    assert _codes(logistics.process_callback, "sim", tampered, headers) == (
        "courier_callback_rejected"
    )


def test_unknown_waybill_is_refused(shipped):
    body, headers = simulator.signed_callback("SIM000000000000", "picked_up")
    assert _codes(logistics.process_callback, "sim", body, headers) == "courier_waybill_unknown"
    assert not DeliveryEvent.objects.filter(status="picked_up").exists()


def test_the_simulator_task_sends_duplicates_and_forgeries(shipped):
    result = send_simulated_callback.call(shipped.waybill_no, "picked_up", copies=2)
    assert result["outcomes"] == ["applied", "duplicate"]
    forged = send_simulated_callback.call(shipped.waybill_no, "delivered", forge=True)
    assert forged["outcomes"] == ["courier_callback_rejected"]
    shipped.refresh_from_db()
    assert shipped.status == S.PICKED_UP


# --- API -------------------------------------------------------------------------------------
def test_api_round_trip(client, citizen, case):
    client.force_login(citizen)
    response = client.post(
        f"{API}/addresses",
        {
            "name": "张三",
            "mobile": "13800138000",
            "division_code": "440106",
            "detail": "体育东路1号",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    address_id = response.json()["id"]
    quote = client.get(
        f"{API}/deliveries/quote", {"case_number": case.number, "division_code": "440304"}
    )
    assert quote.json()["fee"] == 1200
    created = client.post(
        f"{API}/deliveries",
        {"case_number": case.number, "kind": "pickup", "address_id": address_id},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    number, waybill = created.json()["number"], created.json()["waybill_no"]
    body, headers = simulator.signed_callback(waybill, "picked_up")
    client.logout()
    callback = client.post(
        f"{API}/logistics/callbacks/sim",
        body,
        content_type="application/json",
        headers=headers,
    )
    assert callback.json() == {"status": "applied"}
    again = client.post(
        f"{API}/logistics/callbacks/sim", body, content_type="application/json", headers=headers
    )
    assert again.json() == {"status": "duplicate"}
    client.force_login(citizen)
    tracked = client.get(f"{API}/deliveries/{number}").json()
    assert tracked["status"] == "picked_up"
    assert [e["status"] for e in tracked["events"]] == ["awaiting_dispatch", "created", "picked_up"]


def test_api_forged_callback_is_401_and_changes_nothing(client, shipped):
    body, headers = simulator.signed_callback(shipped.waybill_no, "delivered", forge=True)
    response = client.post(
        f"{API}/logistics/callbacks/sim", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    assert response.json()["code"] == "courier_callback_rejected"
    shipped.refresh_from_db()
    assert shipped.status == S.CREATED


def test_api_outsider_gets_404_for_someone_elses_delivery(client, outsider, shipped):
    client.force_login(outsider)
    response = client.get(f"{API}/deliveries/{shipped.number}")
    assert response.status_code == 404 and response.json()["code"] == "delivery_not_found"
    cancel = client.post(f"{API}/deliveries/{shipped.number}/cancel")
    assert cancel.status_code == 404
    shipped.refresh_from_db()
    assert shipped.status == S.CREATED


def test_api_bad_input_is_a_clear_error(client, citizen, case, address):
    client.force_login(citizen)
    response = client.post(
        f"{API}/deliveries",
        {"case_number": case.number, "kind": "teleport", "address_id": address.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "delivery_kind_invalid",
        "message": "请选择上门取件或结果邮寄",
        "field": "kind",
    }
    assert not DeliveryOrder.objects.exists()


def test_api_needs_a_login(client, case):
    assert client.get(f"{API}/deliveries").status_code == 401


# --- pages -----------------------------------------------------------------------------------
def test_citizen_orders_through_the_pages(client, citizen, case, address):
    client.force_login(citizen)
    new_url = reverse("servicedesk_logistics:delivery_new") + f"?case={case.number}"
    page = client.get(new_url).content.decode()
    assert "运费 ¥10.00" in page and case.number in page
    response = client.post(
        reverse("servicedesk_logistics:delivery_new"),
        {"case": case.number, "kind": "delivery", "address": str(address.pk)},
    )
    order = DeliveryOrder.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{order.number}/")
    detail = client.get(response.url).content.decode()
    assert "待交寄" in detail and "取消订单" in detail
    listing = client.get(reverse("servicedesk_logistics:delivery_list")).content.decode()
    assert order.number in listing


def test_ordering_without_an_address_leads_to_the_address_book(client, citizen, case):
    client.force_login(citizen)
    response = client.get(reverse("servicedesk_logistics:delivery_new") + f"?case={case.number}")
    assert response.status_code == 302 and "/addresses/" in response.url


def test_saving_an_address_returns_only_to_a_page_of_this_site(client, citizen):
    client.force_login(citizen)
    data = {
        "name": "张三",
        "mobile": "13800138000",
        "division_code": "440106",
        "detail": "体育东路",
    }
    book = reverse("servicedesk_logistics:address_book")
    outside = client.post(f"{book}?next=https://evil.example/", data)
    assert outside.status_code == 302 and outside.url == book
    inside = client.post(f"{book}?next=/my/deliveries/new/%3Fcase%3D1", data)
    assert inside.url == "/my/deliveries/new/?case=1"


def test_address_form_shows_the_error_in_chinese(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("servicedesk_logistics:address_book"),
        {"name": "张三", "mobile": "123", "division_code": "440106", "detail": "体育东路1号"},
    )
    assert "请填写正确的 11 位手机号码" in response.content.decode()
    assert not Address.objects.exists()


def test_outsider_page_is_404(client, outsider, shipped):
    client.force_login(outsider)
    url = reverse("servicedesk_logistics:delivery_detail", args=[shipped.number])
    assert client.get(url).status_code == 404


def test_window_dispatches_through_the_workbench(client, citizen, clerk, case, address):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CONCLUDED)
    order = _order(citizen, case, address)
    client.force_login(clerk)
    listing = client.get(reverse("servicedesk_logistics_workbench:delivery_list")).content.decode()
    assert order.number in listing
    response = client.post(
        reverse("servicedesk_logistics_workbench:delivery_dispatch", args=[order.number])
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.CREATED


def test_outsider_persona_cannot_open_the_workbench_list(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("servicedesk_logistics_workbench:delivery_list"))
    assert response.status_code == 403


def test_simulator_page_queues_a_callback(client, citizen, shipped):
    client.force_login(citizen)
    page = client.get(reverse("servicedesk_courier_sim:simulator")).content.decode()
    assert shipped.waybill_no in page
    client.post(
        reverse("servicedesk_courier_sim:send"),
        {"waybill_no": shipped.waybill_no, "status": "picked_up"},
    )
    shipped.refresh_from_db()
    assert shipped.status == S.PICKED_UP  # tasks run immediately in tests


def test_the_courier_simulator_takes_no_callback_when_simulators_are_off(shipped, settings):
    """Even when named as the courier backend (a production mistake), the simulator and its
    public demo secret accept nothing once simulators are off."""
    settings.SIMULATORS_ENABLED = False
    body, headers = simulator.signed_callback(shipped.waybill_no, "delivered")
    assert _codes(logistics.process_callback, "sim", body, headers) == ("courier_callback_rejected")
    shipped.refresh_from_db()
    assert shipped.status == S.CREATED


def test_simulator_is_gone_when_simulators_are_off(client, citizen, settings):
    settings.SIMULATORS_ENABLED = False
    client.force_login(citizen)
    assert client.get(reverse("servicedesk_courier_sim:simulator")).status_code == 404


def test_callback_body_is_json_the_courier_documents(shipped):
    body, headers = simulator.signed_callback(shipped.waybill_no, "picked_up")
    data = json.loads(body)
    assert set(data) == {"event_id", "waybill_no", "status", "description", "occurred_at"}
    assert set(headers) == {"X-Courier-Timestamp", "X-Courier-Signature"}


def test_case_pages_link_to_the_deliveries(client, citizen, clerk, case):
    client.force_login(citizen)
    page = client.get(reverse("my_cases:detail", args=[case.number])).content.decode()
    assert f"{reverse('servicedesk_logistics:delivery_new')}?case={case.number}" in page
    client.force_login(clerk)
    staff_page = client.get(
        reverse("workbench_cases:case_detail", args=[case.number])
    ).content.decode()
    assert f"{reverse('servicedesk_logistics_workbench:delivery_list')}?case={case.number}" in (
        staff_page
    )
