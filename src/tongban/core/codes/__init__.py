"""Chinese identifiers: validators and generators.

    from tongban.core.codes import validate, require
    validate("citizen-id", "11010519491231002X")  # -> CodeResult(valid=True, ...)

Kinds: ``citizen-id`` (GB 11643), ``uscc`` (GB 32100), ``division`` (GB/T 2260),
``licence-id`` (GB/T 36904), ``mobile``. Error codes: :mod:`tongban.core.codes.errors`.
"""

from tongban.core.codes import divisions
from tongban.core.codes.citizen_id import generate_citizen_id
from tongban.core.codes.licence_id import generate_licence_id
from tongban.core.codes.mobile import generate_mobile
from tongban.core.codes.result import CodeResult
from tongban.core.codes.uscc import generate_uscc
from tongban.core.codes.validation import KINDS, require, validate

__all__ = [
    "KINDS",
    "CodeResult",
    "divisions",
    "generate_citizen_id",
    "generate_licence_id",
    "generate_mobile",
    "generate_uscc",
    "require",
    "validate",
]
