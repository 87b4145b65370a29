"""Booking a hall visit (预约), cancelling, reminders, missed bookings and 防恶性预约.

No slot is ever overbooked: a booking takes its place with one conditional UPDATE
(``booked_count < capacity``), which PostgreSQL re-checks on the row it locks and SQLite
runs inside a ``BEGIN IMMEDIATE`` transaction; a CHECK constraint on ``Slot`` refuses the
impossible anyway. The person's own row is locked first, so their limits (open bookings,
bookings per day, one booking per item) hold under concurrent requests too.

Settings: ``SERVICEDESK_CANCEL_CUTOFF_HOURS``, ``SERVICEDESK_MAX_ACTIVE_BOOKINGS``,
``SERVICEDESK_MAX_BOOKINGS_PER_DAY``, ``SERVICEDESK_NO_SHOW_LIMIT`` /
``_WINDOW_DAYS`` / ``_BLOCK_DAYS``, ``SERVICEDESK_BOOKING_DAYS_AHEAD``,
``SERVICEDESK_CHECKIN_GRACE_MINUTES``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import ServiceItem
from tongban.core import audit
from tongban.core.crypto import sm3
from tongban.core.masking import mask_name
from tongban.servicedesk.errors import MESSAGES, HallError, error
from tongban.servicedesk.models import Appointment, BookingBlock, Slot
from tongban.servicedesk.selectors_halls import active_block, slot_serves_item

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
QR_PREFIX = "TBAPPT1"
SMS_PURPOSE = "appointment"
Status = Appointment.Status


# --- booking codes and QR payloads -----------------------------------------------------------
def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def _qr_signature(code: str) -> str:
    key = sm3.digest(b"tongban.servicedesk.booking-qr:" + settings.SECRET_KEY.encode())
    return sm3.hmac(key, code.encode()).hex()[:20]


def qr_payload(appointment: Appointment) -> str:
    """What the booking QR holds: ``TBAPPT1.<code>.<SM3-HMAC>``; a kiosk scanner types it."""
    return f"{QR_PREFIX}.{appointment.code}.{_qr_signature(appointment.code)}"


def code_from_qr(payload: str) -> str | None:
    """The booking code of a genuine QR payload, else None."""
    parts = (payload or "").strip().split(".")
    if len(parts) != 3 or parts[0] != QR_PREFIX or not looks_like_code(parts[1]):
        return None
    if not secrets.compare_digest(parts[2], _qr_signature(parts[1])):
        return None
    return parts[1]


# --- notifications ---------------------------------------------------------------------------
def _send_sms(mobile: str, text: str) -> None:
    """Inside the caller's transaction: ``send_sms`` writes the simulator's outbox row now
    and hands a real gateway the message after commit. An SMS failure never undoes the
    booking (savepoint, logged)."""
    if not mobile:
        return
    from tongban.identity.sms import send_sms

    try:
        with transaction.atomic():
            send_sms(mobile, text, purpose=SMS_PURPOSE)
    except Exception:  # noqa: BLE001 - an SMS outage never undoes the booking
        logger.exception("appointment SMS failed")


def _visit_text(appointment: Appointment, template: str) -> str:
    slot = appointment.slot
    return _(template).format(
        name=mask_name(appointment.user.name) or _("您"),
        item=appointment.item.name,
        hall=appointment.hall.name,
        when=f"{slot.date:%Y-%m-%d} {slot.start_time:%H:%M}-{slot.end_time:%H:%M}",
        code=appointment.code,
    )


BOOKED_TEXT = "{name}，您已预约{when}到{hall}办理“{item}”，预约码 {code}。"
REMINDER_TEXT = "{name}，提醒您明天{when}到{hall}办理“{item}”，预约码 {code}，请按时签到取号。"


# --- booking ----------------------------------------------------------------------------------
def _message(code: HallError, **values) -> str:
    return str(MESSAGES[code]).format(**values)


def _check_person(actor) -> None:
    User = get_user_model()
    if getattr(actor, "kind", None) != User.Kind.NATURAL:
        raise error(HallError.NATURAL_PERSON_REQUIRED)
    if (actor.realname_level or 0) < User.Level.L2:
        raise error(HallError.REALNAME_REQUIRED)


def book_appointment(
    *, actor, slot_id, item: ServiceItem, case=None, now: datetime | None = None
) -> Appointment:
    """Book one place of slot ``slot_id`` for ``item``. Refusals (nothing changes): not a
    real-name person, slot unknown / not for the item / started / too far ahead / full,
    a second booking for the same item or slot, too many open bookings or bookings today,
    booking blocked after missed visits."""
    _check_person(actor)
    if not str(slot_id).isdigit():
        raise error(HallError.SLOT_NOT_FOUND, field="slot")
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # The person's row lock serialises their own concurrent bookings.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        slot = Slot.objects.select_related("hall", "window").filter(pk=slot_id).first()
        if slot is None or not slot.hall.is_active:
            raise error(HallError.SLOT_NOT_FOUND, field="slot")
        if item.is_withdrawn or not slot_serves_item(slot, item):
            raise error(HallError.SLOT_NOT_FOR_ITEM, field="slot")
        if slot.starts_at <= now:
            raise error(HallError.SLOT_PAST, field="slot")
        if slot.date > today + timedelta(days=settings.SERVICEDESK_BOOKING_DAYS_AHEAD):
            raise error(HallError.SLOT_TOO_FAR, field="slot")
        block = active_block(actor, now)
        if block is not None:
            until = timezone.localtime(block.ends_at).strftime("%Y-%m-%d %H:%M")
            raise error(
                HallError.BOOKING_BLOCKED,
                message=_message(HallError.BOOKING_BLOCKED, until=until),
            )
        open_bookings = Appointment.objects.filter(user=actor, status__in=Appointment.ACTIVE)
        if open_bookings.filter(Q(item=item) | Q(slot=slot)).exists():
            raise error(HallError.DOUBLE_BOOKING, field="slot")
        if open_bookings.count() >= settings.SERVICEDESK_MAX_ACTIVE_BOOKINGS:
            raise error(HallError.ACTIVE_LIMIT)
        day_start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
        made_today = Appointment.objects.filter(user=actor, created_at__gte=day_start).count()
        if made_today >= settings.SERVICEDESK_MAX_BOOKINGS_PER_DAY:
            raise error(HallError.DAILY_LIMIT)
        taken = Slot.objects.filter(pk=slot.pk, booked_count__lt=F("capacity")).update(
            booked_count=F("booked_count") + 1
        )
        if taken != 1:
            raise error(HallError.SLOT_FULL, field="slot")
        appointment = Appointment.objects.create(
            code=_unique_code(),
            user=actor,
            item=item,
            case=case,
            hall=slot.hall,
            slot=slot,
        )
        audit.record(
            "servicedesk.appointment_booked",
            actor=actor,
            target=appointment,
            org_unit=slot.hall.org_unit,
            data={
                "hall": slot.hall.code,
                "item": item.key,
                "slot": slot.pk,
                "date": slot.date,
                "start": slot.start_time.strftime("%H:%M"),
            },
        )
        _send_sms(actor.mobile or "", _visit_text(appointment, BOOKED_TEXT))
    return appointment


def _unique_code() -> str:
    while True:
        code = new_code()
        if not Appointment.objects.filter(code=code).exists():
            return code


def cancel_appointment(
    appointment: Appointment, *, actor, now: datetime | None = None
) -> Appointment:
    """The citizen cancels until the cut-off before the slot; the place is free again."""
    now = now or timezone.now()
    if appointment.user_id != getattr(actor, "pk", None):
        raise error(HallError.APPOINTMENT_NOT_FOUND)
    if not appointment.can_become(Status.CANCELLED):
        raise error(HallError.ILLEGAL_TRANSITION)
    hours = settings.SERVICEDESK_CANCEL_CUTOFF_HOURS
    if appointment.slot.starts_at - timedelta(hours=hours) < now:
        raise error(
            HallError.CANCEL_TOO_LATE, message=_message(HallError.CANCEL_TOO_LATE, hours=hours)
        )
    with transaction.atomic():
        claimed = Appointment.objects.filter(pk=appointment.pk, status=Status.BOOKED).update(
            status=Status.CANCELLED, cancelled_at=now
        )
        if claimed != 1:
            raise error(HallError.ILLEGAL_TRANSITION)
        Slot.objects.filter(pk=appointment.slot_id, booked_count__gt=0).update(
            booked_count=F("booked_count") - 1
        )
        audit.record(
            "servicedesk.appointment_cancelled",
            actor=actor,
            target=appointment,
            org_unit=appointment.hall.org_unit,
            data={"old": Status.BOOKED, "new": Status.CANCELLED},
        )
    appointment.refresh_from_db()
    return appointment


# --- reminders and missed bookings (periodic tasks) -------------------------------------------
def send_reminders(*, now: datetime | None = None) -> int:
    """SMS the day before: bookings of tomorrow not reminded yet (each claimed once)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    due = Appointment.objects.filter(
        status=Status.BOOKED, slot__date=tomorrow, reminded_at__isnull=True
    ).select_related("user", "item", "hall", "slot", "hall__org_unit")
    sent = 0
    for appointment in due:
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed != 1:
                continue
            audit.record(
                "servicedesk.appointment_reminded",
                actor=None,
                target=appointment,
                org_unit=appointment.hall.org_unit,
                data={"date": appointment.slot.date},
            )
            _send_sms(appointment.user.mobile or "", _visit_text(appointment, REMINDER_TEXT))
        sent += 1
    return sent


