"""Logistics (物流): the address book, delivery orders linked to cases, dispatch by the window and
the courier's tracking callbacks.

* A citizen keeps addresses in an address book (entered once, reused) and orders, for one of
  their cases, a **pickup** of original materials (booked with the courier at once) or a
  **delivery** of the result (waits until the window hands the result to the courier —
  :func:`dispatch_results`, "结果已交寄"). The fee is quoted before ordering
  (:func:`quote_fee`) and paid to the courier (寄付/到付), not through the platform.
* Courier callbacks (:func:`process_callback`) are verified by the adapter; a forged or stale
  one is refused and leaves a security audit event; a repeated one (same event id) has no
  effect; one that arrives after a later step is kept in the timeline without moving the
  order back. Pickup and delivery are sent to the contact by SMS.
"""

from __future__ import annotations

import logging
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.cases.models import Case
from tongban.cases.selectors import access_case, is_applicant_side
from tongban.core import audit
from tongban.core.codes.division_code import validate_division
from tongban.core.codes.divisions import get as get_division
from tongban.core.exceptions import DomainError
from tongban.core.permissions import check_perm, restrict
from tongban.identity.sms import send_sms
from tongban.servicedesk.couriers import CallbackRejected, get_courier
from tongban.servicedesk.errors_logistics import LogisticsError as E
from tongban.servicedesk.errors_logistics import error
from tongban.servicedesk.models import Address, DeliveryEvent, DeliveryOrder
from tongban.servicedesk.permissions_logistics import SERVICEDESK_DISPATCH_DELIVERY

logger = logging.getLogger(__name__)
S = DeliveryOrder.Status
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Steps in the order a parcel takes them; a callback never moves an order to a lower rank.
RANK = {
    S.AWAITING_DISPATCH: 0,
    S.CREATED: 1,
    S.PICKED_UP: 2,
    S.IN_TRANSIT: 3,
    S.DELIVERED: 4,
    S.FAILED: 4,
    S.CANCELLED: 4,
}
# Case states in which each kind may be ordered: originals are picked up while the case is
# being examined; a result can be ordered any time before or after the decision, but not for
# cases that ended without one.
ORDERABLE = {
    DeliveryOrder.Kind.PICKUP: {
        Case.Status.SUBMITTED,
        Case.Status.CORRECTION_REQUESTED,
        Case.Status.IN_REVIEW,
        Case.Status.AWAITING_PAYMENT,
    },
    DeliveryOrder.Kind.DELIVERY: {
        Case.Status.SUBMITTED,
        Case.Status.CORRECTION_REQUESTED,
        Case.Status.IN_REVIEW,
        Case.Status.SUSPENDED,
        Case.Status.AWAITING_PAYMENT,
        Case.Status.APPROVED,
        Case.Status.CONCLUDED,
    },
}
RESULT_READY = {Case.Status.APPROVED, Case.Status.CONCLUDED}
SMS_TEXT = {
    S.PICKED_UP: gettext_lazy("【通办】您的物流订单 {number} 已由快递员揽收，运单号 {waybill}。"),
    S.DELIVERED: gettext_lazy("【通办】您的物流订单 {number} 已签收，运单号 {waybill}。"),
    S.FAILED: gettext_lazy(
        "【通办】您的物流订单 {number} 投递失败，请联系办理窗口。运单号 {waybill}。"
    ),
}


def _notify(mobile: str, text: str) -> None:
    """SMS to the parcel's contact; a missing SMS gateway never blocks the parcel."""
    try:
        send_sms(mobile, text, purpose="delivery")
    except DomainError:
        logger.warning("delivery SMS not sent: no SMS gateway configured")


# --- address book ----------------------------------------------------------------------------
def _clean_address(name, mobile, division_code, detail) -> tuple[str, str, str, str]:
    name, mobile, detail = (name or "").strip(), (mobile or "").strip(), (detail or "").strip()
    if not name or len(name) > 50:
        raise error(E.NAME_REQUIRED, field="name")
    if not MOBILE_RE.match(mobile):
        raise error(E.MOBILE_INVALID, field="mobile")
    division_code = county_code(division_code)
    if not detail or len(detail) > 200:
        raise error(E.DETAIL_REQUIRED, field="detail")
    return name, mobile, division_code, detail


def county_code(value) -> str:
    """A current county-level division code, or ``address_division_invalid``."""
    division = validate_division(value)
    if not division.valid or division.parsed["level"] != "county" or not division.parsed["current"]:
        raise error(E.DIVISION_INVALID, field="division_code")
    return division.normalized


def save_address(
    *, actor, name: str, mobile: str, division_code: str, detail: str, is_default: bool = False
) -> Address:
    """Add an address to ``actor``'s book; the first one (or ``is_default``) is the default."""
    name, mobile, division_code, detail = _clean_address(name, mobile, division_code, detail)
    with transaction.atomic():
        book = Address.objects.select_for_update().filter(owner=actor)
        first = not book.exists()
        if is_default and not first:
            book.update(is_default=False)
        address = Address.objects.create(
            owner=actor,
            name=name,
            mobile=mobile,
            division_code=division_code,
            detail=detail,
            is_default=is_default or first,
        )
        audit.record(
            "servicedesk.address_added",
            actor=actor,
            target=address,
            target_label=_("地址簿"),
            data={"division_code": division_code},
        )
    return address


