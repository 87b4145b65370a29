"""Working days (工作日): statutory holidays and adjusted working weekends (调休).

Rule: a day is a working day when an entry says so (``workday``: a 调休 Saturday/Sunday), is
not one when an entry says ``holiday``; otherwise Monday–Friday work and weekends rest.

Entries come from the data file ``tongban/core/data/calendar.yaml`` (State Council
arrangements, 2024–2027; 2027 provisional) and from the ``CalendarDay`` table, whose rows
override the file. ``load_calendar_data()`` copies the file into the table for the console;
operators' edits (``set_calendar_day``/``reset_calendar_day``) are never overwritten by a
later load.

Conventions (the ones 行政许可法 time limits need):

- ``add_working_days(start, n)``: the n-th working day *after* ``start``; ``start`` itself
  is never counted, whether or not it is a working day. ``n = 0`` returns ``start``
  unchanged; a negative ``n`` counts backwards (the n-th working day before ``start``).
- ``working_days_between(start, end)``: working days in the half-open interval
  ``(start, end]`` — start excluded, end included — so that
  ``working_days_between(s, add_working_days(s, n)) == n``. Negative when ``end < start``.

The effective calendar is cached per process; an edit invalidates the editing process's
cache at once (and on commit), other processes pick it up within
``settings.CALENDAR_CACHE_SECONDS`` (default 60 s).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tongban.core import audit
from tongban.core.exceptions import DomainError
from tongban.core.models import CalendarDay

DATA_FILE = Path(__file__).resolve().parent / "data" / "calendar.yaml"
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)
Kind = CalendarDay.Kind
Source = CalendarDay.Source


class Errors:
    """Stable error codes of the calendar services."""

    INVALID_KIND = "invalid_kind"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    NAME_TOO_LONG = "name_too_long"
    NOT_OVERRIDDEN = "not_overridden"


@dataclass(frozen=True)
class Entry:
    date: date
    kind: str
    name: str
    source: str


# --- the data file -------------------------------------------------------------------------
@dataclass(frozen=True)
class YearInfo:
    year: int
    status: str  # official | provisional
    source: str


@lru_cache(maxsize=4)
def _read_data_file(path: str) -> tuple[dict[date, Entry], dict[int, YearInfo]]:
    with open(path, encoding="utf-8") as fh:
        document = yaml.safe_load(fh) or {}
    entries: dict[date, Entry] = {}
    years: dict[int, YearInfo] = {}
    for block in document.get("years", []):
        year = int(block["year"])
        years[year] = YearInfo(year, block.get("status", "official"), block.get("source", ""))
        for holiday in block.get("holidays") or []:
            day, last = holiday["from"], holiday.get("to", holiday["from"])
            while day <= last:
                entries[day] = Entry(day, Kind.HOLIDAY, holiday["name"], Source.DATA)
                day += timedelta(days=1)
        for workday in block.get("workdays") or []:
            entries[workday["date"]] = Entry(
                workday["date"], Kind.WORKDAY, workday["name"], Source.DATA
            )
    return entries, years


def data_file_entries(path: Path | None = None) -> dict[date, Entry]:
    return dict(_read_data_file(str(path or DATA_FILE))[0])


def data_file_years(path: Path | None = None) -> dict[int, YearInfo]:
    """The years the data file covers, with their status (official/provisional)."""
    return dict(_read_data_file(str(path or DATA_FILE))[1])


# --- the effective calendar (cached) ---------------------------------------------------------
_cache_lock = threading.Lock()
_cache: dict = {"loaded_at": None, "days": None}


def invalidate_cache() -> None:
    with _cache_lock:
        _cache["loaded_at"] = None
        _cache["days"] = None


def _effective_days() -> dict[date, bool]:
    """date → is it a working day, for every date with an entry."""
    ttl = getattr(settings, "CALENDAR_CACHE_SECONDS", 60)
    with _cache_lock:
        loaded_at, days = _cache["loaded_at"], _cache["days"]
        if days is not None and time.monotonic() - loaded_at < ttl:
            return days
    days = {d: e.kind == Kind.WORKDAY for d, e in data_file_entries().items()}
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        if kind == Kind.REGULAR:
            days.pop(day, None)
        else:
            days[day] = kind == Kind.WORKDAY
    with _cache_lock:
        _cache["loaded_at"], _cache["days"] = time.monotonic(), days
    return days


def is_working_day(day: date) -> bool:
    override = _effective_days().get(day)
    if override is not None:
        return override
    return day.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` not counted; n=0 → ``start``)."""
    days = _effective_days()
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    while remaining:
        day += timedelta(days=step)
        working = days.get(day)
        if working if working is not None else day.weekday() < 5:
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in ``(start, end]``; ``-working_days_between(end, start)`` if end < start."""
    if end < start:
        return -working_days_between(end, start)
    days = _effective_days()
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        working = days.get(day)
        if working if working is not None else day.weekday() < 5:
            count += 1
    return count


def entries_for_year(year: int) -> list[Entry]:
    """The year's entries as they apply now (data file merged with the table), by date."""
    merged = {d: e for d, e in data_file_entries().items() if d.year == year}
    rows = CalendarDay.objects.filter(date__year=year)
    for row in rows:
        merged[row.date] = Entry(row.date, row.kind, row.name, row.source)
    return [merged[d] for d in sorted(merged)]


