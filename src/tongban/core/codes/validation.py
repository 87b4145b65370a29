"""``validate(kind, value)`` and ``require(kind, value)``: one entry point for every kind."""

from tongban.core.codes.citizen_id import validate_citizen_id
from tongban.core.codes.division_code import validate_division
from tongban.core.codes.licence_id import validate_licence_id
from tongban.core.codes.mobile import validate_mobile
from tongban.core.codes.result import CodeResult
from tongban.core.codes.uscc import validate_uscc
from tongban.core.exceptions import DomainError

KINDS = ("citizen-id", "uscc", "division", "licence-id", "mobile")


def validate(kind: str, value, *, allow_legacy: bool = False) -> CodeResult:
    """Validate ``value`` as ``kind``; never raises for bad values (unknown kind: ValueError)."""
    if kind == "citizen-id":
        return validate_citizen_id(value, allow_legacy=allow_legacy)
    if kind == "uscc":
        return validate_uscc(value)
    if kind == "division":
        return validate_division(value)
    if kind == "licence-id":
        return validate_licence_id(value)
    if kind == "mobile":
        return validate_mobile(value)
    raise ValueError(f"unknown code kind {kind!r}; expected one of {', '.join(KINDS)}")


def require(
    kind: str, value, *, field: str | None = None, allow_legacy: bool = False
) -> CodeResult:
    """Like :func:`validate` but raises ``DomainError(code, message, field)`` when invalid."""
    result = validate(kind, value, allow_legacy=allow_legacy)
    if not result.valid:
        raise DomainError(result.code, result.message, field)
    return result
