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
