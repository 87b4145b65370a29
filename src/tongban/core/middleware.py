"""Request id: every request gets one (or keeps the proxy's X-Request-ID) for logs and audit."""

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_client_ip: ContextVar[str] = ContextVar("client_ip", default="")
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str:
    return _client_ip.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        ip_token = _client_ip.set(request.META.get("REMOTE_ADDR", ""))
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_ip.reset(ip_token)
        response["X-Request-ID"] = request.request_id
        return response