# --- services ------------------------------------------------------------------------------
def _after_change() -> None:
    invalidate_cache()
    transaction.on_commit(invalidate_cache)


def load_calendar_data(*, actor=None, path: Path | None = None) -> dict[str, int]:
    """Copy the data file into ``CalendarDay`` (idempotent). Rows edited by operators are
    kept. Returns ``{"created", "updated", "unchanged", "kept"}`` counts."""
    if getattr(actor, "pk", None):
        _check_operator(actor)
    entries = data_file_entries(path)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.filter(date__in=list(entries))}
        new_rows = []
        for day, entry in sorted(entries.items()):
            row = existing.get(day)
            if row is None:
                new_rows.append(
                    CalendarDay(date=day, kind=entry.kind, name=entry.name, source=Source.DATA)
                )
                counts["created"] += 1
            elif row.source == Source.OPERATOR:
                counts["kept"] += 1
            elif (row.kind, row.name) != (entry.kind, entry.name):
                row.kind, row.name = entry.kind, entry.name
                row.save(update_fields=["kind", "name", "updated_at"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        CalendarDay.objects.bulk_create(new_rows)
        if counts["created"] or counts["updated"]:
            audit.record(
                "core.calendar_data_loaded",
                actor=actor,
                target_type="core.calendarday",
                target_label=str(path or DATA_FILE.name),
                data={"new": counts},
            )
        _after_change()
    return counts


def _check_operator(actor) -> None:
    from tongban.core import permissions

    permissions.check_perm(actor, permissions.CORE_MANAGE_CALENDAR)


def _validate(day, kind: str, name: str) -> None:
    if not isinstance(day, date) or not (MIN_DATE <= day <= MAX_DATE):
        raise DomainError(Errors.DATE_OUT_OF_RANGE, _("日期须在 2000 年至 2099 年之间。"), "date")
    if kind not in Kind.values:
        raise DomainError(Errors.INVALID_KIND, _("类型须为放假、调休上班或按常规。"), "kind")
    if len(name or "") > 50:
        raise DomainError(Errors.NAME_TOO_LONG, _("名称不能超过 50 个字。"), "name")


def set_calendar_day(*, actor, day: date, kind: str, name: str = "") -> CalendarDay:
    """Operator edit: make ``day`` a holiday, a 调休 working day, or ordinary again
    (``regular``, which cancels a data-file entry). Overrides the data file for good."""
    _check_operator(actor)
    name = (name or "").strip()
    _validate(day, kind, name)
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        old = {"kind": row.kind, "name": row.name, "source": row.source} if row else None
        if row is None:
            row = CalendarDay(date=day)
        row.kind, row.name, row.source, row.updated_by = kind, name, Source.OPERATOR, actor
        row.save()
        audit.record(
            "core.calendar_day_changed",
            actor=actor,
            target=row,
            target_id=day.isoformat(),
            target_label=f"{day.isoformat()} {name}".strip(),
            data={"old": old, "new": {"kind": kind, "name": name}},
        )
        _after_change()
    return row


def reset_calendar_day(*, actor, day: date) -> CalendarDay | None:
    """Undo an operator edit: the day follows the data file again (or the ordinary rule)."""
    _check_operator(actor)
    with transaction.atomic():
        row = (
            CalendarDay.objects.select_for_update().filter(date=day, source=Source.OPERATOR).first()
        )
        if row is None:
            raise DomainError(Errors.NOT_OVERRIDDEN, _("该日期没有运营人员的修改。"), "date")
        old = {"kind": row.kind, "name": row.name, "source": row.source}
        entry = data_file_entries().get(day)
        if entry is None:
            row.delete()
            new, result = None, None
        else:
            row.kind, row.name, row.source, row.updated_by = (
                entry.kind,
                entry.name,
                Source.DATA,
                actor,
            )
            row.save()
            new, result = {"kind": entry.kind, "name": entry.name, "source": Source.DATA}, row
        audit.record(
            "core.calendar_day_reset",
            actor=actor,
            target_type="core.calendarday",
            target_id=day.isoformat(),
            target_label=day.isoformat(),
            data={"old": old, "new": new},
        )
        _after_change()
    return result
