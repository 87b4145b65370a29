"""Background tasks of the service desk (django-tasks), listed in ``settings.PERIODIC_TASKS``.

Halls and appointments:

* ``send_appointment_reminders`` (hourly): SMS the day before the visit, once per booking.
* ``mark_missed_appointments`` (every 10 minutes): bookings never checked in become 爽约 after
  their slot and the grace period; repeated misses block booking.
* ``generate_hall_slots`` (hourly): dated slots from the halls' templates for the booking
  horizon (idempotent).
"""

from django_tasks import task

from tongban.servicedesk.services import booking, halls


@task()
def send_appointment_reminders() -> dict:
    return {"reminded": booking.send_reminders()}


@task()
def mark_missed_appointments() -> dict:
    return {"missed": booking.mark_missed()}


@task()
def generate_hall_slots() -> dict:
    return {"created": halls.ensure_all_slots()}
