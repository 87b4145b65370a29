"""Time limits (办理时限) in working days, from acceptance, excluding paused periods.

Rules (行政许可法 and the item's promised limit):

* Deadlines count working days (``tongban.core.calendar``: weekends and statutory holidays
  excluded, adjusted working weekends included) from the acceptance day, which is not
  counted: ``legal_deadline = add_working_days(accepted_on, legal_days + paused)``, the same
  for ``promised_deadline``.
* 即办件 (handling type "即办件"): both deadlines are the acceptance day itself.
* Paused periods (``ClockPause``: correction during review, suspension for special
  procedures, awaiting payment) do not count. A pause started on day S and ended on day E
  stops the clock for ``working_days_between(S, E)`` working days — the day it starts still
  counts as used, the day it ends does not — and the deadlines move out by that much.
* ``remaining_working_days``: working days from today to the promised deadline (0 on the
  deadline day, negative once overdue); while the clock is paused, it is frozen at the
  value of the pause's first day.
* ``deadline_light``: "red" when overdue, "yellow" once 80 % of the promised limit is used,
  "green" otherwise; ``None`` when no clock runs (not accepted yet, or finished).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from tongban.cases.models.case import Case, ClockPause
from tongban.core.calendar import add_working_days, working_days_between

IMMEDIATE = "即办件"
WARNING_RATIO = (4, 5)  # yellow from 80 % of the promised limit used
# Statuses with a deadline light: the clock runs, is paused, or stopped at the decision.
LIGHT_STATES = frozenset(
    {
        Case.Status.IN_REVIEW,
        Case.Status.SUSPENDED,
        Case.Status.AWAITING_PAYMENT,
        Case.Status.CORRECTION_REQUESTED,
        Case.Status.APPROVED,
        Case.Status.DENIED,
    }
)
# Statuses in which an open ``ClockPause`` freezes the clock at the pause's first day.
PAUSED_STATES = frozenset(
    {Case.Status.SUSPENDED, Case.Status.AWAITING_PAYMENT, Case.Status.CORRECTION_REQUESTED}
)
# Statuses in which the clock stands at the decision day.
DECIDED_STATES = frozenset({Case.Status.APPROVED, Case.Status.DENIED})


def _local_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def is_immediate(case: Case) -> bool:
    return case.item_version.handling_type == IMMEDIATE


def set_deadlines(case: Case) -> None:
    """(Re)compute both deadlines from the acceptance day, the snapshotted limits and the
    paused working days. Saves nothing."""
    if case.accepted_at is None:
        case.legal_deadline = case.promised_deadline = None
        return
    accepted_on = _local_date(case.accepted_at)
    if is_immediate(case):
        case.legal_deadline = case.promised_deadline = accepted_on
        return
    paused = case.paused_working_days or 0
    case.legal_deadline = add_working_days(accepted_on, (case.legal_days or 0) + paused)
    case.promised_deadline = add_working_days(accepted_on, (case.promised_days or 0) + paused)


def start_pause(case: Case, kind: str, *, reason: str = "", now=None) -> ClockPause:
    """Open a pause (the caller holds the case row lock inside its transaction)."""
    return ClockPause.objects.create(
        case=case, kind=kind, reason=reason, started_at=now or timezone.now()
    )


def open_pause(case: Case) -> ClockPause | None:
    return case.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()


def end_pause(case: Case, *, now=None) -> ClockPause | None:
    """Close the open pause, count its working days and push the deadlines. Saves the case's
    ``paused_working_days`` and deadlines."""
    pause = open_pause(case)
    if pause is None:
        return None
    now = now or timezone.now()
    pause.ended_at = now
    pause.working_days = max(
        0, working_days_between(_local_date(pause.started_at), _local_date(now))
    )
    pause.save(update_fields=["ended_at", "working_days"])
    if case.accepted_at is not None and not is_immediate(case):
        case.paused_working_days = (case.paused_working_days or 0) + pause.working_days
        set_deadlines(case)
        case.save(update_fields=["paused_working_days", "legal_deadline", "promised_deadline"])
    return pause


def clock_day(
    status: str,
    today: date,
    *,
    pause_started_at: datetime | None = None,
    decided_at: datetime | None = None,
) -> date:
    """The day the clock stands at: ``today``, or frozen at the first day of the open pause
    (``pause_started_at``, paused statuses) or at the decision day (approved/denied). Pure:
    callers that read rows in bulk pass the values they fetched."""
    if status in PAUSED_STATES and pause_started_at is not None:
        return min(today, _local_date(pause_started_at))
    if status in DECIDED_STATES and decided_at is not None:
        return min(today, _local_date(decided_at))
    return today


def remaining_for(
    status: str,
    promised_deadline: date | None,
    today: date,
    *,
    pause_started_at: datetime | None = None,
    decided_at: datetime | None = None,
) -> int | None:
    """Working days left until the promised deadline (negative when overdue), ``None`` when
    no clock runs. Pure (see :func:`clock_day`)."""
    if promised_deadline is None or status not in LIGHT_STATES:
        return None
    day = clock_day(status, today, pause_started_at=pause_started_at, decided_at=decided_at)
    return working_days_between(day, promised_deadline)


def _open_pause_start(case: Case, open_pauses) -> datetime | None:
    if case.status not in PAUSED_STATES:
        return None
    if open_pauses is None:
        pause = open_pause(case)
        return pause.started_at if pause is not None else None
    return max((pause.started_at for pause in open_pauses), default=None)


def remaining_working_days(
    case: Case, today: date | None = None, *, open_pauses=None
) -> int | None:
    """Working days left until the promised deadline (negative when overdue).

    ``open_pauses``: the case's open pauses when the caller prefetched them (no query);
    ``None`` reads the open pause when the case is paused."""
    return remaining_for(
        case.status,
        case.promised_deadline,
        today or timezone.localdate(),
        pause_started_at=_open_pause_start(case, open_pauses),
        decided_at=case.decided_at,
    )


def light_for(remaining: int | None, promised_days: int | None) -> str | None:
    if remaining is None:
        return None
    if remaining < 0:
        return "red"
    limit = promised_days or 0
    if limit and (limit - remaining) * WARNING_RATIO[1] >= limit * WARNING_RATIO[0]:
        return "yellow"
    return "green"


def deadline_light(case: Case, today: date | None = None, *, open_pauses=None) -> str | None:
    remaining = remaining_working_days(case, today, open_pauses=open_pauses)
    return light_for(remaining, case.promised_days)
