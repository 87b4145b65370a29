"""Validators and generators in tongban.core.codes, checked against STANDARDS.md examples."""

import csv
import os
import random
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.conf import settings
from stdnum.iso7064 import mod_37_36

from tongban.core.codes import (
    CodeResult,
    build_divisions,
    divisions,
    errors,
    generate_citizen_id,
    generate_licence_id,
    generate_mobile,
    generate_uscc,
    require,
    stdnum_loc,
    validate,
)
from tongban.core.codes.checksums import iso7064_mod37_36, org_code_check_char
from tongban.core.codes.licence_id import register_check_algorithm
from tongban.core.exceptions import DomainError
from tongban.testing.fixtures import skip_unless

REAL_LICENCE_ID = "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F"


# --- citizen ID -------------------------------------------------------------------------------
@pytest.mark.parametrize("number", ["11010519491231002X", "360426199101010071"])
def test_standards_citizen_id_examples_are_valid(number):
    result = validate("citizen-id", number)
    assert result.valid, result
    assert result.code is None
    assert result.normalized == number


def test_citizen_id_parsed_fields():
    result = validate("citizen-id", "11010519491231002X")
    assert result.parsed["birth_date"] == "1949-12-31"
    assert result.parsed["gender"] == "女"  # sequence 002 is even
    assert result.parsed["division_code"] == "110105"
    assert result.parsed["division_name"] == "北京市朝阳区"
    assert result.parsed["age"] >= 75
    assert validate("citizen-id", "360426199101010071").parsed["gender"] == "男"


def test_lowercase_x_and_spaces_are_normalised():
    result = validate("citizen-id", " 110105 19491231 002x ")
    assert result.valid
    assert result.normalized == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", errors.EMPTY),
        (None, errors.EMPTY),
        ("   ", errors.EMPTY),
        ("11010519491231002", errors.INVALID_LENGTH),
        ("11010519491231002X1", errors.INVALID_LENGTH),
        ("1101051949123100XX", errors.INVALID_CHAR),
        ("11010519491231002Y", errors.INVALID_CHAR),
        ("A1010519491231002X", errors.INVALID_CHAR),
        ("110105194912310021", errors.INVALID_CHECKSUM),
        ("360426199101010072", errors.INVALID_CHECKSUM),
        ("360426199113010071", errors.INVALID_BIRTH_DATE),  # month 13
        ("360426199102300071", errors.INVALID_BIRTH_DATE),  # 30 February
        ("999999199101010071", errors.UNKNOWN_DIVISION),
        ("440199199101010071", errors.UNKNOWN_DIVISION),
        ("360426910101007", errors.LEGACY_NOT_ALLOWED),
    ],
)
def test_invalid_citizen_ids_get_precise_codes(value, code):
    result = validate("citizen-id", value)
    assert not result.valid
    assert result.code == code
    assert result.normalized is None
    assert result.message  # a Chinese message for the user


def test_checksum_message_is_chinese():
    assert validate("citizen-id", "110105194912310021").message == "身份证号码校验位错误"


def test_future_birth_date_is_rejected():
    tomorrow = date.today() + timedelta(days=2)
    body = f"440106{tomorrow:%Y%m%d}001"
    from tongban.core.codes.checksums import citizen_id_check_char

    result = validate("citizen-id", body + citizen_id_check_char(body))
    assert result.code == errors.INVALID_BIRTH_DATE


def test_legacy_15_digit_number_is_upgraded_when_allowed():
    result = validate("citizen-id", "360426910101007", allow_legacy=True)
    assert result.valid
    assert result.normalized == "360426199101010071"
    assert result.parsed["legacy"] is True
    assert result.parsed["birth_date"] == "1991-01-01"
    assert result.warnings


def test_legacy_number_with_bad_date_is_still_rejected():
    assert (
        validate("citizen-id", "360426911301007", allow_legacy=True).code
        == errors.INVALID_BIRTH_DATE
    )


def test_historical_guangdong_address_code_is_valid_with_warning():
    # 440102 东山区 was merged into 越秀区 in 2005; people still carry numbers issued there.
    number = generate_citizen_id(
        division_code="440102", birth_date=date(1970, 5, 1), sex="M", rng=random.Random(1)
    )
    result = validate("citizen-id", number)
    assert result.valid
    assert result.parsed["division_name"] == "广东省广州市东山区"
    assert result.parsed["division_current"] is False
    assert result.warnings


