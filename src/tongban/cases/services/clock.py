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
_LIGHT_STATES = frozenset(
    {
        Case.Status.IN_REVIEW,
        Case.Status.SUSPENDED,
        Case.Status.AWAITING_PAYMENT,
        Case.Status.CORRECTION_REQUESTED,
        Case.Status.APPROVED,
        Case.Status.DENIED,
    }
)


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


def _clock_today(case: Case, today: date | None) -> date:
    today = today or timezone.localdate()
    if case.status in (
        Case.Status.SUSPENDED,
        Case.Status.AWAITING_PAYMENT,
        Case.Status.CORRECTION_REQUESTED,
    ):
        pause = open_pause(case)
        if pause is not None:
            return min(today, _local_date(pause.started_at))
    if case.status in (Case.Status.APPROVED, Case.Status.DENIED) and case.decided_at:
        return min(today, _local_date(case.decided_at))
    return today


def remaining_working_days(case: Case, today: date | None = None) -> int | None:
    """Working days left until the promised deadline (negative when overdue)."""
    if case.promised_deadline is None or case.status not in _LIGHT_STATES:
        return None
    return working_days_between(_clock_today(case, today), case.promised_deadline)


def light_for(remaining: int | None, promised_days: int | None) -> str | None:
    if remaining is None:
        return None
    if remaining < 0:
        return "red"
    limit = promised_days or 0
    if limit and (limit - remaining) * WARNING_RATIO[1] >= limit * WARNING_RATIO[0]:
        return "yellow"
    return "green"


def deadline_light(case: Case, today: date | None = None) -> str | None:
    return light_for(remaining_working_days(case, today), case.promised_days)
