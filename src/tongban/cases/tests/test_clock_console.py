"""Console page: deadline status per department (in time / warning / overdue)."""

from datetime import date
from unittest import mock

import pytest
from django.urls import reverse

from tongban.cases.selectors import deadline_status_by_unit
from tongban.cases.services import lifecycle
from tongban.cases.tests.test_clock import at
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory
from tongban.testing.factories_cases import CaseFactory, make_implementation


def _accepted(implementation, citizen, clerk, day):
    with at(day):
        case = lifecycle.submit_case(
            CaseFactory(implementation=implementation, applicant=citizen), actor=citizen
        )
        return lifecycle.accept_case(case, actor=clerk)


@pytest.fixture
def cases(gz_market_dept, sz_market_dept, citizen, clerk, other_city_clerk):
    gz = make_implementation(gz_market_dept, legal_days=20, promised_days=5)
    sz = make_implementation(sz_market_dept, legal_days=20, promised_days=5)
    return {
        "gz_overdue": _accepted(gz, citizen, clerk, date(2025, 9, 19)),
        "gz_warning": _accepted(gz, citizen, clerk, date(2025, 9, 26)),
        "gz_green": _accepted(gz, citizen, clerk, date(2025, 10, 9)),
        "sz_overdue": _accepted(sz, citizen, other_city_clerk, date(2025, 9, 19)),
    }


TODAY = date(2025, 10, 9)


def test_counts_per_unit(cases, operator, gz_market_dept, sz_market_dept):
    rows = deadline_status_by_unit(operator, TODAY)
    by_unit = {row["org_unit"]: row for row in rows}
    assert by_unit[gz_market_dept] | {"org_unit": None} == {
        "org_unit": None,
        "green": 1,
        "yellow": 1,
        "red": 1,
        "total": 3,
    }
    assert by_unit[sz_market_dept]["red"] == 1 and by_unit[sz_market_dept]["total"] == 1


def test_agrees_with_the_per_case_light(cases, operator, approver):
    # a suspended case is frozen: suspended on 09-29, its light does not move afterwards
    with at(date(2025, 9, 29)):
        lifecycle.suspend_case(cases["gz_warning"], actor=approver, reason="听证")
    rows = deadline_status_by_unit(operator, TODAY)
    gz = next(row for row in rows if row["org_unit"].code.startswith("440100"))
    case = cases["gz_warning"]
    case.refresh_from_db()
    assert lifecycle.deadline_light(case, TODAY) == "green"
    assert (gz["green"], gz["yellow"], gz["red"]) == (2, 0, 1)


def test_reach_follows_roles(cases, dept_admin, other_city_clerk, sz_market_dept):
    assert [row["org_unit"].code for row in deadline_status_by_unit(dept_admin, TODAY)] == [
        "440100-市场监督管理局"
    ]
    assert [row["org_unit"] for row in deadline_status_by_unit(other_city_clerk, TODAY)] == [
        sz_market_dept
    ]


def test_page(client, cases, operator):
    client.force_login(operator)
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        response = client.get(reverse("cases_console:deadline_status"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "广州市市场监督管理局" in text and "深圳市市场监督管理局" in text
    assert "超期" in text and "预警" in text


def test_page_outsiders(client, cases, outsider, citizen, clerk):
    url = reverse("cases_console:deadline_status")
    assert client.get(url).status_code == 302  # anonymous → login
    # a window clerk works cases in the workbench; the monitor is for admins and operators
    for user in (outsider, citizen, clerk, StaffFactory(username="no-role")):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_page_shows_only_own_units(client, cases, gz_market_dept):
    sz_admin = StaffFactory(username="sz-admin")
    RoleAssignmentFactory(
        user=sz_admin,
        org_unit=cases["sz_overdue"].org_unit,
        role="dept_admin",
        covers_children=True,
    )
    client.force_login(sz_admin)
    text = client.get(reverse("cases_console:deadline_status")).content.decode()
    assert "深圳市市场监督管理局" in text and "广州市市场监督管理局" not in text
