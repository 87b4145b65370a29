"""票据代码, 票据号码 input, 校验码 and 金额大写 (no database)."""

import datetime as dt

import pytest

from tongban.core.crypto import sm3
from tongban.core.exceptions import DomainError
from tongban.payments.services import receipt_numbers as rn


def test_receipt_code_is_division_classification_type_year(settings):
    moment = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    assert rn.receipt_code("440100", moment) == "44060126"
    settings.PAYMENTS_RECEIPT_CLASSIFICATION = "03"
    settings.PAYMENTS_RECEIPT_TYPE = "12"
    assert rn.receipt_code("440305", moment) == "44031226"


def test_receipt_year_is_the_beijing_year():
    # 2026-12-31 20:00 UTC is already 2027 in Beijing
    assert rn.receipt_code("440100", dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC))[-2:] == "27"


def test_a_bad_code_setting_is_refused(settings):
    settings.PAYMENTS_RECEIPT_TYPE = "1"
    with pytest.raises(DomainError) as exc:
        rn.receipt_code("440100")
    assert (
        exc.value.code == "invalid_receipt_setting" and "PAYMENTS_RECEIPT_TYPE" in exc.value.message
    )


def test_check_code_is_the_start_of_sm3_of_the_signed_data():
    data = '{"a":"票据"}'.encode()
    assert rn.check_code_for(data) == sm3.hexdigest(data)[:6]
    assert len(rn.check_code_for(data)) == 6 and rn.check_code_for(data) != rn.check_code_for(b"x")


@pytest.mark.parametrize(
    ("cleaner", "raw", "expected"),
    [
        (rn.clean_code, " 4406 0126 ", "44060126"),
        (rn.clean_number, "00000-00001", "0000000001"),
        (rn.clean_check_code, "A1B2C3", "a1b2c3"),
    ],
)
def test_input_is_normalised(cleaner, raw, expected):
    assert cleaner(raw) == expected


@pytest.mark.parametrize(
    ("cleaner", "raw", "code", "field"),
    [
        (rn.clean_code, "4406012", "invalid_receipt_code", "code"),
        (rn.clean_code, "4406012X", "invalid_receipt_code", "code"),
        (rn.clean_number, "123", "invalid_receipt_number", "number"),
        (rn.clean_check_code, "a1b2c", "invalid_check_code", "check_code"),
        (rn.clean_check_code, "g1b2c3", "invalid_check_code", "check_code"),
    ],
)
def test_bad_input_is_refused_with_its_field(cleaner, raw, code, field):
    with pytest.raises(DomainError) as exc:
        cleaner(raw)
    assert exc.value.code == code and exc.value.field == field


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (0, "零元整"),
        (6000, "陆拾元整"),
        (1, "壹分"),
        (50, "伍角"),
        (105, "壹元零伍分"),
        (10050, "壹佰元伍角"),
        (100005, "壹仟元零伍分"),
        (1000, "壹拾元整"),
        (100500, "壹仟零伍元整"),
        (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
        (100010005, "壹佰万零壹佰元零伍分"),
        (1000000000, "壹仟万元整"),
        (10000000000, "壹亿元整"),
        (10000100000, "壹亿零壹仟元整"),
        (10100000000, "壹亿零壹佰万元整"),
    ],
)
def test_amount_in_words(fen, words):
    assert rn.amount_in_words(fen) == words


def test_yuan_has_two_decimals_and_thousands():
    assert rn.yuan(6000) == "60.00"
    assert rn.yuan(5) == "0.05"
    assert rn.yuan(123456789) == "1,234,567.89"
