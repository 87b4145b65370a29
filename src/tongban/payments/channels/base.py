"""The channel adapter interface and the registry of configured channels.

A channel (WeChat Pay, Alipay, UnionPay / bank counter) is a subclass of ``ChannelAdapter``:

* ``start(order, payment) -> StartResult(qr_payload, pay_url)`` — place the order with the
  channel (our ``payment.trade_no`` is the out-trade number) and return what the payer scans
  or opens. A payload or URL starting with ``/`` is a path on this platform (the page makes
  it absolute).
* ``parse_callback(body, headers) -> CallbackData`` — verify the channel's signature and
  read the notification; raise ``DomainError`` (``invalid_signature`` /
  ``callback_malformed``) otherwise. ``status`` is one of ``submitted``, ``success``,
  ``failed``; ``amount`` is in fen.
* ``refund(payment, *, refund_no, amount) -> RefundResult`` — ask the channel to refund.

``settings.PAYMENTS_CHANNELS`` maps channel keys to adapter classes (dotted paths). With
``SIMULATORS_ENABLED`` the built-in simulators fill the keys not configured; production
refuses simulators, so only real adapters are offered there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from tongban.payments.errors import OrderError, error

SIMULATOR_CLASS = "tongban.payments.channels.simulator.SimulatorChannel"
KNOWN_CHANNELS = ("wechat", "alipay", "unionpay")


@dataclass(frozen=True)
class StartResult:
    qr_payload: str
    pay_url: str


@dataclass(frozen=True)
class CallbackData:
    event_id: str
    trade_no: str
    channel_trade_no: str
    amount: int
    status: str  # submitted | success | failed
    paid_at: datetime | None


@dataclass(frozen=True)
class RefundResult:
    accepted: bool
    channel_refund_no: str
    message: str


class ChannelAdapter:
    key: str = ""
    label: str = ""
    is_simulator: bool = False

    def start(self, order, payment) -> StartResult:  # pragma: no cover - interface
        raise NotImplementedError

    def parse_callback(self, body: bytes, headers) -> CallbackData:  # pragma: no cover
        raise NotImplementedError

    def refund(self, payment, *, refund_no: str, amount: int) -> RefundResult:  # pragma: no cover
        raise NotImplementedError


def _configured() -> dict[str, str]:
    paths = dict(getattr(settings, "PAYMENTS_CHANNELS", {}) or {})
    if getattr(settings, "SIMULATORS_ENABLED", False):
        for key in KNOWN_CHANNELS:
            paths.setdefault(key, SIMULATOR_CLASS)
    else:
        paths = {key: path for key, path in paths.items() if path != SIMULATOR_CLASS}
    return paths


@cache
def _build(key: str, path: str) -> ChannelAdapter:
    return import_string(path)(key)


def adapters() -> list[ChannelAdapter]:
    """The configured channels, in the order WeChat Pay, Alipay, UnionPay, others."""
    paths = _configured()
    order = [key for key in KNOWN_CHANNELS if key in paths] + sorted(
        key for key in paths if key not in KNOWN_CHANNELS
    )
    return [_build(key, paths[key]) for key in order]


def get_adapter(key: str) -> ChannelAdapter:
    path = _configured().get(key or "")
    if not path:
        raise error(OrderError.CHANNEL_UNKNOWN, field="channel")
    return _build(key, path)
