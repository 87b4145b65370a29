"""The sharing metrics hook with known records: information sharing rate (provided ÷
catalogued), request turnaround in working days (provider and arbitration decisions only),
overdue requests (open past due, decided late), the period filter and the console page."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from tongban.sharing import selectors_metrics
from tongban.sharing.models import ShareRequest
from tongban.sharing.tests.exchange_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.opendata_support import _media_in_tmp, make_resource  # noqa: F401
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def at(day: str, hour=10):
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(hour)))


@pytest.fixture
def market_records(pharmacies, gz_market_dept, mca_system, gz_mca):
    """市场监管局: catalogued = pharmacies (data), an empty dataset, a 不予共享 resource and a
    provider interface; a draft is not catalogued. Requests with known dates."""
    make_resource(gz_market_dept, code="440100-YD-EMPTY")  # published, no version
    make_resource(gz_market_dept, code="440100-YD-NONE", share_type="none")
    make_resource(gz_market_dept, code="440100-YD-DRAFT", status="draft")
    make_resource(
        gz_market_dept, code="440100-YD-API", backing="http_api", api_url="https://93.184.216.34/a"
    )
    system, _ = mca_system
    common = {
        "resource": pharmacies,
        "consumer_unit": gz_mca,
        "consumer_system": system,
        "legal_duty": "医保定点核查",
        "purpose": "核查",
        "period_from": date(2026, 1, 1),
        "period_to": date(2026, 12, 31),
    }
    rows = [
        # number, status, decided_by_kind, created, decided, due_on
        ("R1", "granted", "provider", "2026-11-02", "2026-11-05", date(2026, 11, 16)),
        ("R2", "refused", "arbitration", "2026-11-09", "2026-11-23", date(2026, 11, 20)),
        ("R3", "submitted", "", "2026-11-01", None, date(2026, 11, 13)),
        ("R4", "escalated", "", "2026-10-20", None, date(2026, 11, 3)),
        ("R5", "granted", "platform", "2026-11-02", "2026-11-02", None),
        ("R6", "submitted", "", "2026-11-20", None, date(2026, 12, 4)),
    ]
    for number, status, kind, created, decided, due_on in rows:
        ShareRequest.objects.create(
            number=number,
            status=status,
            decided_by_kind=kind,
            created_at=at(created),
            decided_at=at(decided, 16) if decided else None,
            due_on=due_on,
            **common,
        )
    return gz_market_dept


def test_department_metrics_from_known_records(market_records):
    m = selectors_metrics.department_metrics(market_records, today=date(2026, 11, 23))
    assert (m.catalogued, m.provided) == (4, 2)
    assert m.sharing_rate == 0.5
    # R1: Mon→Thu = 3 working days; R2: Mon 9th → Mon 23rd = 10; R5 (platform) left out
    assert m.decided == 2
    assert m.turnaround_average == 6.5 and m.turnaround_median == 6.5 and m.turnaround_max == 10
    # R3 past due and R4 escalated are open overdue; R6 is not yet due; R2 was decided late
    assert m.open_overdue == 2 and m.decided_late == 1
    only_late = selectors_metrics.department_metrics(
        market_records, today=date(2026, 11, 23), since=date(2026, 11, 10)
    )
    assert only_late.decided == 1 and only_late.turnaround_max == 10


def test_department_without_records(gz_mca):
    m = selectors_metrics.department_metrics(gz_mca)
    assert m.catalogued == 0 and m.sharing_rate is None and m.turnaround_average is None
    assert m.as_dict()["unit"] == gz_mca.code


def test_all_departments_and_console_page(client, market_records, operator, mca_admin):
    codes = [m.unit.code for m in selectors_metrics.all_department_metrics()]
    assert market_records.code in codes
    client.force_login(operator)
    page = client.get("/console/sharing/metrics/?since=2026-11-01&until=bad")
    assert page.status_code == 200
    assert market_records.full_name in page.content.decode() and "50%" in page.content.decode()
    client.force_login(mca_admin)  # a department admin does not see every department
    assert client.get("/console/sharing/metrics/").status_code in (302, 403)


def test_metrics_api(client, market_records, operator, mca_admin):
    client.force_login(operator)
    rows = client.get("/api/v1/sharing/metrics?since=2026-11-01").json()
    mine = next(r for r in rows if r["unit"] == market_records.code)
    assert mine["sharing_rate"] == 0.5 and mine["decided"] == 2 and mine["decided_late"] == 1
    assert client.get("/api/v1/sharing/metrics?since=bad").status_code == 422
    client.force_login(mca_admin)
    response = client.get("/api/v1/sharing/metrics")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
