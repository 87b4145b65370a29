"""Unified case numbers: format, check character, and no repeats or gaps under concurrency."""

from datetime import date

import pytest
from django.db import transaction

from tongban.cases.errors import CaseError
from tongban.cases.models import CaseNumberSequence
from tongban.cases.services.numbering import (
    DEFAULT_CASE_NUMBER_FORMAT,
    format_number,
    is_valid_check,
    mod11_2_check_char,
    next_case_number,
)
from tongban.core.codes.checksums import citizen_id_check_char
from tongban.core.exceptions import DomainError
from tongban.testing.concurrency import thread_database

DAY = date(2025, 10, 9)


@pytest.mark.parametrize(
    "body",
    ["11010519491231002", "36042619910101007", "44010619900101123", "00000000000000000"],
)
def test_mod11_2_agrees_with_the_citizen_id_check(body):
    # GB 11643 uses ISO 7064 MOD 11-2 over 17 digits: the generic routine must agree.
    assert mod11_2_check_char(body) == citizen_id_check_char(body)


def test_known_id_numbers():
    assert mod11_2_check_char("11010519491231002") == "X"
    assert mod11_2_check_char("36042619910101007") == "1"


def test_default_format():
    number = format_number("440100", DAY, 1, DEFAULT_CASE_NUMBER_FORMAT)
    assert number[:-1] == "4401002510090000001"
    assert len(number) == 20
    assert is_valid_check(number)
    # a changed digit breaks the check
    assert not is_valid_check("4401002510090000002" + number[-1])


def test_format_setting(settings, db):
    settings.CASE_NUMBER_FORMAT = "GD-{division}-{date:%Y%m%d}-{seq:05d}{check}"
    with transaction.atomic():
        number = next_case_number("440300", DAY)
    assert number.startswith("GD-440300-20251009-00001")
    digits = "".join(ch for ch in number[:-1] if ch.isdigit())
    assert number[-1] == mod11_2_check_char(digits)


@pytest.mark.parametrize(
    "fmt", ["{division}{date:%y%m%d}", "{division}{bogus}{seq}", "{seq}{check}{check}", "{seq"]
)
def test_bad_formats_are_refused(settings, db, fmt):
    settings.CASE_NUMBER_FORMAT = fmt
    with pytest.raises(DomainError) as exc, transaction.atomic():
        next_case_number("440100", DAY)
    assert exc.value.code == CaseError.NUMBER_FORMAT_INVALID
    assert not CaseNumberSequence.objects.exists()


def test_sequence_per_division_and_day(db):
    with transaction.atomic():
        a1 = next_case_number("440100", DAY)
        a2 = next_case_number("440100", DAY)
        b1 = next_case_number("440300", DAY)
        c1 = next_case_number("440100", date(2025, 10, 10))
    assert a1[12:19] == "0000001" and a2[12:19] == "0000002"
    assert b1[12:19] == "0000001" and c1[12:19] == "0000001"


def test_rolled_back_claim_leaves_no_gap(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        next_case_number("440100", DAY)
        raise RuntimeError("submission failed")
    with transaction.atomic():
        assert next_case_number("440100", DAY)[12:19] == "0000001"


@pytest.mark.django_db(transaction=True)
def test_claim_needs_a_transaction():
    with pytest.raises(RuntimeError):
        next_case_number("440100", DAY)


def test_division_must_be_six_digits(db):
    with pytest.raises(DomainError) as exc, transaction.atomic():
        next_case_number("44", DAY)
    assert exc.value.code == CaseError.NUMBER_FORMAT_INVALID


# --- concurrency -----------------------------------------------------------------------------
THREADS = 6
PER_THREAD = 5


def _claim(results: list[str]):
    def work(worker: int) -> None:
        for _ in range(PER_THREAD):
            with transaction.atomic():
                results.append(next_case_number("440100", DAY))

    return work


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_give_consecutive_numbers(tmp_path):
    with thread_database(tmp_path) as database:
        results: list[str] = []
        errors = database.run(_claim(results), threads=THREADS)
        assert errors == []
        total = THREADS * PER_THREAD
        assert len(results) == len(set(results)) == total
        assert sorted(int(number[12:19]) for number in results) == list(range(1, total + 1))
        assert all(is_valid_check(number) for number in results)
        assert CaseNumberSequence.objects.get(division_code="440100", day=DAY).last_value == total


def _submit(batches: list[list[int]], results: list[str]):
    from tongban.cases.models import Case
    from tongban.cases.services.lifecycle import submit_case

    def work(worker: int) -> None:
        for pk in batches[worker]:
            case = Case.objects.select_related("applicant").get(pk=pk)
            results.append(submit_case(case, actor=case.applicant).number)

    return work


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_consecutive_numbers(tmp_path):
    from django.utils import timezone

    from tongban.cases.models import Case
    from tongban.testing.factories import OrgUnitFactory, UserFactory
    from tongban.testing.factories_cases import CaseFactory, make_implementation

    with thread_database(tmp_path) as database:
        city = OrgUnitFactory(code="440100", kind="city", division_code="440100")
        dept = OrgUnitFactory(
            code="440100-市场监督管理局",
            name="市场监督管理局",
            kind="department",
            division_code="440100",
            parent=city,
        )
        implementation = make_implementation(dept)
        batches = []
        for n in range(THREADS):
            applicant = UserFactory(name=f"申请人{n}", mobile="")
            batches.append(
                [
                    CaseFactory(implementation=implementation, applicant=applicant).pk
                    for _ in range(PER_THREAD)
                ]
            )
        results: list[str] = []
        errors = database.run(_submit(batches, results), threads=THREADS)
        assert errors == []
        total = THREADS * PER_THREAD
        today = timezone.localdate().strftime("%y%m%d")
        assert len(set(results)) == total
        assert all(number[6:12] == today for number in results)
        assert sorted(int(number[12:19]) for number in results) == list(range(1, total + 1))
        numbers = set(Case.objects.values_list("number", flat=True))
        assert numbers == set(results)
