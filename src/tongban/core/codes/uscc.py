"""Unified social credit codes (GB 32100-2015 统一社会信用代码).

18 characters: registration authority, institution type, 6-digit GB/T 2260 division,
9-character GB 11714 organisation code (with its own check character) and a MOD 31 check
character, all from the alphabet ``0-9 A-H J-N P Q R T U W X Y``.

Implemented here rather than with ``stdnum.cn.uscc``, which rejects valid codes whose
organisation code starts with letters (``MA…``). Authority codes other than 1, 5, 9 and Y
are unconfirmed: they are accepted with a warning. Early pilot codes that fail the checks
yet were issued can be listed in ``settings.USCC_ALLOWLIST`` (env ``TONGBAN_USCC_ALLOWLIST``).
"""

import random
import re

from django.conf import settings
from django.utils.translation import gettext as _

from tongban.core.codes import divisions, errors
from tongban.core.codes.checksums import USCC_ALPHABET, org_code_check_char, uscc_check_char
from tongban.core.codes.result import CodeResult, clean

USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# authority code -> (authority name, {type code: type name})
AUTHORITY_TYPES = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "Y": ("其他", {"1": "其他"}),
}
# Division part of codes issued by national-level authorities.
NATIONAL_DIVISION = "100000"

ORG_CODE_DIGITS = "0123456789"
ORG_CODE_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"  # letters usable inside a USCC


def allowlist() -> set[str]:
    return {clean(code) for code in getattr(settings, "USCC_ALLOWLIST", []) or []}


def validate_uscc(value) -> CodeResult:
    code = clean(value, remove="-")
    if not code:
        return CodeResult.fail(errors.EMPTY, _("请填写统一社会信用代码"))
    if len(code) != 18:
        return CodeResult.fail(errors.INVALID_LENGTH, _("统一社会信用代码应为 18 位"))
    if not USCC_RE.match(code):
        return CodeResult.fail(
            errors.INVALID_CHAR,
            _("统一社会信用代码含有不允许的字符（第 3–8 位须为数字，不使用 I、O、S、V、Z）"),
        )
    warnings = []
    authority, entity_type = code[0], code[1]
    authority_name = type_name = None
    if authority in AUTHORITY_TYPES:
        authority_name, types = AUTHORITY_TYPES[authority]
        if entity_type not in types:
            return CodeResult.fail(
                errors.UNKNOWN_AUTHORITY_TYPE,
                _("统一社会信用代码的登记管理部门与机构类别组合不存在"),
            )
        type_name = types[entity_type]
    else:
        warnings.append(_("登记管理部门代码未经确认，请核实"))
    division_code = code[2:8]
    if division_code == NATIONAL_DIVISION:
        division_name = _("全国")
    else:
        division = divisions.get(division_code)
        if division is None:
            return CodeResult.fail(
                errors.UNKNOWN_DIVISION, _("统一社会信用代码中的行政区划代码不存在")
            )
        division_name = division.full_name
    org_code = code[8:17]
    allowed = code in allowlist()
    if org_code[8] != org_code_check_char(org_code[:8]):
        if not allowed:
            return CodeResult.fail(
                errors.INVALID_ORG_CODE, _("统一社会信用代码中的组织机构代码校验错误")
            )
        warnings.append(_("组织机构代码校验未通过，该代码在试点白名单中"))
    if code[17] != uscc_check_char(code[:17]):
        if not allowed:
            return CodeResult.fail(errors.INVALID_CHECKSUM, _("统一社会信用代码校验位错误"))
        warnings.append(_("校验位未通过，该代码在试点白名单中"))
    parsed = {
        "authority_code": authority,
        "authority_name": authority_name,
        "entity_type_code": entity_type,
        "entity_type": type_name,
        "division_code": division_code,
        "division_name": division_name,
        "org_code": org_code,
        "allowlisted": allowed,
    }
    return CodeResult.ok(code, _("统一社会信用代码有效"), parsed, warnings)


def generate_org_code(rng: random.Random) -> str:
    """A 9-character organisation code usable inside a USCC (mostly digits, some ``MA…``)."""
    if rng.random() < 0.3:
        body = "MA" + "".join(rng.choice(ORG_CODE_DIGITS + ORG_CODE_LETTERS) for _ in range(6))
    else:
        body = "".join(rng.choice(ORG_CODE_DIGITS) for _ in range(8))
    return body + org_code_check_char(body)


def generate_uscc(
    *, division_code: str, authority: str = "9", entity_type: str = "1", rng: random.Random
) -> str:
    """A valid USCC for the given division and authority/type pair."""
    if division_code != NATIONAL_DIVISION and divisions.get(division_code) is None:
        raise ValueError(f"unknown division code {division_code!r}")
    if authority not in USCC_ALPHABET or entity_type not in USCC_ALPHABET:
        raise ValueError("authority and entity_type must be USCC alphabet characters")
    if authority in AUTHORITY_TYPES and entity_type not in AUTHORITY_TYPES[authority][1]:
        raise ValueError(f"unknown authority/type pair {authority}{entity_type}")
    body = authority + entity_type + division_code + generate_org_code(rng)
    return body + uscc_check_char(body)
