"""Order status listeners and reissue checks.

``register_order_listener(fn)``: ``fn(order, old_status, new_status, *, actor)`` is called
inside the transaction of every order status change (the order row is locked). A listener that
raises refuses the change — the cases bridge resumes the case here, so a case is never left
waiting for a payment that arrived. Webhooks to department systems are queued by a listener
too (``services.webhooks``).

``register_reissue_check(fn)``: ``fn(order)`` runs before the payer gets a new order for an
expired one (``orders.reissue_order``) and raises ``DomainError`` to refuse (the cases bridge
refuses when the case no longer waits for its payment).
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[..., object]] = []
_reissue_checks: list[Callable[..., object]] = []


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


def register_reissue_check(fn):
    if fn not in _reissue_checks:
        _reissue_checks.append(fn)
    return fn


def unregister_reissue_check(fn) -> None:
    if fn in _reissue_checks:
        _reissue_checks.remove(fn)


def check_reissue(order) -> None:
    for check in list(_reissue_checks):
        check(order)
