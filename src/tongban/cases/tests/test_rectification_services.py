"""Rectification items: callback (回访) then close with a result; only the department."""

from datetime import date, timedelta

import pytest

from tongban.cases.errors_evaluation import Errors
from tongban.cases.models import Rectification
from tongban.cases.selectors.evaluation import (
    access_rectification,
    rectifications_for,
    unit_figures,
)
from tongban.cases.services.evaluation import close_rectification, rate_case, record_callback
from tongban.cases.tests._evaluation_setup import make_case
from tongban.core.exceptions import DomainError, NotFound
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def rectification(citizen, gz_market_dept):
    case = make_case(citizen, gz_market_dept)
    return rate_case(
        case, actor=citizen, level=1, tags=["来回跑"], comment="跑了三趟"
    ).rectification


def _state(rectification):
    rectification.refresh_from_db()
    return (rectification.status, rectification.callback_note, rectification.result)


@pytest.mark.parametrize("persona", ["clerk", "approver", "dept_admin"])
def test_department_calls_back_and_closes(request, rectification, persona):
    staff = request.getfixturevalue(persona)
    record_callback(rectification, actor=staff, note="已电话回访，申请人反映窗口排队久")
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.CALLED_BACK
    assert rectification.called_back_by == staff
    close_rectification(rectification, actor=staff, result="增设窗口，推行预约办理")
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.CLOSED
    assert rectification.result == "增设窗口，推行预约办理"
    assert rectification.closed_by == staff and rectification.closed_at
    types = list(
        AuditEvent.objects.filter(
            target_type="cases.rectification", target_id=str(rectification.pk)
        )
        .order_by("seq")
        .values_list("event_type", flat=True)
    )
    assert types == [
        "cases.rectification_opened",
        "cases.rectification_called_back",
        "cases.rectification_closed",
    ]


def test_close_before_callback_is_refused_and_audited(clerk, rectification):
    before = _state(rectification)
    with pytest.raises(DomainError) as excinfo:
        close_rectification(rectification, actor=clerk, result="已整改")
    assert excinfo.value.code == Errors.CALLBACK_REQUIRED
    assert _state(rectification) == before
    refused = AuditEvent.objects.get(event_type="cases.rectification_action_refused")
    assert refused.data == {"action": "close", "code": Errors.CALLBACK_REQUIRED}


def test_nothing_after_closing(clerk, rectification):
    record_callback(rectification, actor=clerk, note="已回访")
    close_rectification(rectification, actor=clerk, result="已整改")
    before = _state(rectification)
    for call, kwargs in (
        (record_callback, {"note": "再回访"}),
        (close_rectification, {"result": "x"}),
    ):
        with pytest.raises(DomainError) as excinfo:
            call(rectification, actor=clerk, **kwargs)
        assert excinfo.value.code == Errors.RECTIFICATION_CLOSED
    assert _state(rectification) == before


@pytest.mark.parametrize("note", ["", "   ", "长" * 1001])
def test_empty_or_long_notes_are_refused(clerk, rectification, note):
    before = _state(rectification)
    with pytest.raises(DomainError) as excinfo:
        record_callback(rectification, actor=clerk, note=note)
    assert excinfo.value.code in {Errors.NOTE_REQUIRED, Errors.NOTE_TOO_LONG}
    assert _state(rectification) == before


@pytest.mark.parametrize("persona", ["other_city_clerk", "outsider", "citizen", "auditor"])
def test_outsiders_cannot_handle(request, rectification, persona):
    actor = request.getfixturevalue(persona)
    before = _state(rectification)
    with pytest.raises(DomainError) as excinfo:
        record_callback(rectification, actor=actor, note="冒充回访")
    assert excinfo.value.code == Errors.FORBIDDEN
    assert excinfo.value.status == 403
    assert _state(rectification) == before
    assert AuditEvent.objects.filter(event_type="cases.rectification_action_refused").exists()


def test_outsiders_see_nothing(other_city_clerk, outsider, citizen, rectification):
    for user in (other_city_clerk, outsider, citizen):
        assert not rectifications_for(user).exists()
        with pytest.raises(NotFound):
            access_rectification(user, rectification.pk)
        assert unit_figures(user) == []


def test_department_sees_its_items_and_figures(clerk, dept_admin, auditor, rectification):
    for user in (clerk, dept_admin, auditor):
        assert list(rectifications_for(user)) == [rectification]
        assert access_rectification(user, rectification.pk) == rectification
    (figures,) = unit_figures(clerk)
    assert figures.org_unit == rectification.org_unit
    assert figures.count == 1 and figures.average == 1.0 and figures.good_rate == 0.0
    assert figures.open_rectifications == 1 and figures.overdue_rectifications == 0


def test_overdue_flag_and_filter(clerk, rectification):
    later = rectification.deadline + timedelta(days=1)
    assert rectification.is_overdue(today=later)
    assert not rectification.is_overdue(today=rectification.deadline)
    assert list(rectifications_for(clerk, overdue=True, today=later)) == [rectification]
    assert not rectifications_for(clerk, overdue=True, today=rectification.deadline).exists()
    assert unit_figures(clerk, today=later)[0].overdue_rectifications == 1
    record_callback(rectification, actor=clerk, note="已回访")
    close_rectification(rectification, actor=clerk, result="已整改")
    rectification.refresh_from_db()
    assert not rectification.is_overdue(today=date(2099, 1, 1))
