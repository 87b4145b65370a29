"""rate_case: 一次一评 after conclusion; a bad rating opens a rectification item."""

from datetime import date

import pytest

from tongban.cases.errors_evaluation import Errors
from tongban.cases.models import Case, Evaluation, Rectification
from tongban.cases.selectors.evaluation import item_rating
from tongban.cases.services import evaluation as evaluation_service
from tongban.cases.services.evaluation import rate_case
from tongban.cases.tests._evaluation_setup import make_case, make_item
from tongban.core import calendar
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Evaluation.objects.count(),
        Rectification.objects.count(),
        AuditEvent.objects.filter(event_type__startswith="cases.").count(),
    )


@pytest.fixture
def concluded(citizen, gz_market_dept):
    return make_case(citizen, gz_market_dept)


def test_good_rating_is_stored_and_audited_without_rectification(citizen, concluded):
    evaluation = rate_case(
        concluded, actor=citizen, level=5, tags=["办事快", "一次办成", "办事快"], comment=" 很好 "
    )
    assert evaluation.level == Evaluation.Level.VERY_SATISFIED
    assert evaluation.tags == ["办事快", "一次办成"]  # duplicates dropped, order kept
    assert evaluation.comment == "很好"
    assert evaluation.rated_by == citizen
    assert not Rectification.objects.exists()
    event = AuditEvent.objects.get(event_type="cases.case_rated")
    assert event.target_id == str(concluded.pk)
    assert event.org_unit == concluded.org_unit
    assert event.data["level"] == 5


@pytest.mark.parametrize(
    "level", [Evaluation.Level.DISSATISFIED, Evaluation.Level.VERY_DISSATISFIED]
)
def test_bad_rating_opens_rectification_for_the_unit(citizen, concluded, level):
    evaluation = rate_case(concluded, actor=citizen, level=level, tags=["时间长"], comment="")
    rectification = Rectification.objects.get(evaluation=evaluation)
    assert rectification.org_unit == concluded.org_unit
    assert rectification.status == Rectification.Status.OPEN
    assert rectification.deadline == calendar.add_working_days(date.today(), 15)
    opened = AuditEvent.objects.get(event_type="cases.rectification_opened")
    assert opened.target_id == str(rectification.pk)
    assert opened.data["days"] == 15


def test_basically_satisfied_is_good(citizen, concluded):
    rate_case(concluded, actor=citizen, level=3, tags=["材料少"], comment="")
    assert not Rectification.objects.exists()


def test_rectification_deadline_across_national_day(citizen, concluded, monkeypatch):
    # Friday 26 Sep 2025: Sunday 28 Sep is a 调休 working day, 1–8 Oct are holidays,
    # Saturday 11 Oct is a working day. 15 working days later is Thursday 23 Oct.
    monkeypatch.setattr(evaluation_service, "_today", lambda: date(2025, 9, 26))
    evaluation = rate_case(concluded, actor=citizen, level=1, tags=[], comment="跑了三趟")
    assert evaluation.rectification.deadline == date(2025, 10, 23)


def test_rectification_working_days_setting(citizen, concluded, settings, monkeypatch):
    settings.RECTIFICATION_WORKING_DAYS = 3
    monkeypatch.setattr(evaluation_service, "_today", lambda: date(2025, 9, 30))
    evaluation = rate_case(concluded, actor=citizen, level=2, tags=["来回跑"], comment="")
    # 30 Sep (Tue) + 3 working days: 9, 10, 11 Oct (the Saturday works).
    assert evaluation.rectification.deadline == date(2025, 10, 11)


@pytest.mark.parametrize(
    "status",
    [
        Case.Status.SUBMITTED,
        Case.Status.IN_REVIEW,
        Case.Status.APPROVED,
        Case.Status.DENIED,
        Case.Status.WITHDRAWN,
    ],
)
def test_refused_before_conclusion(citizen, gz_market_dept, status):
    case = make_case(citizen, gz_market_dept, status=status)
    before = _counts()
    with pytest.raises(DomainError) as excinfo:
        rate_case(case, actor=citizen, level=1, tags=["时间长"], comment="")
    assert excinfo.value.code == Errors.CASE_NOT_CONCLUDED
    assert _counts() == before


def test_refused_second_rating(citizen, concluded):
    rate_case(concluded, actor=citizen, level=5, tags=[], comment="")
    before = _counts()
    with pytest.raises(DomainError) as excinfo:
        rate_case(concluded, actor=citizen, level=1, tags=["态度差"], comment="改主意了")
    assert excinfo.value.code == Errors.ALREADY_RATED
    assert excinfo.value.status == 409
    assert _counts() == before
    assert Evaluation.objects.get(case=concluded).level == 5


@pytest.mark.parametrize("persona", ["outsider", "clerk", "other_city_clerk"])
def test_refused_for_anyone_but_the_applicant(request, concluded, persona):
    actor = request.getfixturevalue(persona)
    before = _counts()
    with pytest.raises(DomainError) as excinfo:
        rate_case(concluded, actor=actor, level=1, tags=["时间长"], comment="")
    assert excinfo.value.code == Errors.FORBIDDEN
    assert excinfo.value.status == 403
    assert _counts() == before


@pytest.mark.parametrize(
    ("level", "tags", "comment", "code"),
    [
        (0, [], "", Errors.INVALID_LEVEL),
        (6, [], "", Errors.INVALID_LEVEL),
        ("abc", [], "", Errors.INVALID_LEVEL),
        (5, ["时间长"], "", Errors.INVALID_TAG),  # a bad tag on a good rating
        (1, ["办事快"], "", Errors.INVALID_TAG),  # a good tag on a bad rating
        (4, ["随便写的"], "", Errors.INVALID_TAG),
        (4, [], "好" * 501, Errors.COMMENT_TOO_LONG),
        (2, [], "   ", Errors.REASON_REQUIRED),
    ],
)
def test_invalid_input_changes_nothing(citizen, concluded, level, tags, comment, code):
    before = _counts()
    with pytest.raises(DomainError) as excinfo:
        rate_case(concluded, actor=citizen, level=level, tags=tags, comment=comment)
    assert excinfo.value.code == code
    assert _counts() == before


def test_item_rating_aggregates(citizen, gz_market_dept):
    implementation = make_item(gz_market_dept)
    for level in (5, 4, 3, 2):
        case = make_case(citizen, gz_market_dept, implementation=implementation)
        rate_case(case, actor=citizen, level=level, tags=[], comment="原因" if level < 3 else "")
    other = make_case(citizen, gz_market_dept)  # another item's rating does not count
    rate_case(other, actor=citizen, level=1, tags=["材料多"], comment="")

    summary = item_rating(implementation.item)
    assert summary.count == 4
    assert summary.average == 3.5  # (5 + 4 + 3 + 2) / 4
    assert summary.good_rate == 75.0  # 基本满意 counts as good
    assert summary.levels == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}


def test_item_rating_without_ratings(gz_market_dept):
    summary = item_rating(make_item(gz_market_dept).item)
    assert summary.count == 0
    assert summary.average is None and summary.good_rate is None


def test_catalogue_rating_provider_is_registered(citizen, gz_market_dept):
    from tongban.catalog.ratings import item_rating as catalogue_item_rating

    implementation = make_item(gz_market_dept)
    assert catalogue_item_rating(implementation.item) is None
    for level in (5, 2):
        case = make_case(citizen, gz_market_dept, implementation=implementation)
        rate_case(case, actor=citizen, level=level, tags=[], comment="原因")
    assert catalogue_item_rating(implementation.item) == {
        "count": 2,
        "average": 3.5,
        "good_rate": 0.5,
    }
