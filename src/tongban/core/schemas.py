"""API schemas shared by every app's router.

``ErrorOut`` is the body of every error answer: ``DomainError.as_dict()`` as written by
``tongban.core.exceptions.domain_error_response``. Routes list it for each status they may
return, e.g. ``response={200: CaseOut, 403: ErrorOut, 404: ErrorOut}``.
"""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
