"""No slot is ever overbooked under concurrent bookings (SQLite and PostgreSQL).

Many people book the same few slots at the same moment, each in their own thread and
database connection (``tongban.testing.concurrency``; with ``DATABASE_URL`` pointing at
PostgreSQL the threads really run in parallel). Every slot ends with exactly its capacity
booked, every other attempt is refused with ``slot_full``, and one person booking twice at
once still gets one booking.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.servicedesk.models import Appointment, Slot, Window
from tongban.servicedesk.services import booking
from tongban.servicedesk.tests.halls_support import make_hall, make_slot
from tongban.testing.concurrency import thread_database
from tongban.testing.factories import OrgUnitFactory, UserFactory
from tongban.testing.factories_catalog import make_published_item

THREADS = 24
SLOTS = 3
CAPACITY = 4


def _set_up(people: int):
    unit = OrgUnitFactory(code="440100", name="广州市", division_code="440100")
    hall = make_hall(unit)
    Window.objects.create(hall=hall, number="01", name="综合窗口")
    item = make_published_item(department_name="市场监督管理局")
    day = timezone.localdate() + timedelta(days=2)
    slots = [
        make_slot(hall, day=day, start=time(9 + n, 0), capacity=CAPACITY) for n in range(SLOTS)
    ]
    users = [
        UserFactory(username=f"p{n}", realname_level=2, mobile=f"1380000{n:04d}")
        for n in range(people)
    ]
    return item, slots, users


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_overbook_a_slot(tmp_path):
    with thread_database(tmp_path) as database:
        item, slots, users = _set_up(THREADS)
        outcomes: list[str] = []

        def work(worker: int) -> None:
            slot = slots[worker % SLOTS]
            try:
                booking.book_appointment(actor=users[worker], slot_id=slot.pk, item=item)
                outcomes.append("booked")
            except DomainError as exc:
                outcomes.append(exc.code)

        errors = database.run(work, threads=THREADS)

        assert errors == []
        assert sorted(set(outcomes)) == ["booked", "slot_full"]
        assert outcomes.count("booked") == SLOTS * CAPACITY
        for slot in Slot.objects.all():
            active = Appointment.objects.filter(slot=slot, status="booked").count()
            assert slot.booked_count == active == CAPACITY
        assert AuditEvent.objects.filter(event_type="servicedesk.appointment_booked").count() == (
            SLOTS * CAPACITY
        )


@pytest.mark.django_db(transaction=True)
def test_one_person_booking_twice_at_once_gets_one_booking(tmp_path):
    with thread_database(tmp_path) as database:
        item, slots, users = _set_up(1)
        person = users[0]
        outcomes: list[str] = []

        def work(worker: int) -> None:
            try:
                booking.book_appointment(actor=person, slot_id=slots[worker % SLOTS].pk, item=item)
                outcomes.append("booked")
            except DomainError as exc:
                outcomes.append(exc.code)

        errors = database.run(work, threads=6)

        assert errors == []
        assert outcomes.count("booked") == 1
        assert set(outcomes) == {"booked", "double_booking"}
        assert Appointment.objects.filter(user=person).count() == 1
        assert sum(Slot.objects.values_list("booked_count", flat=True)) == 1
