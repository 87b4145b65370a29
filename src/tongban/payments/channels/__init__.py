"""Payment channels (支付渠道): one adapter per channel; see ``base``."""

from tongban.payments.channels.base import (
    CallbackData,
    ChannelAdapter,
    RefundResult,
    StartResult,
    adapters,
    get_adapter,
)

__all__ = [
    "CallbackData",
    "ChannelAdapter",
    "RefundResult",
    "StartResult",
    "adapters",
    "get_adapter",
]
