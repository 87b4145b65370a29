"""The applicant's rating pages: /my/ratings/ and /my/ratings/<number>/."""

import pytest
from django.urls import reverse

from tongban.cases.models import Case, Evaluation, Rectification
from tongban.cases.tests._evaluation_setup import make_case
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(citizen, gz_market_dept):
    return make_case(citizen, gz_market_dept)


def _url(case):
    return reverse("ratings:rating_form", args=[case.number])


def test_form_shows_levels_as_labelled_radios(client, citizen, concluded):
    client.force_login(citizen)
    response = client.get(_url(concluded))
    assert response.status_code == 200
    body = response.content.decode()
    assert "办件评价" in body and concluded.number in body
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert label in body
    assert body.count('type="radio"') == 5
    assert "时间长" in body and "办事快" in body


def test_bad_rating_through_the_page(client, citizen, concluded):
    client.force_login(citizen)
    response = client.post(
        _url(concluded),
        {"level": "2", "bad_tags": ["时间长", "来回跑"], "good_tags": ["办事快"], "comment": "慢"},
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(case=concluded)
    assert evaluation.level == 2
    assert evaluation.tags == ["时间长", "来回跑"]  # the other polarity's group is ignored
    assert Rectification.objects.filter(evaluation=evaluation).exists()
    assert AuditEvent.objects.filter(event_type="cases.case_rated").count() == 1
    page = client.get(_url(concluded)).content.decode()
    assert "您的评价" in page and "不满意" in page and "转交办理部门整改" in page
    assert 'type="radio"' not in page  # no second form


def test_bad_rating_without_reason_shows_the_error(client, citizen, concluded):
    client.force_login(citizen)
    response = client.post(_url(concluded), {"level": "1", "comment": ""})
    assert response.status_code == 200
    assert "差评请至少选择一个标签或填写评价内容" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_missing_level(client, citizen, concluded):
    client.force_login(citizen)
    response = client.post(_url(concluded), {"good_tags": ["办事快"]})
    assert "请选择满意程度" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_second_post_changes_nothing(client, citizen, concluded):
    client.force_login(citizen)
    client.post(_url(concluded), {"level": "5", "good_tags": ["办事快"]})
    response = client.post(_url(concluded), {"level": "1", "bad_tags": ["态度差"]}, follow=True)
    assert "每件只能评价一次" in response.content.decode()
    assert Evaluation.objects.get(case=concluded).level == 5
    assert not Rectification.objects.exists()


def test_not_concluded_case_has_no_form(client, citizen, gz_market_dept):
    case = make_case(citizen, gz_market_dept, status=Case.Status.IN_REVIEW)
    client.force_login(citizen)
    assert 'type="radio"' not in client.get(_url(case)).content.decode()
    response = client.post(_url(case), {"level": "1", "bad_tags": ["时间长"]}, follow=True)
    assert "办件办结后才能评价" in response.content.decode()
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "clerk", "other_city_clerk"])
def test_others_get_404_and_nothing_changes(client, request, concluded, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(concluded)).status_code == 404
    response = client.post(_url(concluded), {"level": "1", "bad_tags": ["时间长"]})
    assert response.status_code == 404
    assert not Evaluation.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="cases.").exists()


def test_anonymous_is_sent_to_login(client, concluded):
    response = client.get(_url(concluded))
    assert response.status_code == 302 and "login" in response["Location"]


def test_list_shows_concluded_cases_only(client, citizen, outsider, gz_market_dept, concluded):
    in_review = make_case(citizen, gz_market_dept, status=Case.Status.IN_REVIEW)
    someone_else = make_case(outsider, gz_market_dept)
    client.force_login(citizen)
    body = client.get(reverse("ratings:rating_list")).content.decode()
    assert concluded.number in body and "去评价" in body
    assert in_review.number not in body and someone_else.number not in body


def test_applicant_case_page_links_the_rating(client, citizen, gz_market_dept, concluded):
    client.force_login(citizen)
    page = client.get(reverse("my_cases:detail", args=[concluded.number])).content.decode()
    assert _url(concluded) in page
    in_review = make_case(citizen, gz_market_dept, status=Case.Status.IN_REVIEW)
    page = client.get(reverse("my_cases:detail", args=[in_review.number])).content.decode()
    assert _url(in_review) not in page
