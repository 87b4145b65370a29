"""Citizen ID numbers (GB 11643-1999 公民身份号码).

18 characters: 6-digit address code + birth date YYYYMMDD + 3-digit sequence (odd = male)
+ ISO 7064 MOD 11-2 check character. Old 15-digit numbers (YYMMDD, no check character) are
accepted only when the caller allows them, and are upgraded to 18 digits in ``normalized``.

The address code is the county where the number was first issued, so historical codes are
valid; it is checked against the whole division list (all provinces), not against the birth
year (people born before a code existed were issued numbers under it later).
"""

import random
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.codes import divisions, errors
from tongban.core.codes.checksums import citizen_id_check_char
from tongban.core.codes.result import CodeResult, clean

MALE, FEMALE = "M", "F"


def _birth_date(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def upgrade_legacy(number15: str) -> str:
    """Upgrade a 15-digit number: insert the century "19" and append the check character."""
    body = number15[:6] + "19" + number15[6:]
    return body + citizen_id_check_char(body)


def validate_citizen_id(value, *, allow_legacy: bool = False) -> CodeResult:
    number = clean(value)
    if not number:
        return CodeResult.fail(errors.EMPTY, _("请填写身份证号码"))
    if len(number) not in (15, 18):
        return CodeResult.fail(errors.INVALID_LENGTH, _("身份证号码应为 18 位"))
    body = number if len(number) == 15 else number[:17]
    if not body.isdigit() or not (len(number) == 15 or number[17].isdigit() or number[17] == "X"):
        return CodeResult.fail(errors.INVALID_CHAR, _("身份证号码只能包含数字，最后一位可以是 X"))
    warnings = []
    legacy = len(number) == 15
    if legacy:
        if not allow_legacy:
            return CodeResult.fail(
                errors.LEGACY_NOT_ALLOWED, _("不接受 15 位旧身份证号码，请填写 18 位号码")
            )
        number = upgrade_legacy(number)
        warnings.append(_("15 位旧身份证号码已升级为 18 位"))
    birth = _birth_date(number[6:14])
    today = timezone.localdate()
    if birth is None or birth > today:
        return CodeResult.fail(errors.INVALID_BIRTH_DATE, _("身份证号码中的出生日期无效"))
    division = divisions.get(number[:6])
    if division is None:
        return CodeResult.fail(
            errors.UNKNOWN_DIVISION, _("身份证号码中的地址码不是有效的行政区划代码")
        )
    if number[17] != citizen_id_check_char(number[:17]):
        return CodeResult.fail(errors.INVALID_CHECKSUM, _("身份证号码校验位错误"))
    if not division.current:
        warnings.append(_("地址码为已撤销的历史行政区划代码"))
    male = int(number[16]) % 2 == 1
    parsed = {
        "birth_date": birth.isoformat(),
        "gender": "男" if male else "女",
        "sex": MALE if male else FEMALE,
        "age": _age(birth, today),
        "division_code": division.code,
        "division_name": division.full_name,
        "division_current": division.current,
        "sequence": number[14:17],
        "legacy": legacy,
    }
    return CodeResult.ok(number, _("身份证号码有效"), parsed, warnings)


def generate_citizen_id(
    *, division_code: str, birth_date: date, sex: str, rng: random.Random
) -> str:
    """A valid 18-digit number; the sequence is random with the parity of ``sex`` ('M'|'F')."""
    if divisions.get(division_code) is None:
        raise ValueError(f"unknown division code {division_code!r}")
    if sex not in (MALE, FEMALE):
        raise ValueError("sex must be 'M' or 'F'")
    sequence = rng.randrange(1 if sex == MALE else 2, 1000, 2)
    body = f"{division_code}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{sequence:03d}"
    return body + citizen_id_check_char(body)
