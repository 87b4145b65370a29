"""Mainland China mobile numbers: 11 digits starting 13–19 (``+86`` / ``0086`` prefix allowed).

``parsed["carrier"]`` is informational (number segments as assigned by MIIT, including
ported-number caveats: a number can move carriers), never a reason to reject a number.
"""

import random

from django.utils.translation import gettext as _

from tongban.core.codes import errors
from tongban.core.codes.result import CodeResult, clean

CARRIER_SEGMENTS = {
    "中国移动": "134 135 136 137 138 139 147 148 150 151 152 157 158 159 172 178 182 183 184 "
    "187 188 195 197 198",
    "中国联通": "130 131 132 145 146 155 156 166 167 171 175 176 185 186 196",
    "中国电信": "133 149 153 162 173 174 177 180 181 189 190 191 193 199",
    "中国广电": "192",
    "虚拟运营商": "165 170",
}
SEGMENT_CARRIER = {
    segment: name for name, segments in CARRIER_SEGMENTS.items() for segment in segments.split()
}
GENERATED_SEGMENTS = sorted(
    segment
    for segment, name in SEGMENT_CARRIER.items()
    if name in ("中国移动", "中国联通", "中国电信")
)


def validate_mobile(value) -> CodeResult:
    number = clean(value, remove="-()（）")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    if not number:
        return CodeResult.fail(errors.EMPTY, _("请填写手机号码"))
    if not number.isdigit():
        return CodeResult.fail(errors.INVALID_CHAR, _("手机号码只能包含数字"))
    if len(number) != 11:
        return CodeResult.fail(errors.INVALID_LENGTH, _("手机号码应为 11 位"))
    if number[0] != "1" or number[1] not in "3456789":
        return CodeResult.fail(errors.INVALID_PREFIX, _("手机号码应以 13–19 开头"))
    parsed = {"segment": number[:3], "carrier": SEGMENT_CARRIER.get(number[:3])}
    return CodeResult.ok(number, _("手机号码有效"), parsed)


def generate_mobile(*, rng: random.Random) -> str:
    """A valid number in a segment of one of the three main carriers."""
    return rng.choice(GENERATED_SEGMENTS) + f"{rng.randrange(10**8):08d}"
