"""Service-desk models: halls (实体政务服务大厅), windows, slots, bookings and queue tickets.

A ``Hall`` belongs to a region org unit (city or county); the departments of that region
station staff at its ``Window`` rows, each serving some departments' items (catalogue
``department_name``) and optionally single items. ``SlotTemplate`` rows say, per weekday,
how many people a window (or the whole hall, ``window`` empty) can receive in a time range;
``Slot`` rows are the concrete dated slots generated from them on working days.

A citizen's ``Appointment`` takes one place of a slot: ``Slot.booked_count`` only grows by a
conditional UPDATE (``booked_count < capacity``), and a CHECK constraint refuses any row
with more bookings than places, so no slot is ever overbooked. At the hall the booking is
checked in at a kiosk and becomes a ``Ticket`` (queue number); walk-ins get tickets too.
Windows call tickets; the calling display shows the called numbers.

Lifecycles (explicit, see ``Appointment.TRANSITIONS`` / ``Ticket.TRANSITIONS``)::

    Appointment: booked → checked_in → served | no_show;  booked → cancelled | no_show
    Ticket:      waiting → called (recalled any number of times) → served | no_show
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedManager

__all__ = [
    "Appointment",
    "BookingBlock",
    "Hall",
    "QueueCounter",
    "Slot",
    "SlotTemplate",
    "Ticket",
    "Window",
]


class Hall(models.Model):
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属地区")
    )
    code = models.SlugField(_("大厅编码"), max_length=40, unique=True)
    name = models.CharField(_("大厅名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    # Secret part of the kiosk page's address: only the hall's own kiosks know it.
    kiosk_key = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    restrict_field = "org_unit"

    class Meta:
        ordering = ["org_unit__code", "name"]
        verbose_name = _("政务服务大厅")
        verbose_name_plural = _("政务服务大厅")

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="windows")
    number = models.CharField(_("窗口号"), max_length=8)
    name = models.CharField(_("窗口名称"), max_length=60)
    # Catalogue department names (``ServiceItem.department_name``) this window serves.
    departments = models.JSONField(_("服务部门"), default=list, blank=True)
    items = models.ManyToManyField(
        "catalog.ServiceItem", blank=True, related_name="+", verbose_name=_("专办事项")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="sd_window_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}号窗口 {self.name}"

    @property
    def label(self) -> str:
        return f"{self.number}号窗口"


class SlotTemplate(models.Model):
    """Per weekday (0 = Monday): a time range and the places in it, for one window or (no
    window) the hall as a whole."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="slot_templates")
    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, null=True, blank=True, related_name="slot_templates"
    )
    weekday = models.PositiveSmallIntegerField(_("星期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["hall", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="sd_slot_template_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="sd_slot_template_range_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall} {self.weekday} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class Slot(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="slots")
    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, null=True, blank=True, related_name="slots"
    )
    template = models.ForeignKey(
        SlotTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots"
    )
    date = models.DateField(_("日期"), db_index=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    booked_count = models.PositiveSmallIntegerField(_("已预约"), default=0)

    objects = RestrictedManager()
    restrict_field = "hall__org_unit"

    class Meta:
        ordering = ["date", "start_time", "window__number"]
        constraints = [
            # The database itself refuses an overbooked slot (the services never try).
            models.CheckConstraint(
                condition=Q(booked_count__lte=F("capacity")), name="sd_slot_never_overbooked"
            ),
            models.UniqueConstraint(
                fields=["hall", "window", "date", "start_time"],
                condition=Q(window__isnull=False),
                name="sd_slot_window_unique",
            ),
            models.UniqueConstraint(
                fields=["hall", "date", "start_time"],
                condition=Q(window__isnull=True),
                name="sd_slot_hall_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.end_time))

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked_count, 0)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到")
        SERVED = "served", _("已办理")
        NO_SHOW = "no_show", _("爽约")
        CANCELLED = "cancelled", _("已取消")

    TRANSITIONS = {
        Status.BOOKED: {Status.CHECKED_IN, Status.CANCELLED, Status.NO_SHOW},
        Status.CHECKED_IN: {Status.SERVED, Status.NO_SHOW},
        Status.SERVED: set(),
        Status.NO_SHOW: set(),
        Status.CANCELLED: set(),
    }
    ACTIVE = (Status.BOOKED, Status.CHECKED_IN)

    code = models.CharField(_("预约码"), max_length=16, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()
    restrict_field = "hall__org_unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One active booking of a person per slot, whatever the race.
            models.UniqueConstraint(
                fields=["user", "slot"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="sd_appointment_one_per_slot",
            ),
        ]
        indexes = [models.Index(fields=["status", "slot"])]

    def __str__(self) -> str:
        return self.code

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class BookingBlock(models.Model):
    """防恶性预约: a person who missed too many bookings may not book until ``ends_at``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_blocks"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    no_show_count = models.PositiveSmallIntegerField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.user_id} until {self.ends_at:%Y-%m-%d}"


class QueueCounter(models.Model):
    """The last queue number given out per hall, day and prefix (claimed with a row lock)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    prefix = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hall", "date", "prefix"], name="sd_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.date} {self.prefix}{self.last}"


class Ticket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVED = "served", _("已办理")
        NO_SHOW = "no_show", _("过号")

    TRANSITIONS = {
        Status.WAITING: {Status.CALLED},
        Status.CALLED: {Status.SERVED, Status.NO_SHOW},
        Status.SERVED: set(),
        Status.NO_SHOW: set(),
    }
    BOOKING_PREFIX = "B"  # checked-in bookings
    WALK_IN_PREFIX = "A"  # walk-ins (现场取号)

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets")
    date = models.DateField()
    number = models.CharField(_("排队号"), max_length=8)
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department_name = models.CharField(_("业务类别"), max_length=64)
    # Shown masked on the display; empty for walk-ins.
    holder_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField()  # taken / checked in
    called_at = models.DateTimeField(null=True, blank=True)  # first call
    last_called_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()
    restrict_field = "hall__org_unit"

    class Meta:
        ordering = ["date", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "date", "number"], name="sd_ticket_unique")
        ]
        indexes = [models.Index(fields=["hall", "date", "status"])]

    def __str__(self) -> str:
        return self.number

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    @property
    def is_booking(self) -> bool:
        return self.appointment_id is not None

    @property
    def wait_seconds(self) -> int | None:
        if self.called_at is None:
            return None
        return max(int((self.called_at - self.created_at).total_seconds()), 0)
