"""Working-day calendar: data, conventions, operator edits, cache invalidation."""

from datetime import date, timedelta

import pytest

from tongban.core import calendar
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent, CalendarDay

D = date


@pytest.fixture(autouse=True)
def fresh_cache():
    calendar.invalidate_cache()
    yield
    calendar.invalidate_cache()


# --- data ----------------------------------------------------------------------------------
@pytest.mark.parametrize("year, expected", [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_official_year(db, year, expected):
    assert calendar.working_days_between(D(year - 1, 12, 31), D(year, 12, 31)) == expected


def test_2027_is_provisional_and_data_years_are_covered(db):
    years = calendar.data_file_years()
    assert sorted(years) == [2024, 2025, 2026, 2027]
    assert years[2027].status == "provisional"
    assert all(years[y].status == "official" for y in (2024, 2025, 2026))
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert not calendar.is_working_day(D(2027, 10, 1))


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2025, 1, 26), True),  # Sunday, 春节调休上班
        (D(2025, 1, 28), False),  # 除夕, holiday
        (D(2025, 2, 4), False),  # last day of 春节
        (D(2025, 2, 5), True),  # back to work
        (D(2025, 2, 8), True),  # Saturday, 调休上班
        (D(2025, 2, 9), False),  # ordinary Sunday
        (D(2024, 2, 9), True),  # 2024 除夕 was a working day
        (D(2024, 2, 18), True),  # Sunday, 调休上班
        (D(2025, 10, 8), False),  # National Day + Mid-Autumn 2025: 8 days
        (D(2025, 10, 11), True),  # Saturday, 调休上班
        (D(2026, 1, 4), True),  # Sunday after 元旦 2026
        (D(2026, 2, 23), False),  # 春节 2026 ends Monday
        (D(2026, 2, 28), True),  # Saturday, 调休上班
        (D(2026, 9, 20), True),  # Sunday before National Day 2026
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),
        (D(2026, 3, 3), True),  # ordinary Tuesday
        (D(2026, 3, 7), False),  # ordinary Saturday
    ],
)
def test_is_working_day(db, day, working):
    assert calendar.is_working_day(day) is working


# --- add_working_days -------------------------------------------------------------------------
def test_n_zero_returns_start_even_on_a_holiday(db):
    assert calendar.add_working_days(D(2025, 1, 29), 0) == D(2025, 1, 29)
    assert calendar.add_working_days(D(2025, 3, 3), 0) == D(2025, 3, 3)


def test_start_day_is_not_counted(db):
    assert calendar.add_working_days(D(2025, 3, 3), 1) == D(2025, 3, 4)  # Mon → Tue
    assert calendar.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Fri → Mon


def test_across_spring_festival_with_adjusted_saturday(db):
    # Friday 24 Jan 2025: Sun 26 (调休) is #1, Mon 27 #2, then 28 Jan–4 Feb off,
    # Wed 5 #3, Thu 6 #4, Fri 7 #5, Sat 8 (调休) #6, Mon 10 #7.
    start = D(2025, 1, 24)
    assert calendar.add_working_days(start, 1) == D(2025, 1, 26)
    assert calendar.add_working_days(start, 3) == D(2025, 2, 5)
    assert calendar.add_working_days(start, 6) == D(2025, 2, 8)
    assert calendar.add_working_days(start, 7) == D(2025, 2, 10)


def test_across_national_day_2025_and_2026(db):
    assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert calendar.add_working_days(D(2025, 9, 26), 2) == D(2025, 9, 29)  # Sun 28 counts
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add_working_days(D(2026, 10, 8), 2) == D(2026, 10, 10)  # Sat 10 counts


def test_across_the_year_boundary(db):
    # 2025-12-31 Wed → 2026-01-01..03 off, Sun 4 Jan is a 调休 working day.
    assert calendar.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert calendar.add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 5)
    assert calendar.working_days_between(D(2025, 12, 30), D(2026, 1, 5)) == 3


def test_negative_n_counts_backwards(db):
    assert calendar.add_working_days(D(2025, 2, 5), -1) == D(2025, 1, 27)
    assert calendar.add_working_days(D(2025, 2, 5), -2) == D(2025, 1, 26)


def test_20_working_day_licensing_deadline(db):
    # 行政许可法: 20 working days from acceptance on Tue 2026-02-10: 11–13 Feb (3),
    # Sat 14 调休 (4), 15–23 off, 24–27 Feb (8), Sat 28 调休 (9), 2–6 Mar (14),
    # 9–13 Mar (19), Mon 16 Mar (20).
    assert calendar.add_working_days(D(2026, 2, 10), 20) == D(2026, 3, 16)


# --- working_days_between ----------------------------------------------------------------------
def test_between_is_start_exclusive_end_inclusive(db):
    assert calendar.working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0
    assert calendar.working_days_between(D(2025, 3, 3), D(2025, 3, 4)) == 1
    assert calendar.working_days_between(D(2025, 3, 2), D(2025, 3, 3)) == 1
    assert calendar.working_days_between(D(2025, 3, 4), D(2025, 3, 3)) == -1
    assert calendar.working_days_between(D(2025, 1, 27), D(2025, 2, 4)) == 0


