"""Time limits in working days from acceptance: National Day 2025 (10-01..10-08 off, Sunday
09-28 and Saturday 10-11 working), pauses for correction, suspension and payment, the
deadline light."""

from contextlib import contextmanager
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from tongban.cases.models import Case
from tongban.cases.services import lifecycle
from tongban.cases.services.clock import deadline_light, remaining_working_days
from tongban.core.calendar import is_working_day
from tongban.testing.factories_cases import CaseFactory, make_implementation

SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def at(day: date, hour: int = 10):
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def implementation(gz_market_dept):
    return make_implementation(gz_market_dept, legal_days=20, promised_days=5)


def _accept(implementation, citizen, clerk, day):
    with at(day):
        case = CaseFactory(implementation=implementation, applicant=citizen)
        case = lifecycle.submit_case(case, actor=citizen)
        return lifecycle.accept_case(case, actor=clerk)


def test_calendar_data_as_expected(db):
    assert not is_working_day(date(2025, 10, 1)) and not is_working_day(date(2025, 10, 8))
    assert is_working_day(date(2025, 9, 28))  # Sunday, adjusted working day
    assert is_working_day(date(2025, 10, 11))  # Saturday, adjusted working day


def test_deadlines_across_national_day(db, implementation, citizen, clerk):
    case = _accept(implementation, citizen, clerk, date(2025, 9, 26))  # Friday
    # 09-28 (Sun, working), 09-29, 09-30, [10-01..10-08 off], 10-09, 10-10
    assert case.promised_deadline == date(2025, 10, 10)
    # … 10-11 (Sat, working), 10-13..17, 10-20..24, 10-27..30
    assert case.legal_deadline == date(2025, 10, 30)
    assert case.promised_days == 5 and case.legal_days == 20


def test_correction_pause_pushes_the_deadlines(db, implementation, citizen, clerk):
    case = _accept(implementation, citizen, clerk, date(2025, 9, 26))
    with at(date(2025, 9, 29)):  # Monday
        lifecycle.request_correction(
            case, actor=clerk, items=[{"material": "营业执照", "problem": "已过期"}]
        )
    case.refresh_from_db()
    # frozen while paused: from 09-29 the deadline 10-10 is 3 working days away
    assert remaining_working_days(case, date(2025, 10, 9)) == 3
    with at(date(2025, 10, 9)):  # Thursday after the holiday
        case = lifecycle.submit_correction(case, actor=citizen)
    assert case.status == Case.Status.IN_REVIEW
    pause = case.pauses.get()
    assert pause.working_days == 2  # 09-30 and 10-09
    assert case.paused_working_days == 2
    assert case.promised_deadline == date(2025, 10, 13)  # 10-11 (Sat, working), 10-13
    assert case.legal_deadline == date(2025, 11, 3)  # 10-31, 11-03
    assert remaining_working_days(case, date(2025, 10, 9)) == 3


def test_suspension_and_payment_pauses_add_up(db, implementation, citizen, clerk, approver):
    case = _accept(implementation, citizen, clerk, date(2025, 9, 26))
    with at(date(2025, 9, 29)):
        lifecycle.suspend_case(case, actor=approver, reason="专家评审")
    with at(date(2025, 9, 30)):
        case = lifecycle.resume_case(case, actor=approver)
    assert case.paused_working_days == 1
    assert case.promised_deadline == date(2025, 10, 11)
    with at(date(2025, 10, 9)):
        lifecycle.enter_awaiting_payment(case, actor="payments")
    with at(date(2025, 10, 13)):
        case = lifecycle.payment_received(case, actor="payments")
    assert case.paused_working_days == 1 + 3  # 10-10, 10-11, 10-13
    # 9 working days after 09-26: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15
    assert case.promised_deadline == date(2025, 10, 15)


def test_pause_resumed_the_same_day_costs_nothing(db, implementation, citizen, clerk, approver):
    case = _accept(implementation, citizen, clerk, date(2025, 9, 26))
    with at(date(2025, 9, 29), 9):
        lifecycle.suspend_case(case, actor=approver, reason="检测")
    with at(date(2025, 9, 29), 16):
        case = lifecycle.resume_case(case, actor=approver)
    assert case.paused_working_days == 0
    assert case.promised_deadline == date(2025, 10, 10)


def test_pause_before_acceptance_does_not_move_anything(db, implementation, citizen, clerk):
    with at(date(2025, 9, 24)):
        case = lifecycle.submit_case(
            CaseFactory(implementation=implementation, applicant=citizen), actor=citizen
        )
        lifecycle.request_correction(case, actor=clerk, items=[{"material": "a", "problem": "b"}])
    with at(date(2025, 9, 25)):
        lifecycle.submit_correction(case, actor=citizen)
    case = _accept_existing(case, clerk, date(2025, 9, 26))
    assert case.paused_working_days == 0
    assert case.promised_deadline == date(2025, 10, 10)


def _accept_existing(case, clerk, day):
    with at(day):
        return lifecycle.accept_case(Case.objects.get(pk=case.pk), actor=clerk)


@pytest.mark.parametrize(
    ("today", "remaining", "light"),
    [
        (date(2025, 9, 26), 5, "green"),
        (date(2025, 9, 29), 3, "green"),  # 2 of 5 used
        (date(2025, 9, 30), 2, "green"),  # 3 of 5 used (60 %)
        (date(2025, 10, 5), 2, "green"),  # holiday: nothing used
        (date(2025, 10, 9), 1, "yellow"),  # 4 of 5 used (80 %)
        (date(2025, 10, 10), 0, "yellow"),  # deadline day, not overdue yet
        (date(2025, 10, 11), -1, "red"),  # adjusted working Saturday: overdue
        (date(2025, 10, 12), -1, "red"),
    ],
)
def test_light(db, implementation, citizen, clerk, today, remaining, light):
    case = _accept(implementation, citizen, clerk, date(2025, 9, 26))
    assert remaining_working_days(case, today) == remaining
    assert deadline_light(case, today) == light


def test_no_light_before_acceptance_or_after_conclusion(
    db, implementation, citizen, clerk, approver
):
    with at(date(2025, 9, 26)):
        case = lifecycle.submit_case(
            CaseFactory(implementation=implementation, applicant=citizen), actor=citizen
        )
    assert deadline_light(case) is None and remaining_working_days(case) is None
    case = _accept_existing(case, clerk, date(2025, 9, 26))
    with at(date(2025, 9, 29)):
        lifecycle.decide_task(case.tasks.get(), actor=approver, approve=True, opinion="同意")
    case.refresh_from_db()
    # decided on 09-29: the clock stops at the decision
    assert remaining_working_days(case, date(2025, 10, 20)) == 3
    with at(date(2025, 9, 30)):
        case = lifecycle.conclude_case(case, actor=approver)
    assert deadline_light(case, date(2025, 10, 20)) is None


def test_immediate_item_deadline_is_the_acceptance_day(db, gz_market_dept, citizen, clerk):
    implementation = make_implementation(
        gz_market_dept, handling_type="即办件", legal_days=1, promised_days=1
    )
    case = _accept(implementation, citizen, clerk, date(2025, 9, 30))
    assert case.legal_deadline == case.promised_deadline == date(2025, 9, 30)
    assert deadline_light(case, date(2025, 9, 30)) == "green"
    assert deadline_light(case, date(2025, 10, 9)) == "red"
