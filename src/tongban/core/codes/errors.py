"""Stable error codes returned by the code validators (``CodeResult.code``).

Clients of ``GET /api/v1/core/codes/validate`` rely on these strings: never rename one.
"""


def _(message: str) -> str:
    """Mark for translation without needing Django settings at import time (like gettext_noop)."""
    return message


EMPTY = "empty"
INVALID_LENGTH = "invalid_length"
INVALID_CHAR = "invalid_char"
INVALID_FORMAT = "invalid_format"
INVALID_CHECKSUM = "invalid_checksum"
UNKNOWN_DIVISION = "unknown_division"
INVALID_BIRTH_DATE = "invalid_birth_date"
LEGACY_NOT_ALLOWED = "legacy_not_allowed"
INVALID_ORG_CODE = "invalid_org_code"
UNKNOWN_AUTHORITY_TYPE = "unknown_authority_type"
INVALID_PREFIX = "invalid_prefix"
INVALID_TYPE_CODE = "invalid_type_code"
INVALID_ISSUER_CODE = "invalid_issuer_code"
INVALID_VERSION = "invalid_version"
UNKNOWN_KIND = "unknown_kind"

# code -> what it means (OpenAPI description and integration guide; marked for translation,
# kept as plain strings so they can be used at import time)
DESCRIPTIONS = {
    EMPTY: _("未填写"),
    INVALID_LENGTH: _("长度不正确"),
    INVALID_CHAR: _("含有不允许的字符"),
    INVALID_FORMAT: _("结构不正确（如证照标识的段数）"),
    INVALID_CHECKSUM: _("校验位错误"),
    UNKNOWN_DIVISION: _("行政区划代码不存在（含历史代码在内均查无此码）"),
    INVALID_BIRTH_DATE: _("出生日期不是真实日期或晚于今天"),
    LEGACY_NOT_ALLOWED: _("15 位旧身份证号码在此处不被接受"),
    INVALID_ORG_CODE: _("统一社会信用代码中的组织机构代码（GB 11714）校验错误"),
    UNKNOWN_AUTHORITY_TYPE: _("登记管理部门代码与机构类别代码的组合不存在"),
    INVALID_PREFIX: _("前缀不正确（手机号码须以 13–19 开头；证照标识须以 1.2.156.3005.2. 开头）"),
    INVALID_TYPE_CODE: _("证照类型代码不正确"),
    INVALID_ISSUER_CODE: _("颁发机构代码不正确"),
    INVALID_VERSION: _("证照标识版本号不正确"),
}

# which codes each kind can return
KIND_ERRORS = {
    "citizen-id": [
        EMPTY,
        INVALID_LENGTH,
        INVALID_CHAR,
        LEGACY_NOT_ALLOWED,
        INVALID_BIRTH_DATE,
        UNKNOWN_DIVISION,
        INVALID_CHECKSUM,
    ],
    "uscc": [
        EMPTY,
        INVALID_LENGTH,
        INVALID_CHAR,
        UNKNOWN_AUTHORITY_TYPE,
        UNKNOWN_DIVISION,
        INVALID_ORG_CODE,
        INVALID_CHECKSUM,
    ],
    "division": [EMPTY, INVALID_LENGTH, INVALID_CHAR, UNKNOWN_DIVISION],
    "licence-id": [
        EMPTY,
        INVALID_PREFIX,
        INVALID_FORMAT,
        INVALID_CHAR,
        INVALID_TYPE_CODE,
        INVALID_ISSUER_CODE,
        INVALID_VERSION,
        INVALID_CHECKSUM,
    ],
    "mobile": [EMPTY, INVALID_CHAR, INVALID_LENGTH, INVALID_PREFIX],
}