def test_between_inverts_add(db):
    start = D(2024, 12, 20)
    for n in range(0, 60):
        end = calendar.add_working_days(start, n)
        assert calendar.working_days_between(start, end) == n
        assert calendar.is_working_day(end) or n == 0


# --- loading and operator edits -------------------------------------------------------------------
def test_load_calendar_data_is_idempotent_and_audited(db):
    first = calendar.load_calendar_data()
    assert first["created"] == len(calendar.data_file_entries()) and first["updated"] == 0
    assert CalendarDay.objects.get(date=D(2025, 1, 26)).kind == "workday"
    assert AuditEvent.objects.filter(event_type="core.calendar_data_loaded").count() == 1
    second = calendar.load_calendar_data()
    assert second["created"] == 0 and second["unchanged"] == first["created"]
    assert AuditEvent.objects.filter(event_type="core.calendar_data_loaded").count() == 1


def test_operator_edit_overrides_data_and_survives_reload(db, operator):
    calendar.load_calendar_data()
    assert calendar.is_working_day(D(2026, 3, 3))
    calendar.set_calendar_day(actor=operator, day=D(2026, 3, 3), kind="holiday", name="台风停工")
    assert not calendar.is_working_day(D(2026, 3, 3))  # cache invalidated at once
    calendar.set_calendar_day(actor=operator, day=D(2026, 2, 28), kind="regular")
    assert not calendar.is_working_day(D(2026, 2, 28))  # a Saturday again
    counts = calendar.load_calendar_data()
    assert counts["kept"] == 1
    assert CalendarDay.objects.get(date=D(2026, 2, 28)).kind == "regular"
    event = AuditEvent.objects.filter(event_type="core.calendar_day_changed").first()
    assert event.actor_id == operator.pk
    assert event.data == {
        "old": {"kind": "workday", "name": "春节调休", "source": "data"},
        "new": {"kind": "regular", "name": ""},
    }


def test_reset_restores_the_data_file(db, operator):
    calendar.set_calendar_day(actor=operator, day=D(2026, 2, 28), kind="holiday", name="x")
    calendar.reset_calendar_day(actor=operator, day=D(2026, 2, 28))
    assert calendar.is_working_day(D(2026, 2, 28))
    row = CalendarDay.objects.get(date=D(2026, 2, 28))
    assert (row.kind, row.source) == ("workday", "data")
    calendar.set_calendar_day(actor=operator, day=D(2026, 3, 3), kind="holiday")
    assert calendar.reset_calendar_day(actor=operator, day=D(2026, 3, 3)) is None
    assert not CalendarDay.objects.filter(date=D(2026, 3, 3)).exists()
    assert calendar.is_working_day(D(2026, 3, 3))
    assert AuditEvent.objects.filter(event_type="core.calendar_day_reset").count() == 2


def test_reset_without_an_edit_is_refused(db, operator):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as excinfo:
        calendar.reset_calendar_day(actor=operator, day=D(2026, 3, 3))
    assert excinfo.value.code == calendar.Errors.NOT_OVERRIDDEN
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"day": D(2026, 3, 3), "kind": "vacation"}, "invalid_kind"),
        ({"day": D(1999, 12, 31), "kind": "holiday"}, "date_out_of_range"),
        ({"day": D(2026, 3, 3), "kind": "holiday", "name": "长" * 51}, "name_too_long"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(db, operator, kwargs, code):
    with pytest.raises(DomainError) as excinfo:
        calendar.set_calendar_day(actor=operator, **kwargs)
    assert excinfo.value.code == code
    assert CalendarDay.objects.count() == 0 and AuditEvent.objects.count() == 0
    assert calendar.is_working_day(D(2026, 3, 3))


@pytest.mark.parametrize("persona", ["clerk", "auditor", "citizen", "dept_admin"])
def test_only_operators_edit(request, db, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(DomainError) as excinfo:
        calendar.set_calendar_day(actor=user, day=D(2026, 3, 3), kind="holiday")
    assert excinfo.value.code == "permission_denied"
    assert CalendarDay.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_cache_is_reused_until_invalidated(db, django_assert_num_queries):
    calendar.is_working_day(D(2026, 3, 3))
    with django_assert_num_queries(0):
        for offset in range(30):
            calendar.is_working_day(D(2026, 1, 1) + timedelta(days=offset))
        calendar.add_working_days(D(2026, 1, 1), 40)
    CalendarDay.objects.create(date=D(2026, 3, 3), kind="holiday", name="x")
    assert calendar.is_working_day(D(2026, 3, 3))  # stale until invalidated (or TTL)
    calendar.invalidate_cache()
    assert not calendar.is_working_day(D(2026, 3, 3))