def delete_address(*, actor, address_id: int) -> None:
    with transaction.atomic():
        address = addresses_of(actor).select_for_update().filter(pk=address_id).first()
        if address is None:
            raise error(E.ADDRESS_NOT_FOUND)
        was_default = address.is_default
        address.delete()
        if was_default:
            successor = addresses_of(actor).first()
            if successor:
                Address.objects.filter(pk=successor.pk).update(is_default=True)
        audit.record(
            "servicedesk.address_deleted",
            actor=actor,
            target_type="servicedesk.address",
            target_id=str(address_id),
            target_label=_("地址簿"),
        )


def addresses_of(user):
    if not getattr(user, "is_authenticated", False):
        return Address.objects.none()
    return Address.objects.filter(owner=user)


# --- fees ------------------------------------------------------------------------------------
def _city_of(division_code: str) -> str:
    division = get_division(division_code)
    if division is None:
        return ""
    return division.code if division.level == "city" else (division.parent_code or "")


def quote_fee(case: Case, division_code: str) -> int:
    """The fee in fen for a parcel between the case's department and ``division_code``:
    within the department's city, elsewhere in the province, or outside it."""
    unit_code = (case.org_unit.code or "").split("-")[0]
    if _city_of(division_code) and _city_of(division_code) == _city_of(unit_code):
        return settings.DELIVERY_FEE_SAME_CITY
    if division_code.startswith(unit_code[:2]):
        return settings.DELIVERY_FEE_PROVINCE
    return settings.DELIVERY_FEE_OTHER


# --- ordering --------------------------------------------------------------------------------
def _new_number() -> str:
    return f"WL{timezone.localdate():%Y%m%d}{secrets.randbelow(10**10):010d}"


def applicant_case(actor, case_number: str) -> Case:
    """``actor``'s own case (as applicant or for their company), else ``case_not_found``."""
    try:
        case = access_case(actor, case_number, "view")
    except Exception:  # noqa: BLE001  (any refusal reads the same to the applicant)
        raise error(E.CASE_NOT_FOUND, field="case") from None
    if not is_applicant_side(actor, case, None):
        raise error(E.CASE_NOT_FOUND, field="case")
    return case


def _event(order: DeliveryOrder, status: str, description: str, *, event_id: str = "") -> None:
    DeliveryEvent.objects.create(
        order=order,
        courier=order.courier,
        event_id=event_id or f"tongban-{secrets.token_hex(8)}",
        status=status,
        description=description,
        occurred_at=timezone.now(),
    )


def _book_with_courier(order: DeliveryOrder) -> None:
    try:
        order.waybill_no = get_courier().create_shipment(order)
    except LookupError:
        raise error(E.COURIER_UNAVAILABLE) from None
    order.status = S.CREATED
    order.dispatched_at = timezone.now()


def order_delivery(*, actor, case_number: str, kind: str, address_id: int) -> DeliveryOrder:
    """Order a pickup of originals or a delivery of the result for one of ``actor``'s cases."""
    if kind not in DeliveryOrder.Kind.values:
        raise error(E.KIND_INVALID, field="kind")
    case = applicant_case(actor, case_number)
    address = addresses_of(actor).filter(pk=address_id).first()
    if address is None:
        raise error(E.ADDRESS_NOT_FOUND, field="address")
    if case.status not in ORDERABLE[kind]:
        raise error(E.KIND_NOT_ALLOWED, field="kind")
    try:
        courier_key = get_courier().key
    except LookupError:
        raise error(E.COURIER_UNAVAILABLE) from None
    try:
        with transaction.atomic():
            order = DeliveryOrder(
                number=_new_number(),
                kind=kind,
                status=S.AWAITING_DISPATCH,
                case=case,
                org_unit=case.org_unit,
                owner=actor,
                contact_name=address.name,
                contact_mobile=address.mobile,
                division_code=address.division_code,
                address=f"{get_division(address.division_code).full_name}{address.detail}",
                fee=quote_fee(case, address.division_code),
                courier=courier_key,
            )
            if kind == DeliveryOrder.Kind.PICKUP:  # the courier comes to the applicant now
                _book_with_courier(order)
            order.save()
            _event(order, S.AWAITING_DISPATCH, _("已提交寄递订单"))
            if order.status == S.CREATED:
                _event(order, S.CREATED, _("已向快递公司下单，等待上门揽收"))
            audit.record(
                "servicedesk.delivery_ordered",
                actor=actor,
                target=order,
                data={"case": case.number, "kind": kind, "fee": order.fee, "status": order.status},
            )
    except IntegrityError:
        raise error(E.ALREADY_ORDERED, field="kind") from None
    return order


def deliveries_of(user):
    if not getattr(user, "is_authenticated", False):
        return DeliveryOrder.objects.none()
    return DeliveryOrder.objects.filter(owner=user).select_related("case")


