"""DomainError: the one way services refuse a request.

Services raise ``DomainError(code, message, field)``; the API maps it to
``{"code", "message", "field"}`` (``domain_error_response``) and pages map it to a form
error (``add_to_form``). ``code`` is a stable machine-readable string, ``message`` is
shown to the user (Chinese, via gettext).
"""

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


def domain_error_response(request, exc: DomainError) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
