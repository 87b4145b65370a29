"""Request id and client IP: every request gets an id (or keeps the proxy's X-Request-ID)
and the client's address (``client_ip``) for logs, audit, login history and rate limits.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy. ``TONGBAN_TRUSTED_PROXIES`` lists the
proxies (IPs or CIDRs); only when the direct peer is one of them is ``X-Forwarded-For``
read, right to left, skipping trusted hops: the first untrusted hop is the client. The
left part of the header is whatever the client sent and is never believed. With no
trusted proxies (the default) the header is ignored.
"""

import functools
import ipaddress
import re
import uuid
from contextvars import ContextVar

from django.conf import settings

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_client_ip: ContextVar[str] = ContextVar("client_ip", default="")
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str:
    return _client_ip.get()


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The client's IP address: ``REMOTE_ADDR``, or when that is a trusted proxy the
    right-most ``X-Forwarded-For`` hop that is not a trusted proxy ("" when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    entries = getattr(settings, "TONGBAN_TRUSTED_PROXIES", ()) or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    networks = _networks(tuple(entry.strip() for entry in entries))
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _valid(hop):
            return remote  # a garbled chain: do not guess
        if not _trusted(hop, networks):
            return hop
    return remote


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        request.client_ip = client_ip(request)
        ip_token = _client_ip.set(request.client_ip)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_ip.reset(ip_token)
        response["X-Request-ID"] = request.request_id
        return response


class DomainErrorPageMiddleware:
    """A DomainError escaping a page view becomes a Chinese error page with its status
    (403/404/400) instead of a server error. The API maps DomainError itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from tongban.core.exceptions import DomainError

        if not isinstance(exception, DomainError):
            return None
        return render(
            request, "core/domain_error.html", {"error": exception}, status=exception.status
        )
