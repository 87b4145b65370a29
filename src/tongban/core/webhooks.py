"""Generic, pure helpers for outgoing webhooks (used by cases and payments).

* ``body_bytes(payload)`` — the canonical JSON body (sorted keys, no spaces, UTF-8).
* ``sign(secret, timestamp, body)`` — hex HMAC-SM3 over ``timestamp + "." + body``;
  ``verify_signature`` is the receiver-side check (5-minute window, constant-time compare).
* ``public_host(hostname, allow_private=False)`` — every address the host resolves to is a
  public one (no loopback, private, link-local or reserved ranges): the platform must not be
  made to probe internal services.
* ``validate_url(url, *, require_https, allow_private)`` — returns ``None`` when the URL is
  acceptable, else a short reason key (``"invalid"`` or ``"not_public"``) that the caller
  maps to its own error code.
* ``post(url, body, headers, *, timeout, allow_private)`` — POST without following redirects;
  returns ``(status or None, short error)``; raw network errors never leave this module.
* ``backoff(attempts)`` — 30 s, 1 min, 2 min, … capped at 1 h.
* ``signed_headers(event, delivery_id, secret, timestamp, body)`` — the headers every
  Tongban webhook carries (event, delivery id, timestamp, signature).
* ``record_attempt(delivery, code, error, *, now, max_attempts)`` — books one attempt on a
  delivery row (delivered on 2xx, failed after the last attempt, else retried with backoff).
"""

from __future__ import annotations

import hmac as std_hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from tongban.core.crypto import sm3

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
MAX_URL_LENGTH = 200


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return sm3.hmac(secret.encode(), timestamp.encode() + b"." + body).hex()


def verify_signature(
    secret: str, timestamp: str, body: bytes, signature: str, *, max_age=300, now=None
) -> bool:
    now = time.time() if now is None else now
    try:
        if abs(now - int(timestamp)) > max_age:
            return False
    except (TypeError, ValueError):
        return False
    return std_hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def backoff(attempts: int) -> timedelta:
    """Delay before attempt ``attempts + 1`` (after ``attempts`` failures)."""
    return timedelta(
        seconds=min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    )


def public_host(hostname: str, *, allow_private: bool = False) -> bool:
    if allow_private:
        return True
    try:
        infos = socket.getaddrinfo(hostname, None)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    return bool(addresses) and all(address.is_global for address in addresses)


def validate_url(url: str, *, require_https: bool, allow_private: bool) -> str | None:
    parts = urlsplit(url)
    schemes = ("https",) if require_https else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname or len(url) > MAX_URL_LENGTH:
        return "invalid"
    if parts.username:
        return "invalid"
    if not public_host(parts.hostname, allow_private=allow_private):
        return "not_public"
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(
    url: str, body: bytes, headers: dict, *, timeout: float, allow_private: bool
) -> tuple[int | None, str]:
    # Checked again at send time: DNS may have changed since the URL was saved.
    if not public_host(urlsplit(url).hostname or "", allow_private=allow_private):
        return None, "refused: non-public address"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # Only the kind of failure: raw error texts would tell the receiver about the
        # platform's network.
        return None, type(getattr(exc, "reason", exc)).__name__


def signed_headers(event: str, delivery_id: str, secret: str, timestamp: str, body: bytes) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Tongban-Webhook/1",
        "X-Tongban-Event": event,
        "X-Tongban-Delivery": delivery_id,
        "X-Tongban-Timestamp": timestamp,
        "X-Tongban-Signature": sign(secret, timestamp, body),
    }


def record_attempt(delivery, code: int | None, error: str, *, now, max_attempts: int) -> None:
    """Book one attempt on ``delivery``: a model with ``attempts``, ``last_response_code``,
    ``last_error``, ``status`` (its ``Status`` has ``DELIVERED`` and ``FAILED``),
    ``delivered_at`` and ``next_attempt_at``; saves those fields."""
    status = type(delivery).Status
    delivery.attempts += 1
    delivery.last_response_code = code
    delivery.last_error = error[:200]
    if code is not None and 200 <= code < 300:
        delivery.status = status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
    elif delivery.attempts >= max_attempts:
        delivery.status = status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_response_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
