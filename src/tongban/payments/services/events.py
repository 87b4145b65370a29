"""Order status listeners.

``register_order_listener(fn)``: ``fn(order, old_status, new_status, *, actor)`` is called
inside the transaction of every order status change (the order row is locked). A listener that
raises refuses the change — the cases bridge resumes the case here, so a case is never left
waiting for a payment that arrived. Webhooks to department systems are queued by a listener
too (``services.webhooks``).
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[..., object]] = []


def register_order_listener(fn):
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister_order_listener(fn) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def order_status_changed(order, old_status: str, new_status: str, *, actor) -> None:
    for listener in list(_listeners):
        listener(order, old_status, new_status, actor=actor)
