"""Applicant notifications: site message in the transaction, SMS after commit, no PII."""

import pytest

from tongban.cases.models import Notification
from tongban.cases.services import lifecycle
from tongban.cases.services.notifications import mark_read, unread_count
from tongban.identity.models import SmsMessage
from tongban.testing.factories_cases import CaseFactory, make_implementation


@pytest.fixture
def implementation(gz_market_dept):
    return make_implementation(gz_market_dept, name="食品经营许可")


def test_each_step_notifies_site_and_sms(
    implementation, citizen, clerk, approver, django_capture_on_commit_callbacks
):
    case = CaseFactory(implementation=implementation, applicant=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        case = lifecycle.submit_case(case, actor=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.request_correction(case, actor=clerk, items=[{"material": "a", "problem": "b"}])
    texts = list(Notification.objects.filter(user=citizen).values_list("text", flat=True))
    assert len(texts) == 2
    assert any("一次性告知" in text for text in texts)
    sms = list(SmsMessage.objects.filter(mobile=citizen.mobile).values_list("text", "purpose"))
    assert len(sms) == 2 and all(purpose == "case_status" for _t, purpose in sms)
    for text, _purpose in sms:
        assert case.number in text and "食品经营许可" in text
        assert "张*" in text and "张三" not in text
        assert citizen.id_number not in text


def test_sms_waits_for_the_commit(implementation, citizen, django_capture_on_commit_callbacks):
    case = CaseFactory(implementation=implementation, applicant=citizen)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lifecycle.submit_case(case, actor=citizen)
    assert Notification.objects.filter(case=case).count() == 1
    assert not SmsMessage.objects.exists()  # not before the commit
    assert callbacks


def test_no_mobile_no_sms(implementation, citizen, django_capture_on_commit_callbacks):
    citizen.mobile = ""
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.submit_case(
            CaseFactory(implementation=implementation, applicant=citizen), actor=citizen
        )
    assert Notification.objects.count() == 1
    assert not SmsMessage.objects.exists()


def test_sms_outage_does_not_break_the_case(
    settings, implementation, citizen, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = ""
    case = CaseFactory(implementation=implementation, applicant=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        case = lifecycle.submit_case(case, actor=citizen)
    assert case.status == "submitted"
    assert Notification.objects.filter(case=case).count() == 1


def test_unread_and_mark_read(implementation, citizen, outsider):
    lifecycle.submit_case(
        CaseFactory(implementation=implementation, applicant=citizen), actor=citizen
    )
    assert unread_count(citizen) == 1 and unread_count(outsider) == 0
    assert mark_read(outsider) == 0
    assert mark_read(citizen) == 1
    assert unread_count(citizen) == 0
