"""Login services: lookup by ID number or mobile, lockout, per-IP limit, SMS-code policy."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import KnownDevice, LoginEvent, SmsMessage
from tongban.identity.services import auth
from tongban.identity.tests._accounts import PASSWORD, last_code

pytestmark = pytest.mark.django_db


def _fail(identifier, password="wrong-password", **kw):
    with pytest.raises(DomainError) as exc:
        auth.check_password(identifier, password, **kw)
    return exc.value


def test_login_by_id_number_or_mobile(citizen):
    assert auth.check_password(citizen.id_number, PASSWORD).user == citizen
    assert auth.check_password(citizen.id_number.lower(), PASSWORD).user == citizen
    assert auth.check_password(citizen.mobile, PASSWORD).user == citizen


def test_staff_login_name(clerk):
    assert auth.check_password("gz_clerk", PASSWORD).user == clerk


def test_django_authenticate_uses_the_identity_backend(citizen):
    assert authenticate(username=citizen.mobile, password=PASSWORD) == citizen
    assert authenticate(username=citizen.mobile, password="nope") is None


def test_unknown_account_and_wrong_password_look_the_same(citizen):
    unknown = _fail("440106199001019999", ip="10.1.1.1")
    wrong = _fail(citizen.id_number, ip="10.1.1.1")
    assert unknown.code == wrong.code == "invalid_credentials"
    assert unknown.message == wrong.message and unknown.status == wrong.status
    assert LoginEvent.objects.filter(user=None, result="bad_credentials").count() == 1
    assert LoginEvent.objects.filter(user=citizen, result="bad_credentials").count() == 1


def test_lockout_after_five_failures(citizen):
    codes = [_fail(citizen.id_number).code for _ in range(5)]
    assert codes == ["invalid_credentials"] * 4 + ["account_locked"]
    citizen.refresh_from_db()
    assert citizen.locked_until > timezone.now() + timedelta(minutes=14)
    # the right password does not help while locked, and the message gives the unlock time
    locked = _fail(citizen.id_number, PASSWORD)
    assert locked.code == "account_locked" and "后再试" in locked.message
    assert AuditEvent.objects.filter(event_type="identity.account_locked").count() == 1
    assert LoginEvent.objects.filter(user=citizen, result="locked").count() == 1
    assert SmsMessage.objects.filter(mobile=citizen.mobile, purpose="account_locked").count() == 1
    # after the lock expires the account works and starts a fresh count
    # (the failures happened before the lock ended: move them back so the clock order holds
    # however fast the test runs)
    LoginEvent.objects.filter(user=citizen).update(created_at=timezone.now() - timedelta(seconds=5))
    type(citizen).objects.filter(pk=citizen.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert _fail(citizen.id_number).code == "invalid_credentials"
    assert auth.check_password(citizen.id_number, PASSWORD).user == citizen


def test_failures_outside_the_window_do_not_count(citizen):
    for _ in range(4):
        _fail(citizen.id_number)
    LoginEvent.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert _fail(citizen.id_number).code == "invalid_credentials"
    citizen.refresh_from_db()
    assert citizen.locked_until is None


def test_lockout_is_per_account(citizen, outsider):
    for _ in range(5):
        _fail(citizen.id_number)
    assert auth.check_password(outsider.id_number, PASSWORD).user == outsider


def test_ip_rate_limit(citizen, settings):
    settings.TONGBAN_LOGIN_IP_FAILURE_LIMIT = 3
    for n in range(3):
        _fail(f"nobody{n}", ip="10.9.9.9")
    assert _fail(citizen.id_number, PASSWORD, ip="10.9.9.9").code == "rate_limited"
    assert auth.check_password(citizen.id_number, PASSWORD, ip="10.9.9.10").user == citizen
    citizen.refresh_from_db()
    assert citizen.locked_until is None


def test_inactive_account(citizen):
    type(citizen).objects.filter(pk=citizen.pk).update(is_active=False)
    assert _fail(citizen.id_number, PASSWORD).code == "account_inactive"
    assert _fail(citizen.id_number).code == "invalid_credentials"


@pytest.mark.parametrize(
    ("policy", "level", "known", "client", "expected"),
    [
        ("always", 1, True, False, True),
        ("new_device", 2, False, False, True),
        ("new_device", 2, True, False, False),
        ("new_device", 1, False, False, False),
        ("never", 3, False, False, False),
        ("never", 1, True, True, True),
    ],
)
def test_otp_policy(citizen, settings, policy, level, known, client, expected):
    settings.TONGBAN_LOGIN_OTP = policy
    type(citizen).objects.filter(pk=citizen.pk).update(realname_level=level)
    if known:
        KnownDevice.objects.create(user=citizen, device_id="dev-1")
    check = auth.check_password(
        citizen.id_number, PASSWORD, device_id="dev-1", client_requires_otp=client
    )
    assert check.otp_required is expected
    assert check.new_device is (not known)


def test_no_mobile_no_otp(clerk, settings):
    settings.TONGBAN_STAFF_REQUIRE_OTP = False  # the demo (development) default
    assert auth.check_password("gz_clerk", PASSWORD).otp_required is False


def test_staff_without_mobile_is_refused_when_staff_need_otp(clerk, settings, client):
    from django.urls import reverse

    settings.TONGBAN_STAFF_REQUIRE_OTP = True
    before = LoginEvent.objects.count()
    error = _fail("gz_clerk", PASSWORD)
    assert error.code == "staff_mobile_required" and error.status == 403
    assert "请联系本部门管理员为账号添加手机号" in error.message
    response = client.post(
        reverse("identity:login"),
        {"action": "password", "identifier": "gz_clerk", "password": PASSWORD},
    )
    assert "请联系本部门管理员为账号添加手机号" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SmsMessage.objects.count() == 0
    assert LoginEvent.objects.filter(result="succeeded").count() == 0
    assert LoginEvent.objects.count() == before


def test_staff_with_mobile_always_need_the_code_when_required(clerk, settings, client):
    from django.urls import reverse

    clerk.mobile = "13600136000"
    clerk.save(update_fields=["mobile"])
    settings.TONGBAN_LOGIN_OTP = "never"  # the citizens' policy does not apply to staff
    settings.TONGBAN_STAFF_REQUIRE_OTP = True
    assert auth.check_password("gz_clerk", PASSWORD).otp_required is True
    login = reverse("identity:login")
    response = client.post(
        login, {"action": "password", "identifier": "gz_clerk", "password": PASSWORD}
    )
    assert "短信验证" in response.content.decode()
    assert "_auth_user_id" not in client.session
    client.post(login, {"action": "otp", "code": last_code(clerk.mobile)})
    assert int(client.session["_auth_user_id"]) == clerk.pk
    settings.TONGBAN_STAFF_REQUIRE_OTP = False
    assert auth.check_password("gz_clerk", PASSWORD).otp_required is False


def test_wrong_login_code_goes_to_history(citizen):
    auth.send_login_otp(citizen)
    code = last_code(citizen.mobile)
    with pytest.raises(DomainError) as exc:
        auth.verify_login_otp(citizen, "000000" if code != "000000" else "111111", ip="10.0.0.1")
    assert exc.value.code == "otp_invalid"
    assert LoginEvent.objects.filter(user=citizen, result="otp_failed").count() == 1
    auth.verify_login_otp(citizen, code)
