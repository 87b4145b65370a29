"""Electronic licence identifiers (GB/T 36904 电子证照标识).

``1.2.156.3005.2.<type code>.<issuer code>.<number>.<version>.<check>`` where the type code is
the defining authority's USCC + a 3-digit type number and the issuer code is the issuer's USCC.

The check character is UNCONFIRMED: ISO/IEC 7064 MOD 37,36 over type + issuer + number +
version without dots matches 5 of 6 real identifiers seen, so the algorithm is pluggable:
``settings.LICENCE_ID_CHECK`` names an entry of :data:`CHECK_ALGORITHMS` (default
``"mod37_36"``) or is the dotted path of a callable ``payload -> check char``.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tongban.core.codes import errors
from tongban.core.codes.checksums import iso7064_mod37_2, iso7064_mod37_36
from tongban.core.codes.result import CodeResult, clean
from tongban.core.codes.uscc import validate_uscc

PREFIX = "1.2.156.3005.2."
DEFAULT_CHECK = "mod37_36"
TYPE_CODE_RE = re.compile(r"^[0-9A-Z]{18}\d{3}$")
NUMBER_RE = re.compile(r"^[0-9A-Z]+$")
VERSION_RE = re.compile(r"^\d{3}$")

CHECK_ALGORITHMS: dict[str, Callable[[str], str]] = {
    "mod37_36": iso7064_mod37_36,
    "mod37_2": iso7064_mod37_2,
}


def register_check_algorithm(name: str, function: Callable[[str], str]) -> None:
    """Make another check algorithm selectable through ``LICENCE_ID_CHECK``."""
    CHECK_ALGORITHMS[name] = function


def check_algorithm() -> Callable[[str], str]:
    name = getattr(settings, "LICENCE_ID_CHECK", DEFAULT_CHECK) or DEFAULT_CHECK
    if name in CHECK_ALGORITHMS:
        return CHECK_ALGORITHMS[name]
    if "." in name:
        return import_string(name)
    raise ValueError(
        f"unknown LICENCE_ID_CHECK algorithm {name!r}; known: {sorted(CHECK_ALGORITHMS)}"
    )


def licence_check_char(type_code: str, issuer_uscc: str, number: str, version: str) -> str:
    return check_algorithm()(type_code + issuer_uscc + number + version)


def validate_licence_id(value) -> CodeResult:
    text = clean(value)
    if not text:
        return CodeResult.fail(errors.EMPTY, _("请填写电子证照标识"))
    if not text.startswith(PREFIX):
        return CodeResult.fail(errors.INVALID_PREFIX, _("电子证照标识应以 1.2.156.3005.2. 开头"))
    parts = text[len(PREFIX) :].split(".")
    if len(parts) != 5 or not all(parts):
        return CodeResult.fail(
            errors.INVALID_FORMAT,
            _("电子证照标识应包含证照类型代码、颁发机构代码、编号、版本号和校验位五段"),
        )
    type_code, issuer, number, version, check = parts
    if not all(NUMBER_RE.match(part) for part in parts):
        return CodeResult.fail(errors.INVALID_CHAR, _("电子证照标识各段只能包含数字和大写字母"))
    type_uscc = validate_uscc(type_code[:18])
    if not TYPE_CODE_RE.match(type_code) or not type_uscc.valid:
        return CodeResult.fail(
            errors.INVALID_TYPE_CODE, _("证照类型代码应为定义机构的统一社会信用代码加 3 位类型序号")
        )
    issuer_result = validate_uscc(issuer)
    if not issuer_result.valid:
        return CodeResult.fail(
            errors.INVALID_ISSUER_CODE, _("颁发机构代码不是有效的统一社会信用代码")
        )
    if not VERSION_RE.match(version):
        return CodeResult.fail(errors.INVALID_VERSION, _("电子证照标识版本号应为 3 位数字"))
    if len(check) != 1 or check != licence_check_char(type_code, issuer, number, version):
        return CodeResult.fail(errors.INVALID_CHECKSUM, _("电子证照标识校验位错误"))
    parsed = {
        "type_code": type_code,
        "definer_code": type_code[:18],
        "type_number": type_code[18:],
        "issuer_code": issuer,
        "issuer_division_code": issuer_result.parsed["division_code"],
        "issuer_division_name": issuer_result.parsed["division_name"],
        "number": number,
        "version": version,
        "check_algorithm": getattr(settings, "LICENCE_ID_CHECK", DEFAULT_CHECK) or DEFAULT_CHECK,
    }
    return CodeResult.ok(
        text, _("电子证照标识有效"), parsed, [*type_uscc.warnings, *issuer_result.warnings]
    )


def generate_licence_id(
    *, type_code: str, issuer_uscc: str, number: str, version: str = "001"
) -> str:
    """The full identifier with its check character (inputs are validated)."""
    payload = [type_code, issuer_uscc, str(number), version]
    if not TYPE_CODE_RE.match(type_code) or not validate_uscc(type_code[:18]).valid:
        raise ValueError(f"invalid licence type code {type_code!r}")
    if not validate_uscc(issuer_uscc).valid:
        raise ValueError(f"invalid issuer USCC {issuer_uscc!r}")
    if not NUMBER_RE.match(str(number)) or not VERSION_RE.match(version):
        raise ValueError("number must be digits/upper-case letters and version 3 digits")
    check = licence_check_char(*payload)
    return PREFIX + ".".join([*payload, check])
