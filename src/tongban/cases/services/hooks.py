"""Hooks for later issues.

* Outputs on conclusion: ``register_output_issuer(fn)``; when an approved case concludes,
  every issuer is called inside the concluding transaction as
  ``fn(case, outputs, *, actor)`` with ``outputs`` = the item version's licence-type keys
  (``ItemVersion.outputs``). An issuer that raises ``DomainError`` refuses the conclusion
  (nothing changes), so a licence that cannot be issued never leaves a concluded case
  without its result.
* Payments: ``lifecycle.enter_awaiting_payment`` / ``lifecycle.payment_received`` move a case
  into and out of AWAITING_PAYMENT (the clock is paused meanwhile); listeners registered with
  ``register_status_listener(fn)`` are told of every status change as
  ``fn(case, old_status, new_status, *, actor)`` inside the transaction.
* Submission validators: ``register_submission_validator(fn)``; ``fn(case)`` runs in
  ``submit_case`` before anything changes and raises ``DomainError`` to refuse (the
  application form and materials checks plug in here).
"""

from __future__ import annotations

from collections.abc import Callable

OutputIssuer = Callable[..., object]
_output_issuers: list[OutputIssuer] = []
_status_listeners: list[Callable[..., object]] = []
_submission_validators: list[Callable[[object], object]] = []


def _register(registry: list, fn):
    if fn not in registry:
        registry.append(fn)
    return fn


def register_output_issuer(fn: OutputIssuer) -> OutputIssuer:
    return _register(_output_issuers, fn)


def unregister_output_issuer(fn: OutputIssuer) -> None:
    if fn in _output_issuers:
        _output_issuers.remove(fn)


def register_status_listener(fn):
    return _register(_status_listeners, fn)


def unregister_status_listener(fn) -> None:
    if fn in _status_listeners:
        _status_listeners.remove(fn)


def register_submission_validator(fn):
    return _register(_submission_validators, fn)


def unregister_submission_validator(fn) -> None:
    if fn in _submission_validators:
        _submission_validators.remove(fn)


def issue_outputs(case, *, actor) -> list:
    outputs = list(case.item_version.outputs or [])
    return [issuer(case, outputs, actor=actor) for issuer in list(_output_issuers)]


def status_changed(case, old_status: str, new_status: str, *, actor) -> None:
    for listener in list(_status_listeners):
        listener(case, old_status, new_status, actor=actor)


def validate_submission(case) -> None:
    for validator in list(_submission_validators):
        validator(case)
