"""Payment codes (缴款码): the number a payer types at a bank counter or in an app.

Default format (``settings.PAYMENTS_CODE_FORMAT``)::

    {division}{year}{seq:011d}{check}
    440100 26 00000000001 7   → "44010026000000000017" (20 digits)

* ``division`` — the 6-digit GB/T 2260 division code of the collecting unit;
* ``year`` — the last two digits of the year (Asia/Shanghai) the order was opened;
* ``seq`` — the running sequence per (division, year), starting at 1;
* ``check`` — **ISO 7064 MOD 11-10** (hybrid system) check digit over every digit before it.

Why MOD 11-10: it always yields a digit (0–9), so codes stay all-numeric for phone keypads
and bank counters (MOD 11-2 of the ID number needs an "X"), and it belongs to the same ISO
7064 family as the platform's other check characters. It detects every single-digit
substitution (the tests try them all) and about 98 % of adjacent transpositions — as good as
Luhn. Computation: ``p = 10``; for each digit ``s = (p + d) mod 10`` (``10`` when ``0``),
``p = (2·s) mod 11``; the check digit is ``(11 − p) mod 10``. ISO's example: ``0794`` → ``5``.

The format may be changed (the national format is a matter for each province); it must
contain ``{seq}`` and may contain ``{division}``, ``{year}`` and ``{check}`` (once, last).

Sequences never repeat: the (division, year) row is claimed with ``SELECT … FOR UPDATE``
(PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``) inside the creating
transaction.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.payments.errors import OrderError, error
from tongban.payments.models import PaymentCodeSequence

DEFAULT_FORMAT = "{division}{year}{seq:011d}{check}"
MAX_LENGTH = 32
_FIELDS = {"division", "year", "seq", "check"}


def mod11_10_check_digit(digits: str) -> str:
    """ISO 7064 MOD 11-10 check digit over a digit string."""
    if not digits.isdigit():
        raise ValueError("MOD 11-10 is defined over digits only")
    p = 10
    for char in digits:
        s = (p + int(char)) % 10 or 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


def mod11_10_valid(code: str) -> bool:
    if not code.isdigit() or len(code) < 2:
        return False
    return mod11_10_check_digit(code[:-1]) == code[-1]


def code_format() -> str:
    return getattr(settings, "PAYMENTS_CODE_FORMAT", "") or DEFAULT_FORMAT


def _fields(fmt: str) -> list[str]:
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name]
    except ValueError:
        names = None
    if (
        names is None
        or "seq" not in names
        or not set(names) <= _FIELDS
        or names.count("check") > 1
        or ("check" in names and not fmt.endswith("{check}"))
    ):
        raise error(OrderError.CODE_FORMAT_INVALID)
    return names


def format_code(division_code: str, year: int, seq: int, fmt: str | None = None) -> str:
    fmt = fmt or code_format()
    names = _fields(fmt)
    head = fmt.removesuffix("{check}") if "check" in names else fmt
    body = head.format(division=division_code, year=f"{year % 100:02d}", seq=seq)
    code = body + mod11_10_check_digit(body) if "check" in names else body
    if len(code) > MAX_LENGTH:
        raise error(OrderError.CODE_FORMAT_INVALID)
    return code


def expected_length(fmt: str | None = None) -> int:
    return len(format_code("440100", 2026, 1, fmt))


def normalise(value) -> str:
    """Strip the spaces and dashes people type between groups of digits."""
    return "".join(str(value or "").split()).replace("-", "")


def validate_code(value) -> str:
    """The cleaned code, or ``invalid_payment_code`` / ``invalid_checksum``."""
    code = normalise(value)
    fmt = code_format()
    if not code.isdigit() or len(code) != expected_length(fmt):
        raise error(OrderError.INVALID_PAYMENT_CODE, field="code")
    if "check" in _fields(fmt) and not mod11_10_valid(code):
        raise error(OrderError.INVALID_CHECKSUM, field="code")
    return code


def next_code(division_code: str, *, now=None) -> str:
    """Allocate the next code of ``division_code`` (call inside the creating transaction)."""
    year = timezone.localtime(now or timezone.now()).year
    fmt = code_format()
    _fields(fmt)
    with transaction.atomic():
        row = (
            PaymentCodeSequence.objects.select_for_update()
            .filter(division_code=division_code, year=year)
            .first()
        )
        if row is None:
            try:
                with transaction.atomic():
                    row = PaymentCodeSequence.objects.create(
                        division_code=division_code, year=year, last_value=0
                    )
            except IntegrityError:  # another transaction created it meanwhile
                pass
            row = PaymentCodeSequence.objects.select_for_update().get(
                division_code=division_code, year=year
            )
        row.last_value += 1
        row.save(update_fields=["last_value"])
        return format_code(division_code, year, row.last_value, fmt)