def test_non_guangdong_address_code_validates_from_stdnum_data():
    number = generate_citizen_id(
        division_code="650102", birth_date=date(1980, 1, 2), sex="F", rng=random.Random(2)
    )
    result = validate("citizen-id", number)
    assert result.valid
    assert result.parsed["division_name"].startswith("新疆维吾尔自治区")
    assert result.parsed["gender"] == "女"


# --- USCC -------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_standards_uscc_examples_are_valid(code):
    result = validate("uscc", code)
    assert result.valid, result
    assert result.parsed["authority_name"] == "工商"
    assert result.parsed["entity_type"] == "企业"


def test_uscc_parsed_fields():
    result = validate("uscc", "91350100m000100y43")
    assert result.normalized == "91350100M000100Y43"
    assert result.parsed["division_name"] == "福建省福州市"
    assert result.parsed["org_code"] == "M000100Y4"


def test_standards_org_code_examples():
    assert org_code_check_char("60003734") == "1"
    assert org_code_check_char("M000100Y") == "4"


def test_letter_prefixed_uscc_that_stdnum_rejects_is_valid():
    from stdnum.cn import uscc as stdnum_uscc

    code = generate_uscc(
        division_code="440100", authority="Y", entity_type="1", rng=random.Random(5)
    )
    result = validate("uscc", code)
    assert result.valid
    assert result.parsed["authority_name"] == "其他"
    assert not stdnum_uscc.is_valid(code)  # the pitfall STANDARDS.md warns about


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", errors.EMPTY),
        ("91350100M000100Y4", errors.INVALID_LENGTH),
        ("91350100M000100I43", errors.INVALID_CHAR),  # I is not in the alphabet
        ("913501A0M000100Y43", errors.INVALID_CHAR),  # division must be digits
        ("91350100M000100Y44", errors.INVALID_CHECKSUM),
        ("91110000600037342L", errors.INVALID_ORG_CODE),
        ("94350100M000100Y43", errors.UNKNOWN_AUTHORITY_TYPE),  # 9 工商 has no type 4
        ("54350100M000100Y43", errors.UNKNOWN_AUTHORITY_TYPE),  # 5 民政 has no type 4
        ("91999900M000100Y43", errors.UNKNOWN_DIVISION),
    ],
)
def test_invalid_usccs_get_precise_codes(value, code):
    result = validate("uscc", value)
    assert (result.valid, result.code) == (False, code)


def test_unconfirmed_authority_code_is_accepted_with_warning():
    code = generate_uscc(
        division_code="440100", authority="2", entity_type="1", rng=random.Random(3)
    )
    result = validate("uscc", code)
    assert result.valid
    assert result.parsed["authority_name"] is None
    assert result.warnings


def test_allowlisted_pilot_code_passes_despite_checksum(settings):
    pilot = "91350100M000100Y44"  # wrong check character
    assert validate("uscc", pilot).code == errors.INVALID_CHECKSUM
    settings.USCC_ALLOWLIST = [pilot]
    result = validate("uscc", pilot)
    assert result.valid
    assert result.parsed["allowlisted"] is True
    assert result.warnings


# --- divisions --------------------------------------------------------------------------------
def test_21_guangdong_cities_match_standards():
    expected = (
        "440100 440200 440300 440400 440500 440600 440700 440800 440900 441200 441300 441400 "
        "441500 441600 441700 441800 441900 442000 445100 445200 445300"
    ).split()
    assert [city.code for city in divisions.cities()] == expected
    assert divisions.get("440100").name == "广州市"
    assert all(city.level == "city" and city.parent_code == "440000" for city in divisions.cities())


def test_cities_match_shared_data_file():
    path = settings.SHARED_DATA_DIR / "divisions-guangdong.csv"
    skip_unless(path.exists(), "shared data directory not available")
    with path.open(encoding="utf-8") as handle:
        shared = {
            row["code"]: row["name"] for row in csv.DictReader(handle) if row["level"] == "city"
        }
    assert {city.code: city.name for city in divisions.cities()} == shared


