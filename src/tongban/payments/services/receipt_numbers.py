"""Receipt numbers (票据代码、票据号码、校验码) and amounts in words (金额大写).

票据代码 — 8 digits (STANDARDS.md §7)::

    44        06              01          26
    division  classification  type        year
    (the collecting department's province, first 2 digits of its division code)
              (PAYMENTS_RECEIPT_CLASSIFICATION, default "06")
                              (PAYMENTS_RECEIPT_TYPE, default "01")
                                          (last 2 digits of the year of issue, Beijing time)

The defaults follow the codes printed on Guangdong's 非税收入统一票据（电子） (44060122…); the
national code tables are not confirmed, so classification and type are settings.

票据号码 — 10 digits, the sequence within one 票据代码 (so it restarts every year):
``0000000001``, ``0000000002``… ``claim_receipt_number(code)`` takes the next one with the
``ReceiptNumberSequence`` row locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises
writers with ``BEGIN IMMEDIATE``) inside the issuing transaction, so two receipts never share a
number and a rolled-back issuance gives its number back: no gaps.

校验码 — 6 lower-case hex characters: the first 6 of ``SM3(signed data)``, where the signed data
is the receipt's canonical JSON (``services.receipts.receipt_payload``). The signed data carries
the 票据代码 and 号码, the payer, the items, the amount and the issue time to the second, so the
check code ties the printed receipt to exactly what was signed: anyone holding the signed data
(``data.json`` of the OpenSSL bundle) recomputes it with ``openssl dgst -sm3 data.json``. A
public look-up needs 代码 + 号码 + 校验码, which also keeps receipts from being found by counting
numbers (2^24 check codes per number, with failed look-ups rate-limited).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core.crypto import sm3
from tongban.payments.errors_receipts import ReceiptError, error
from tongban.payments.models import ReceiptNumberSequence

CODE_RE = re.compile(r"^\d{8}$")
NUMBER_RE = re.compile(r"^\d{10}$")
CHECK_CODE_RE = re.compile(r"^[0-9a-f]{6}$")
NUMBER_WIDTH = 10
CHECK_CODE_LENGTH = 6
MAX_NUMBER = 10**NUMBER_WIDTH - 1
DEFAULT_CLASSIFICATION = "06"
DEFAULT_TYPE = "01"


def _two_digits(name: str, default: str) -> str:
    value = str(getattr(settings, name, default) or default).strip()
    if not re.fullmatch(r"\d{2}", value):
        raise error(
            ReceiptError.INVALID_RECEIPT_SETTING,
            message=f"{error(ReceiptError.INVALID_RECEIPT_SETTING).message}：{name}={value!r}",
        )
    return value


def receipt_code(division_code: str, issued_at=None) -> str:
    """The 票据代码 for a collecting department in ``division_code`` at ``issued_at``."""
    division = (division_code or "").strip()[:2]
    if not re.fullmatch(r"\d{2}", division):
        division = "00"
    moment = timezone.localtime(issued_at) if issued_at is not None else timezone.localtime()
    classification = _two_digits("PAYMENTS_RECEIPT_CLASSIFICATION", DEFAULT_CLASSIFICATION)
    kind = _two_digits("PAYMENTS_RECEIPT_TYPE", DEFAULT_TYPE)
    return f"{division}{classification}{kind}{moment.year % 100:02d}"


def format_number(value: int) -> str:
    return f"{value:0{NUMBER_WIDTH}d}"


def claim_receipt_number(code: str) -> str:
    """The next 票据号码 under ``code``; must run inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_receipt_number must run inside the issuing transaction")
    # Create the row without racing (a conflicting insert is ignored), then lock it.
    ReceiptNumberSequence.objects.bulk_create(
        [ReceiptNumberSequence(code=code, last_value=0)], ignore_conflicts=True
    )
    row = ReceiptNumberSequence.objects.select_for_update().get(code=code)
    if row.last_value >= MAX_NUMBER:
        raise error(ReceiptError.NUMBERS_EXHAUSTED)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return format_number(row.last_value)


def check_code_for(signed_data: bytes) -> str:
    """The 校验码 of a receipt: the first 6 hex characters of SM3(signed data)."""
    return sm3.hexdigest(bytes(signed_data))[:CHECK_CODE_LENGTH]


# --- input from people (verification form, QR code, API) ------------------------------------
def _digits(text) -> str:
    return re.sub(r"[\s-]", "", str(text or ""))


def clean_code(text) -> str:
    code = _digits(text)
    if not CODE_RE.match(code):
        raise error(ReceiptError.INVALID_RECEIPT_CODE, field="code")
    return code


def clean_number(text) -> str:
    number = _digits(text)
    if not NUMBER_RE.match(number):
        raise error(ReceiptError.INVALID_RECEIPT_NUMBER, field="number")
    return number


def clean_check_code(text) -> str:
    check = _digits(text).lower()
    if not CHECK_CODE_RE.match(check):
        raise error(ReceiptError.INVALID_CHECK_CODE, field="check_code")
    return check


# --- money ------------------------------------------------------------------------------------
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("仟", "佰", "拾", "")
GROUP_UNITS = ("", "万", "亿", "万亿")


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals: 6000 → "60.00", 123456 → "1,234.56"."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def _group_words(value: int) -> str:
    """1..9999 in capital numerals, inner zeros as one 零 (0105 → 壹佰零伍)."""
    text = ""
    zero = False
    started = False
    for digit, unit in zip(f"{value:04d}", SMALL_UNITS, strict=True):
        if digit == "0":
            zero = zero or started
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[int(digit)] + unit
        started = True
    return text


def _integer_words(value: int) -> str:
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large")
    text = ""
    zero_pending = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero_pending = True
            continue
        if text and (zero_pending or group < 1000):
            text += "零"
        text += _group_words(group) + GROUP_UNITS[index]
        zero_pending = False
    return text


def amount_in_words(fen: int) -> str:
    """The amount in capital Chinese numerals as written on receipts and cheques (金额大写,
    《支付结算办法》 rules): 6000 → "陆拾元整", 10050 → "壹佰元伍角", 100005 → "壹仟元零伍分",
    100010005 → "壹佰万零壹佰元零伍分". "整" follows an amount that ends with 元 (none after 角
    or 分); a zero between 元 and 分 is written 零, and so is a run of zeros inside the number."""
    fen = int(fen)
    if fen < 0:
        raise ValueError("negative amount")
    if fen == 0:
        return "零元整"
    whole, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    text = _integer_words(whole)
    if whole:
        text += "元"
    if not jiao and not cents:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif whole:
        text += "零"
    if cents:
        text += DIGITS[cents] + "分"
    return text
