"""The demo halls seed: two halls with windows and slots, idempotent."""

import pytest

from tongban.core.orgunits import seed_org_units
from tongban.servicedesk import demo_halls
from tongban.servicedesk.models import Hall, Slot, SlotTemplate, Window

pytestmark = pytest.mark.django_db


class Report:
    def __init__(self):
        self.lines = []

    def add(self, line):
        self.lines.append(line)


def test_demo_halls_are_seeded_once():
    seed_org_units()
    first = Report()
    demo_halls.seed(first)

    assert set(Hall.objects.values_list("code", flat=True)) == {"gz-center", "th-center"}
    assert Window.objects.filter(hall__code="th-center").count() == 3
    assert SlotTemplate.objects.filter(hall__code="th-center").count() == 30
    assert Slot.objects.filter(hall__code="th-center").exists()
    assert any("kiosk" in line for line in first.lines)

    counts = (Hall.objects.count(), Window.objects.count(), Slot.objects.count())
    again = Report()
    demo_halls.seed(again)
    assert (Hall.objects.count(), Window.objects.count(), Slot.objects.count()) == counts
    assert again.lines == []
