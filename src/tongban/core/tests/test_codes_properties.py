"""Property tests: every generated code validates; every single-character substitution is caught."""

import random
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.core.codes import (
    divisions,
    generate_citizen_id,
    generate_licence_id,
    generate_mobile,
    generate_uscc,
    validate,
)
from tongban.core.codes.checksums import USCC_ALPHABET
from tongban.core.codes.uscc import AUTHORITY_TYPES

GUANGDONG_CODES = [division.code for division in divisions.guangdong(current=False)]
OTHER_CODES = ["110105", "310115", "510107", "650102", "469001", "360426"]
ID_ALPHABET = "0123456789X"
AUTHORITY_PAIRS = [
    (authority, kind) for authority, (_, types) in AUTHORITY_TYPES.items() for kind in types
]

division_codes = st.sampled_from(GUANGDONG_CODES + OTHER_CODES)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31))
sexes = st.sampled_from(["M", "F"])
seeds = st.integers(min_value=0, max_value=2**32)
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def substitutions(value: str, alphabet: str):
    for position, original in enumerate(value):
        for char in alphabet:
            if char != original:
                yield value[:position] + char + value[position + 1 :]


@fast
@given(division_codes, birth_dates, sexes, seeds)
def test_generated_citizen_ids_validate(division_code, birth_date, sex, seed):
    number = generate_citizen_id(
        division_code=division_code, birth_date=birth_date, sex=sex, rng=random.Random(seed)
    )
    result = validate("citizen-id", number)
    assert result.valid, result
    assert result.normalized == number
    assert result.parsed["birth_date"] == birth_date.isoformat()
    assert result.parsed["gender"] == ("男" if sex == "M" else "女")
    assert result.parsed["division_code"] == division_code


@settings(max_examples=25, deadline=None)
@given(division_codes, birth_dates, sexes, seeds)
def test_every_single_substitution_in_a_citizen_id_is_caught(division_code, birth_date, sex, seed):
    number = generate_citizen_id(
        division_code=division_code, birth_date=birth_date, sex=sex, rng=random.Random(seed)
    )
    for changed in substitutions(number, ID_ALPHABET):  # all 18 positions x 10 other characters
        result = validate("citizen-id", changed)
        assert not result.valid, changed
        assert result.code in {
            "invalid_char",
            "invalid_checksum",
            "invalid_birth_date",
            "unknown_division",
        }


@fast
@given(
    st.sampled_from(
        [code for code in GUANGDONG_CODES if divisions.get(code).current] + OTHER_CODES
    ),
    st.sampled_from(AUTHORITY_PAIRS),
    seeds,
)
def test_generated_usccs_validate(division_code, pair, seed):
    authority, entity_type = pair
    code = generate_uscc(
        division_code=division_code,
        authority=authority,
        entity_type=entity_type,
        rng=random.Random(seed),
    )
    result = validate("uscc", code)
    assert result.valid, result
    assert result.warnings == []
    assert (result.parsed["authority_code"], result.parsed["entity_type_code"]) == pair


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(GUANGDONG_CODES[:40] + OTHER_CODES), seeds)
def test_every_single_substitution_in_a_uscc_is_caught(division_code, seed):
    code = generate_uscc(division_code=division_code, rng=random.Random(seed))
    for changed in substitutions(code, USCC_ALPHABET):  # all 18 positions x 30 other characters
        result = validate("uscc", changed)
        assert not result.valid, changed


@fast
@given(
    seeds,
    st.from_regex(r"[0-9A-Z]{1,20}", fullmatch=True),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)
def test_generated_licence_ids_validate(seed, number, version):
    rng = random.Random(seed)
    definer = generate_uscc(division_code="100000", authority="1", entity_type="1", rng=rng)
    issuer = generate_uscc(
        division_code=rng.choice(["440100", "440300", "445300"]),
        authority="1",
        entity_type="1",
        rng=rng,
    )
    identifier = generate_licence_id(
        type_code=definer + f"{rng.randrange(1000):03d}",
        issuer_uscc=issuer,
        number=number,
        version=version,
    )
    result = validate("licence-id", identifier)
    assert result.valid, result
    assert result.normalized == identifier
    assert result.parsed["number"] == number


@fast
@given(seeds)
def test_generated_mobiles_validate(seed):
    number = generate_mobile(rng=random.Random(seed))
    result = validate("mobile", number)
    assert result.valid, result
    assert result.parsed["carrier"] in {"中国移动", "中国联通", "中国电信"}
