"""Payment codes: ISO 7064 MOD 11-10 check digit, format setting, sequences."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.payments.errors import OrderError
from tongban.payments.models import PaymentCodeSequence
from tongban.payments.services import codes


def test_check_digit_matches_the_iso_7064_example():
    assert codes.mod11_10_check_digit("0794") == "5"
    assert codes.mod11_10_valid("07945")
    assert not codes.mod11_10_valid("07946")


def test_default_code_is_twenty_digits_division_year_sequence_check():
    code = codes.format_code("440100", 2026, 1)
    assert len(code) == 20
    assert code[:6] == "440100" and code[6:8] == "26" and code[8:19] == "00000000001"
    assert code[19] == codes.mod11_10_check_digit(code[:19])


def test_every_single_digit_error_is_detected():
    code = codes.format_code("440100", 2026, 12345)
    for position in range(20):
        for digit in "0123456789":
            if digit == code[position]:
                continue
            typo = code[:position] + digit + code[position + 1 :]
            assert not codes.mod11_10_valid(typo), typo


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("4401002600000000001", OrderError.INVALID_PAYMENT_CODE),  # 19 digits
        ("44010026A000000000015", OrderError.INVALID_PAYMENT_CODE),
        ("", OrderError.INVALID_PAYMENT_CODE),
    ],
)
def test_malformed_codes_are_refused(typed, expected):
    with pytest.raises(DomainError) as excinfo:
        codes.validate_code(typed)
    assert excinfo.value.code == expected


def test_mistyped_code_is_refused_with_invalid_checksum():
    code = codes.format_code("440100", 2026, 7)
    typo = code[:10] + str((int(code[10]) + 1) % 10) + code[11:]
    with pytest.raises(DomainError) as excinfo:
        codes.validate_code(typo)
    assert excinfo.value.code == OrderError.INVALID_CHECKSUM
    assert codes.validate_code(" " + code[:6] + " " + code[6:]) == code  # spaces are fine


def test_sequences_run_per_division_and_year(db):
    first = codes.next_code("440100")
    second = codes.next_code("440100")
    other = codes.next_code("440300")
    assert int(second[8:19]) == int(first[8:19]) + 1
    assert other[:6] == "440300" and other[8:19] == "00000000001"
    assert PaymentCodeSequence.objects.count() == 2


def test_format_setting(settings, db):
    settings.PAYMENTS_CODE_FORMAT = "{division}{seq:06d}{check}"
    code = codes.next_code("440100")
    assert len(code) == 13 and codes.validate_code(code) == code
    settings.PAYMENTS_CODE_FORMAT = "{check}{seq}"
    with pytest.raises(DomainError) as excinfo:
        codes.next_code("440100")
    assert excinfo.value.code == OrderError.CODE_FORMAT_INVALID