def mark_missed(*, now: datetime | None = None) -> int:
    """Bookings never checked in by the end of their slot (plus the grace period) become
    爽约 (no-show); a person reaching the limit is blocked."""
    now = now or timezone.now()
    cutoff = timezone.localtime(now) - timedelta(minutes=settings.SERVICEDESK_CHECKIN_GRACE_MINUTES)
    missed = Appointment.objects.filter(status=Status.BOOKED).filter(
        Q(slot__date__lt=cutoff.date())
        | Q(slot__date=cutoff.date(), slot__end_time__lte=cutoff.time())
    )
    count = 0
    for appointment in missed.select_related("hall__org_unit", "user"):
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment.pk, status=Status.BOOKED).update(
                status=Status.NO_SHOW, finished_at=now
            )
            if claimed != 1:
                continue
            audit.record(
                "servicedesk.appointment_missed",
                actor=None,
                target=appointment,
                org_unit=appointment.hall.org_unit,
                data={"old": Status.BOOKED, "new": Status.NO_SHOW},
            )
            block_if_too_many_missed(appointment.user, now=now)
        count += 1
    return count


def block_if_too_many_missed(user, *, now: datetime) -> BookingBlock | None:
    """Inside the caller's transaction: block ``user`` when the missed bookings within the
    window (counted after their last block began) reach the limit."""
    if active_block(user, now) is not None:
        return None
    since = now - timedelta(days=settings.SERVICEDESK_NO_SHOW_WINDOW_DAYS)
    last = BookingBlock.objects.filter(user=user).order_by("-starts_at").first()
    if last is not None and last.starts_at > since:
        since = last.starts_at
    missed = Appointment.objects.filter(
        user=user, status=Status.NO_SHOW, finished_at__gt=since
    ).count()
    if missed < settings.SERVICEDESK_NO_SHOW_LIMIT:
        return None
    block = BookingBlock.objects.create(
        user=user,
        starts_at=now,
        ends_at=now + timedelta(days=settings.SERVICEDESK_NO_SHOW_BLOCK_DAYS),
        no_show_count=missed,
    )
    audit.record(
        "servicedesk.booking_blocked",
        actor=None,
        target=block,
        target_label=str(block.pk),
        data={"missed": missed, "until": block.ends_at},
    )
    return block
