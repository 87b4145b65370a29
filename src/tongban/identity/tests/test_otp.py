"""One-time SMS codes: hashing, expiry, attempts, one active per purpose, cooldown, limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.identity.models import OtpChallenge, SmsMessage
from tongban.identity.services import otp
from tongban.identity.tests._accounts import last_code

pytestmark = pytest.mark.django_db

MOBILE = "13712345678"


def _age(challenge_qs, seconds):
    challenge_qs.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_code_is_six_digits_stored_hashed_and_expires_in_five_minutes():
    challenge = otp.issue_otp(MOBILE, "login")
    code = last_code(MOBILE)
    assert len(code) == 6 and code.isdigit()
    assert code not in challenge.code_hash
    assert (
        timedelta(minutes=4, seconds=59)
        < challenge.expires_at - challenge.created_at
        <= timedelta(minutes=5)
    )
    assert otp.verify_otp(MOBILE, "login", code).status == "used"


def test_wrong_code_then_right_code():
    otp.issue_otp(MOBILE, "login")
    code = last_code(MOBILE)
    with pytest.raises(DomainError) as exc:
        otp.verify_otp(MOBILE, "login", "000000" if code != "000000" else "111111")
    assert exc.value.code == "otp_invalid"
    assert OtpChallenge.objects.get().attempts == 1
    otp.verify_otp(MOBILE, "login", code)


def test_code_for_another_purpose_does_not_work():
    otp.issue_otp(MOBILE, "register")
    with pytest.raises(DomainError) as exc:
        otp.verify_otp(MOBILE, "login", last_code(MOBILE))
    assert exc.value.code == "otp_not_sent"
    assert OtpChallenge.objects.get().status == "active"


def test_expired_code():
    otp.issue_otp(MOBILE, "login")
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as exc:
        otp.verify_otp(MOBILE, "login", last_code(MOBILE))
    assert exc.value.code == "otp_expired"
    assert OtpChallenge.objects.get().status == "active"  # not spent, just dead


def test_five_wrong_attempts_kill_the_code():
    otp.issue_otp(MOBILE, "login")
    code = last_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    codes = []
    for _ in range(5):
        with pytest.raises(DomainError) as exc:
            otp.verify_otp(MOBILE, "login", wrong)
        codes.append(exc.value.code)
    assert codes == ["otp_invalid"] * 4 + ["otp_attempts_exceeded"]
    with pytest.raises(DomainError) as exc:
        otp.verify_otp(MOBILE, "login", code)
    assert exc.value.code == "otp_attempts_exceeded"
    assert OtpChallenge.objects.get().status == "locked"


def test_resend_cooldown_and_only_latest_code_is_active():
    otp.issue_otp(MOBILE, "login")
    first = last_code(MOBILE)
    with pytest.raises(DomainError) as exc:
        otp.issue_otp(MOBILE, "login")
    assert exc.value.code == "otp_cooldown"
    assert OtpChallenge.objects.count() == 1 and SmsMessage.objects.count() == 1
    _age(OtpChallenge.objects.all(), 61)
    otp.issue_otp(MOBILE, "login")
    second = last_code(MOBILE)
    assert OtpChallenge.objects.filter(status="active").count() == 1
    if first != second:
        with pytest.raises(DomainError) as exc:
            otp.verify_otp(MOBILE, "login", first)
        assert exc.value.code == "otp_invalid"
    otp.verify_otp(MOBILE, "login", second)


def test_send_rate_limit_per_ip(settings):
    settings.TONGBAN_OTP_IP_HOURLY_LIMIT = 2
    otp.issue_otp("13700000001", "register", ip="10.0.0.9")
    otp.issue_otp("13700000002", "register", ip="10.0.0.9")
    with pytest.raises(DomainError) as exc:
        otp.issue_otp("13700000003", "register", ip="10.0.0.9")
    assert exc.value.code == "otp_rate_limited"
    assert not SmsMessage.objects.filter(mobile="13700000003").exists()
    otp.issue_otp("13700000003", "register", ip="10.0.0.10")  # another client is not affected


def test_send_rate_limit_per_mobile(settings):
    settings.TONGBAN_OTP_MOBILE_HOURLY_LIMIT = 2
    otp.issue_otp(MOBILE, "register")
    _age(OtpChallenge.objects.all(), 61)
    otp.issue_otp(MOBILE, "login")
    _age(OtpChallenge.objects.all(), 61)
    with pytest.raises(DomainError) as exc:
        otp.issue_otp(MOBILE, "login")
    assert exc.value.code == "otp_rate_limited"


def test_no_sms_backend_means_no_code(settings):
    settings.SMS_BACKEND = ""
    with pytest.raises(DomainError) as exc:
        otp.issue_otp(MOBILE, "login")
    assert exc.value.code == "sms_unavailable"
    assert OtpChallenge.objects.count() == 0


class RecordingGateway:
    sent: list = []
    transactional = False

    def send(self, mobile, text, *, purpose=""):
        RecordingGateway.sent.append((mobile, purpose))


def test_gateway_backend_sends_after_commit(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.RecordingGateway"
    RecordingGateway.sent = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        otp.issue_otp(MOBILE, "login")
    assert RecordingGateway.sent == []  # nothing left before the commit
    for callback in callbacks:
        callback()
    assert RecordingGateway.sent == [(MOBILE, "otp_login")]
    assert SmsMessage.objects.count() == 0