def test_counties_current_and_historical():
    current = {county.code: county.name for county in divisions.counties("440100")}
    assert current["440106"] == "天河区"
    assert "440102" not in current  # 东山区, abolished 2005
    assert "440101" not in current  # 市辖区 is an aggregate, not a county
    everything = {county.code for county in divisions.counties("440100", current=False)}
    assert {"440102", "440107", "440183"} <= everything
    assert divisions.counties("441900") == []  # 东莞 has no county level
    assert divisions.counties("442000") == []  # 中山 neither


def test_current_county_count_for_guangdong():
    total = sum(len(divisions.counties(city.code)) for city in divisions.cities())
    assert (
        total == 122
    )  # 65 districts + 20 county-level cities + 34 counties + 3 autonomous counties


def test_division_lookup_outside_guangdong_and_unknown():
    assert divisions.get("110105").full_name == "北京市朝阳区"
    assert divisions.get("110105").parent_code == "110100"
    assert divisions.get("000000") is None
    assert divisions.get("4401") is None
    assert divisions.get("810000").name == "香港特别行政区"


def test_committed_csv_matches_stdnum_data():
    cities, counties = build_divisions.guangdong_rows()
    for filename, rows in (
        (build_divisions.CITIES_FILE, cities),
        (build_divisions.COUNTIES_FILE, counties),
    ):
        with (build_divisions.DATA_DIR / filename).open(encoding="utf-8") as handle:
            assert list(csv.DictReader(handle)) == rows, (
                f"{filename} is stale: rerun build_divisions"
            )


def test_build_divisions_writes_files(tmp_path):
    build_divisions.main(["--out", str(tmp_path)])
    with (tmp_path / build_divisions.COUNTIES_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["code", "name", "city_code", "current", "history"]
    assert {
        "code": "440106",
        "name": "天河区",
        "city_code": "440100",
        "current": "1",
    }.items() <= next(row for row in rows if row["code"] == "440106").items()


def test_build_divisions_runs_as_a_module_without_django_settings(tmp_path):
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    subprocess.run(
        [sys.executable, "-m", "tongban.core.codes.build_divisions", "--out", str(tmp_path)],
        check=True,
        env=environment,
        capture_output=True,
    )
    assert (tmp_path / build_divisions.CITIES_FILE).read_text(encoding="utf-8") == (
        build_divisions.DATA_DIR / build_divisions.CITIES_FILE
    ).read_text(encoding="utf-8")


def test_stdnum_current_rule():
    entries = stdnum_loc.load()
    assert (
        entries["440111"].name == "白云区" and entries["440111"].current
    )  # renamed, still current
    assert not entries["440102"].current


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", errors.EMPTY),
        ("4401", errors.INVALID_LENGTH),
        ("44010A", errors.INVALID_CHAR),
        ("449999", errors.UNKNOWN_DIVISION),
    ],
)
def test_invalid_division_codes(value, code):
    assert validate("division", value).code == code


def test_division_kind_reports_history():
    result = validate("division", "440102")
    assert result.valid
    assert result.parsed["current"] is False
    assert result.warnings
    assert validate("division", "440106").warnings == []


# --- licence identifiers ----------------------------------------------------------------------
def test_real_licence_identifier_validates():
    result = validate("licence-id", REAL_LICENCE_ID)
    assert result.valid, result
    assert result.parsed["type_code"] == "11100000000013338W032"
    assert result.parsed["issuer_code"] == "11220000013544541J"
    assert result.parsed["number"] == "2430599"
    assert result.parsed["version"] == "001"


def test_licence_check_matches_iso7064_reference():
    payload = "11100000000013338W03211220000013544541J2430599001"
    assert iso7064_mod37_36(payload) == mod_37_36.calc_check_digit(payload) == "F"


def test_generate_licence_id_reproduces_real_example():
    generated = generate_licence_id(
        type_code="11100000000013338W032", issuer_uscc="11220000013544541J", number="2430599"
    )
    assert generated == REAL_LICENCE_ID


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", errors.EMPTY),
        (REAL_LICENCE_ID[:-1] + "G", errors.INVALID_CHECKSUM),
        (REAL_LICENCE_ID.replace("1.2.156.3005.2.", "1.2.156.3005.3."), errors.INVALID_PREFIX),
        (REAL_LICENCE_ID.replace(".001.F", ".F"), errors.INVALID_FORMAT),
        (REAL_LICENCE_ID.replace("2430599", "243-599"), errors.INVALID_CHAR),
        (REAL_LICENCE_ID.replace("W032", "W32"), errors.INVALID_TYPE_CODE),
        (REAL_LICENCE_ID.replace("13338W032", "13338X032"), errors.INVALID_TYPE_CODE),
        (REAL_LICENCE_ID.replace("544541J", "544541K"), errors.INVALID_ISSUER_CODE),
        (REAL_LICENCE_ID.replace(".001.", ".01."), errors.INVALID_VERSION),
    ],
)
def test_invalid_licence_ids(value, code):
    assert validate("licence-id", value).code == code


