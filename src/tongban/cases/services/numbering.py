"""Unified case numbers (统一办件编号): one number from application to archive.

Default format (``settings.CASE_NUMBER_FORMAT``)::

    {division}{date:%y%m%d}{seq:07d}{check}
    440100 251009 0000001 X  → "4401002510090000001X" (20 characters)

* ``division`` — the 6-digit GB/T 2260 division code of the implementing org unit;
* ``date`` — the submission day (Asia/Shanghai);
* ``seq`` — the daily sequence per division, starting at 1;
* ``check`` — ISO 7064 MOD 11-2 check character ("0"–"9" or "X") over every digit that
  precedes it in the rendered number.

The national format is unconfirmed, so the format is a setting; it must contain ``{seq}``
(with or without a format spec) and may contain ``{division}``, ``{date:<strftime>}`` and
``{check}`` (at most once). The result must fit the 32-character column.

Numbers never repeat or skip: the (division, day) ``CaseNumberSequence`` row is claimed with
``SELECT … FOR UPDATE`` (PostgreSQL; SQLite runs every transaction as ``BEGIN IMMEDIATE``,
which serialises writers) inside the submitting transaction, so a rolled-back submission
also rolls back its sequence value.
"""

from __future__ import annotations

import string
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.errors import CaseError
from tongban.cases.models.case import CaseNumberSequence
from tongban.core.exceptions import DomainError

DEFAULT_CASE_NUMBER_FORMAT = "{division}{date:%y%m%d}{seq:07d}{check}"
MAX_LENGTH = 32
_FIELDS = {"division", "date", "seq", "check"}


def mod11_2_check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2 (pure system, radix 2) check character over a digit string."""
    if not digits.isdigit():
        raise ValueError("MOD 11-2 is defined over digits only")
    p = 0
    for char in digits:
        p = ((p + int(char)) * 2) % 11
    value = (12 - p) % 11
    return "X" if value == 10 else str(value)


def is_valid_check(number_digits_and_check: str) -> bool:
    body, check = number_digits_and_check[:-1], number_digits_and_check[-1:]
    return body.isdigit() and mod11_2_check_char(body) == check.upper()


def number_format() -> str:
    return getattr(settings, "CASE_NUMBER_FORMAT", "") or DEFAULT_CASE_NUMBER_FORMAT


def _validate_format(fmt: str) -> None:
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name]
    except ValueError:
        names = None
    if names is None or "seq" not in names or not set(names) <= _FIELDS or names.count("check") > 1:
        raise DomainError(
            CaseError.NUMBER_FORMAT_INVALID,
            _("办件编号格式配置有误（CASE_NUMBER_FORMAT）。"),
        )


def format_number(division_code: str, day: date, seq: int, fmt: str | None = None) -> str:
    """Render a case number; ``{check}`` covers the digits rendered before it."""
    fmt = fmt or number_format()
    _validate_format(fmt)
    head, marker, tail = fmt.partition("{check}")
    values = {"division": division_code, "date": day, "seq": seq}
    rendered = head.format(**values)
    if marker:
        digits = "".join(ch for ch in rendered if ch.isdigit())
        rendered += mod11_2_check_char(digits) + tail.format(**values)
    if len(rendered) > MAX_LENGTH:
        raise DomainError(
            CaseError.NUMBER_FORMAT_INVALID, _("办件编号超过 32 个字符，请检查编号格式配置。")
        )
    return rendered


def claim_sequence(division_code: str, day: date) -> int:
    """The next daily sequence value of ``division_code`` (inside the caller's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_sequence must run inside the submitting transaction")
    # Make sure the row exists without racing on its creation (a conflicting insert is
    # ignored), then lock it for the rest of the transaction.
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(division_code=division_code, day=day, last_value=0)],
        ignore_conflicts=True,
    )
    row = CaseNumberSequence.objects.select_for_update().get(division_code=division_code, day=day)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return row.last_value


def next_case_number(division_code: str, day: date | None = None) -> str:
    """Claim the next number for ``division_code`` on ``day`` (default: today, local time)."""
    day = day or timezone.localdate()
    division = (division_code or "")[:6]
    if len(division) != 6 or not division.isdigit():
        raise DomainError(
            CaseError.NUMBER_FORMAT_INVALID, _("实施机构缺少 6 位行政区划代码，无法生成办件编号。")
        )
    _validate_format(number_format())
    seq = claim_sequence(division, day)
    return format_number(division, day, seq)