def access_delivery(user, number: str) -> DeliveryOrder:
    """The owner's order (a stranger gets the same 404 as a missing one)."""
    order = deliveries_of(user).filter(number=str(number or "").strip()).first()
    if order is None:
        raise error(E.DELIVERY_NOT_FOUND)
    return order


def cancel_delivery(*, actor, number: str) -> DeliveryOrder:
    """The owner cancels until the courier has picked the parcel up."""
    with transaction.atomic():
        order = access_delivery(actor, number)
        updated = DeliveryOrder.objects.filter(
            pk=order.pk,
            status__in=[S.AWAITING_DISPATCH, S.CREATED],  # see is_cancellable
        ).update(status=S.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now())
        if updated != 1:
            raise error(E.NOT_CANCELLABLE)
        order.refresh_from_db()
        _event(order, S.CANCELLED, _("申请人取消订单"))
        audit.record("servicedesk.delivery_cancelled", actor=actor, target=order)
    return order


# --- the window: results handed to the courier -----------------------------------------------
def staff_deliveries(user):
    return restrict(
        DeliveryOrder.objects.all(), user, SERVICEDESK_DISPATCH_DELIVERY
    ).select_related("case", "org_unit")


def access_staff_delivery(user, number: str) -> DeliveryOrder:
    order = staff_deliveries(user).filter(number=str(number or "").strip()).first()
    if order is None:
        raise error(E.DELIVERY_NOT_FOUND)
    return order


def dispatch_results(*, actor, number: str) -> DeliveryOrder:
    """ "结果已交寄": the window hands an approved case's result to the courier."""
    with transaction.atomic():
        order = access_staff_delivery(actor, number)
        check_perm(actor, SERVICEDESK_DISPATCH_DELIVERY, order.org_unit)
        order = DeliveryOrder.objects.select_for_update().select_related("case").get(pk=order.pk)
        if order.kind != DeliveryOrder.Kind.DELIVERY or order.status != S.AWAITING_DISPATCH:
            raise error(E.NOT_DISPATCHABLE)
        if order.case.status not in RESULT_READY:
            raise error(E.RESULT_NOT_READY)
        _book_with_courier(order)
        order.save(update_fields=["waybill_no", "status", "dispatched_at", "updated_at"])
        _event(order, S.CREATED, _("办件结果已交寄，等待快递员揽收"))
        audit.record(
            "servicedesk.delivery_dispatched",
            actor=actor,
            target=order,
            data={"case": order.case.number, "waybill_no": order.waybill_no},
        )
        _notify(
            order.contact_mobile,
            _("【通办】您的办件 {case} 的结果已交寄，物流订单 {number}，运单号 {waybill}。").format(
                case=order.case.number, number=order.number, waybill=order.waybill_no
            ),
        )
    return order


# --- courier callbacks -----------------------------------------------------------------------
def _refuse(courier_key: str, reason: str, *, waybill_no: str = "") -> None:
    with transaction.atomic():
        audit.record(
            "servicedesk.courier_callback_refused",
            actor="courier",
            target_type="servicedesk.deliveryorder",
            target_label=waybill_no,
            data={"courier": courier_key, "reason": reason},
        )


def process_callback(courier_key: str, body: bytes, headers) -> DeliveryEvent:
    """Verify and apply one tracking callback; idempotent per event id. The returned event
    has ``duplicate`` set when it had been received before (nothing changed then) and
    ``applied`` false when it arrived after a later step."""
    try:
        adapter = get_courier(courier_key)
    except LookupError:
        raise error(E.CALLBACK_REJECTED) from None
    try:
        event = adapter.parse_callback(body, headers)
    except CallbackRejected as exc:
        _refuse(courier_key, str(exc))
        raise error(E.CALLBACK_REJECTED) from None
    with transaction.atomic():
        order = (
            DeliveryOrder.objects.select_for_update()
            .filter(courier=adapter.key, waybill_no=event.waybill_no)
            .exclude(waybill_no="")
            .first()
        )
        if order is None:
            raise error(E.WAYBILL_UNKNOWN)
        existing = DeliveryEvent.objects.filter(
            courier=adapter.key, event_id=event.event_id
        ).first()
        if existing is not None:
            existing.duplicate = True  # a repeated callback: already recorded, no effect
            return existing
        moves = not order.is_finished and RANK[event.status] > RANK[order.status]
        recorded = DeliveryEvent.objects.create(
            order=order,
            courier=adapter.key,
            event_id=event.event_id,
            status=event.status,
            description=event.description,
            occurred_at=event.occurred_at,
            applied=moves,
        )
        recorded.duplicate = False
        if moves:
            old = order.status
            order.status = event.status
            if order.is_finished:
                order.finished_at = timezone.now()
            order.save(update_fields=["status", "finished_at", "updated_at"])
            audit.record(
                "servicedesk.delivery_status_changed",
                actor="courier",
                target=order,
                data={"old": old, "new": event.status, "event_id": event.event_id},
            )
            if event.status in SMS_TEXT:
                _notify(
                    order.contact_mobile,
                    str(SMS_TEXT[event.status]).format(
                        number=order.number, waybill=order.waybill_no
                    ),
                )
    return recorded