def test_licence_check_algorithm_is_pluggable(settings):
    register_check_algorithm("always_zero", lambda payload: "0")
    settings.LICENCE_ID_CHECK = "always_zero"
    assert validate("licence-id", REAL_LICENCE_ID).code == errors.INVALID_CHECKSUM
    assert validate("licence-id", REAL_LICENCE_ID[:-1] + "0").valid
    settings.LICENCE_ID_CHECK = "tongban.core.codes.checksums.iso7064_mod37_36"
    assert validate("licence-id", REAL_LICENCE_ID).valid
    settings.LICENCE_ID_CHECK = "no_such_algorithm"
    with pytest.raises(ValueError):
        validate("licence-id", REAL_LICENCE_ID)


# --- mobile -----------------------------------------------------------------------------------
def test_mobile_numbers():
    result = validate("mobile", "+86 138-0013-8000")
    assert (result.valid, result.normalized, result.parsed["carrier"]) == (
        True,
        "13800138000",
        "中国移动",
    )
    assert validate("mobile", "19912345678").valid


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", errors.EMPTY),
        ("1380013800", errors.INVALID_LENGTH),
        ("138001380001", errors.INVALID_LENGTH),
        ("1380013800a", errors.INVALID_CHAR),
        ("12800138000", errors.INVALID_PREFIX),
        ("23800138000", errors.INVALID_PREFIX),
    ],
)
def test_invalid_mobile_numbers(value, code):
    assert validate("mobile", value).code == code


# --- validate / require / generators ----------------------------------------------------------
def test_unknown_kind_raises_value_error():
    with pytest.raises(ValueError):
        validate("passport", "E12345678")


def test_require_raises_domain_error_with_field():
    with pytest.raises(DomainError) as excinfo:
        require("citizen-id", "110105194912310021", field="id_number")
    assert excinfo.value.code == errors.INVALID_CHECKSUM
    assert excinfo.value.field == "id_number"
    assert excinfo.value.message == "身份证号码校验位错误"
    result = require("citizen-id", "360426910101007", allow_legacy=True)
    assert isinstance(result, CodeResult) and result.normalized == "360426199101010071"


def test_generators_are_deterministic_for_a_seed():
    kwargs = {"division_code": "440106", "birth_date": date(1990, 1, 1), "sex": "M"}
    assert generate_citizen_id(**kwargs, rng=random.Random(7)) == generate_citizen_id(
        **kwargs, rng=random.Random(7)
    )
    assert generate_uscc(division_code="440300", rng=random.Random(7)) == generate_uscc(
        division_code="440300", rng=random.Random(7)
    )
    assert generate_mobile(rng=random.Random(7)) == generate_mobile(rng=random.Random(7))


def test_generated_citizen_id_sex_parity():
    rng = random.Random(11)
    for sex, gender in (("M", "男"), ("F", "女")):
        number = generate_citizen_id(
            division_code="440106", birth_date=date(2000, 2, 29), sex=sex, rng=rng
        )
        assert validate("citizen-id", number).parsed["gender"] == gender


@pytest.mark.parametrize(
    "kwargs",
    [
        {"division_code": "999999", "birth_date": date(1990, 1, 1), "sex": "M"},
        {"division_code": "440106", "birth_date": date(1990, 1, 1), "sex": "X"},
    ],
)
def test_generate_citizen_id_refuses_bad_input(kwargs):
    with pytest.raises(ValueError):
        generate_citizen_id(**kwargs, rng=random.Random(1))


def test_generate_uscc_refuses_unknown_pair():
    with pytest.raises(ValueError):
        generate_uscc(division_code="440106", authority="9", entity_type="4", rng=random.Random(1))
