"""Courier adapters (快递公司对接).

A courier adapter books a shipment for a delivery order and turns the courier's signed
tracking callbacks into :class:`CourierEvent` values::

    adapter = get_courier()                       # settings.COURIER_BACKEND
    waybill_no = adapter.create_shipment(order)   # books the pickup, returns the waybill
    event = adapter.parse_callback(body, headers) # raises CallbackRejected on a bad signature

The built-in :class:`tongban.servicedesk.couriers.simulator.SimulatorCourier` behaves like a
real courier (asynchronous HMAC-SM3 signed callbacks, duplicates, out-of-order delivery,
failures) and exists only while ``SIMULATORS_ENABLED``; production names a real adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string


class CallbackRejected(Exception):
    """A callback whose signature, timestamp or body is not acceptable."""


@dataclass(frozen=True)
class CourierEvent:
    event_id: str
    waybill_no: str
    status: str  # a DeliveryOrder.Status value: picked_up | in_transit | delivered | failed
    occurred_at: datetime
    description: str = ""


class CourierAdapter:
    """Interface of a courier (EMS 政务快递, SF, …)."""

    key = ""
    label = ""
    simulator = False  # a stand-in that exists only while SIMULATORS_ENABLED

    def create_shipment(self, order) -> str:
        """Book the shipment of ``order``; return the courier's waybill number."""
        raise NotImplementedError

    def parse_callback(self, body: bytes, headers) -> CourierEvent:
        """Verify and parse one tracking callback; raise :class:`CallbackRejected`."""
        raise NotImplementedError


def get_courier(key: str | None = None) -> CourierAdapter:
    """The configured courier adapter (``key`` must match it when given)."""
    path = getattr(settings, "COURIER_BACKEND", "")
    if not path:
        raise LookupError("no courier adapter is configured (TONGBAN_COURIER_BACKEND)")
    adapter = import_string(path)()
    if adapter.simulator and not settings.SIMULATORS_ENABLED:
        raise LookupError("the courier simulator is off (TONGBAN_SIMULATORS)")
    if key is not None and key != adapter.key:
        raise LookupError(f"unknown courier {key!r}")
    return adapter
