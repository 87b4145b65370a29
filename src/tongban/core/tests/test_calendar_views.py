"""Console calendar page: operators edit, everybody else gets 403 and changes nothing."""

from datetime import date

import pytest
from django.urls import reverse

from tongban.core import calendar
from tongban.core.models import AuditEvent, CalendarDay

LIST = reverse("console:calendar_list")
LOAD = reverse("console:calendar_load")


@pytest.fixture(autouse=True)
def fresh_cache():
    calendar.invalidate_cache()
    yield
    calendar.invalidate_cache()


@pytest.mark.parametrize(
    "persona",
    ["citizen", "outsider", "clerk", "approver", "dept_admin", "auditor", "other_city_clerk"],
)
def test_others_are_forbidden_and_change_nothing(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    response = client.post(LIST, {"date": "2026-03-03", "kind": "holiday", "name": "x"})
    assert response.status_code == 403
    assert client.post(LOAD).status_code == 403
    assert client.post(reverse("console:calendar_reset", args=["2026-02-28"])).status_code == 403
    assert CalendarDay.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_anonymous_is_sent_to_login(client, db):
    assert client.get(LIST).status_code == 302


def test_operator_sees_the_year(client, operator):
    client.force_login(operator)
    response = client.get(LIST, {"year": 2025})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2025-01-26" in body and "调休上班" in body and "全年工作日 248 天" in body
    provisional = client.get(LIST, {"year": 2027}).content.decode()
    assert "暂定" in provisional


def test_htmx_year_switch_returns_the_partial(client, operator):
    client.force_login(operator)
    response = client.get(LIST, {"year": 2026}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "2026-02-28" in body


def test_operator_sets_and_resets_a_day(client, operator):
    client.force_login(operator)
    response = client.post(
        LIST + "?year=2026", {"date": "2026-03-03", "kind": "holiday", "name": "台风停工"}
    )
    assert response.status_code == 302
    assert not calendar.is_working_day(date(2026, 3, 3))
    assert (
        AuditEvent.objects.filter(event_type="core.calendar_day_changed", actor=operator).count()
        == 1
    )
    response = client.post(reverse("console:calendar_reset", args=["2026-03-03"]))
    assert response.status_code == 302
    assert calendar.is_working_day(date(2026, 3, 3))


def test_bad_input_shows_error_and_changes_nothing(client, operator):
    client.force_login(operator)
    response = client.post(LIST, {"date": "1999-01-01", "kind": "holiday"})
    assert response.status_code == 400
    assert "2000 年至 2099 年" in response.content.decode()
    response = client.post(LIST, {"date": "2026-03-03", "kind": "nope"})
    assert response.status_code == 400
    assert CalendarDay.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_operator_loads_the_data_file(client, operator):
    client.force_login(operator)
    assert client.post(LOAD).status_code == 302
    assert CalendarDay.objects.filter(source="data").count() == len(calendar.data_file_entries())
    assert AuditEvent.objects.get(event_type="core.calendar_data_loaded").actor_id == operator.pk
