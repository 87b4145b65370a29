"""DomainError: the one way services refuse a request.

Services raise ``DomainError(code, message, field)``; the API maps it to
``{"code", "message", "field"}`` (``domain_error_response``) and pages map it to a form
error (``add_to_form``). ``code`` is a stable machine-readable string, ``message`` is
shown to the user (Chinese, via gettext).
"""

from collections.abc import Mapping

from django.http import JsonResponse


class DomainError(Exception):
    status = 400

    def __init__(
        self, code: str, message: str, field: str | None = None, *, status: int | None = None
    ):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}

    def add_to_form(self, form) -> None:
        field = self.field if self.field in getattr(form, "fields", {}) else None
        form.add_error(field, self.message)


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class ErrorCatalogue:
    """The stable error codes of one area, each with its Chinese message and HTTP status.

    An ``errors`` module lists its codes (a ``StrEnum``), ``MESSAGES`` and ``STATUS`` (codes
    not listed there are 400) and exposes ``error = ErrorCatalogue(MESSAGES, STATUS)``;
    services then ``raise error(Code.X, field="...")``. A 404 code builds ``NotFound``, a 403
    code ``PermissionDenied``, anything else a ``DomainError`` with that status. ``message``
    replaces the catalogue text for one occurrence (for example to add a detail).
    """

    def __init__(self, messages: Mapping, status: Mapping | None = None):
        self.messages = messages
        self.status = status or {}

    def __call__(self, code, *, field: str | None = None, message=None) -> DomainError:
        status = self.status.get(code, 400)
        text = message if message is not None else self.messages[code]
        if status == 404:
            return NotFound(str(code), text, field)
        if status == 403:
            return PermissionDenied(str(code), text, field)
        return DomainError(str(code), text, field, status=status)


def domain_error_response(request, exc: DomainError) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
