"""Stable error codes of licence types and issuing (clients rely on them).

API JSON ``{"code", "message", "field"}``. Validation codes raised by ``tongban.core.codes``
for a bad holder code (e.g. ``invalid_checksum``) are reported as ``invalid_holder_code``
with the detail in the message, so a client sees one code per problem.
"""

from enum import StrEnum


class IssuingError(StrEnum):
    TYPE_NOT_FOUND = "licence_type_not_found"
    TYPE_INACTIVE = "licence_type_inactive"
    TYPE_DATA_INVALID = "licence_type_data_invalid"
    SCHEMA_INVALID = "field_schema_invalid"
    FIELD_REQUIRED = "field_required"
    FIELD_INVALID = "field_invalid"
    FIELD_UNKNOWN = "field_unknown"
    HOLDER_TYPE_MISMATCH = "holder_type_mismatch"
    HOLDER_NAME_REQUIRED = "holder_name_required"
    INVALID_HOLDER_CODE = "invalid_holder_code"
    HOLDER_MISMATCH = "holder_mismatch"
    ISSUER_INVALID = "issuer_invalid"
    ISSUER_CODE_INVALID = "issuer_code_invalid"
    LICENCE_NOT_CURRENT = "licence_not_current"
    VALIDITY_INVALID = "validity_invalid"
    IMPORT_FILE_INVALID = "import_file_invalid"
    OUTPUT_MAPPING_FAILED = "output_mapping_failed"
