"""Pages: register, login (password then SMS code), logout, 我的, real-name, password, outbox."""

import pytest
from django.urls import reverse

from tongban.core.models import AuditEvent
from tongban.identity.models import LoginEvent, SmsMessage, User
from tongban.identity.services import auth
from tongban.identity.tests._accounts import PASSWORD, last_code, new_id_number, registry_person

pytestmark = pytest.mark.django_db

MOBILE = "13712345678"
LOGIN = reverse("identity:login")


def _login_password(client, identifier, password=PASSWORD, **extra):
    return client.post(
        LOGIN, {"action": "password", "identifier": identifier, "password": password}, **extra
    )


def _full_login(client, user):
    response = _login_password(client, user.id_number)
    assert "短信验证" in response.content.decode()
    return client.post(LOGIN, {"action": "otp", "code": last_code(user.mobile)})


# --- registration ------------------------------------------------------------------------------
def test_register_journey(client):
    page = client.get(reverse("identity:register"))
    assert page.status_code == 200 and 'name="id_number"' in page.content.decode()
    sent = client.post(
        reverse("identity:register"),
        {"action": "send_code", "mobile": MOBILE},
        HTTP_HX_REQUEST="true",
    )
    assert "验证码已发送" in sent.content.decode() and "<html" not in sent.content.decode()
    id_number = new_id_number()
    response = client.post(
        reverse("identity:register"),
        {
            "action": "register",
            "id_number": id_number,
            "name": "陈小明",
            "mobile": MOBILE,
            "password": PASSWORD,
            "password2": PASSWORD,
            "code": last_code(MOBILE),
        },
    )
    assert response.status_code == 302 and response.url == reverse("identity:realname")
    user = User.objects.get(id_number=id_number)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "tb_device" in response.cookies
    assert user.known_devices.count() == 1


def test_register_bad_checksum_shows_error_and_creates_nothing(client):
    client.post(reverse("identity:register"), {"action": "send_code", "mobile": MOBILE})
    bad = new_id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    response = client.post(
        reverse("identity:register"),
        {
            "action": "register",
            "id_number": bad,
            "name": "陈小明",
            "mobile": MOBILE,
            "password": PASSWORD,
            "password2": PASSWORD,
            "code": last_code(MOBILE),
        },
    )
    assert response.status_code == 200
    assert "校验" in response.content.decode()
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_register_duplicate_mobile_send_code_answers_like_any_mobile(client, citizen):
    def send(mobile):
        return client.post(
            reverse("identity:register"),
            {"action": "send_code", "mobile": mobile},
            HTTP_HX_REQUEST="true",
        ).content.decode()

    taken, free = send(citizen.mobile), send(MOBILE)
    assert "already_registered" not in taken and "已注册" not in taken
    assert "验证码已发送至 138****8000" in taken and "验证码已发送至" in free
    notice = SmsMessage.objects.get(mobile=citizen.mobile).text
    assert "该手机号已注册，如非本人操作请忽略" in notice and "验证码" not in notice
    assert User.objects.count() == 1


def test_register_taken_id_number_with_valid_code_is_refused_generically(client, citizen):
    client.post(reverse("identity:register"), {"action": "send_code", "mobile": MOBILE})
    response = client.post(
        reverse("identity:register"),
        {
            "action": "register",
            "id_number": citizen.id_number,
            "name": "陈小明",
            "mobile": MOBILE,
            "password": PASSWORD,
            "password2": PASSWORD,
            "code": last_code(MOBILE),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "该证件或手机号无法注册，如已注册请直接登录" in body and "身份证号已注册" not in body
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


# --- login -------------------------------------------------------------------------------------
def test_login_with_password_and_sms_code(client, citizen):
    response = _login_password(client, citizen.mobile)
    assert response.status_code == 200 and "138****8000" in response.content.decode()
    assert "_auth_user_id" not in client.session  # not logged in after the password alone
    response = client.post(LOGIN, {"action": "otp", "code": last_code(citizen.mobile)})
    assert response.status_code == 302 and response.url == reverse("identity:account")
    assert int(client.session["_auth_user_id"]) == citizen.pk
    assert client.session[auth.SESSION_AUTH]["otp"] is True
    assert (
        LoginEvent.objects.filter(user=citizen, result="succeeded", method="password_sms").count()
        == 1
    )
    assert AuditEvent.objects.filter(event_type="identity.login_succeeded", actor=citizen).exists()


def test_login_htmx_returns_the_panel_and_client_redirect(client, citizen):
    response = _login_password(client, citizen.id_number, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="login-panel"' in body and "<html" not in body
    response = client.post(
        LOGIN, {"action": "otp", "code": last_code(citizen.mobile)}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == reverse("identity:account")


def test_login_wrong_code_keeps_user_out(client, citizen):
    _login_password(client, citizen.id_number)
    code = last_code(citizen.mobile)
    response = client.post(
        LOGIN, {"action": "otp", "code": "000000" if code != "000000" else "111111"}
    )
    assert response.status_code == 200 and "验证码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(user=citizen, result="otp_failed").count() == 1


def test_login_code_step_without_password_step(client, citizen):
    response = client.post(LOGIN, {"action": "otp", "code": "123456"})
    assert "登录已超时" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_unknown_and_wrong_password_same_page_message(client, citizen):
    unknown = _login_password(client, "13000000000").content.decode()
    wrong = _login_password(client, citizen.mobile, "wrong-password").content.decode()
    assert "账号或密码错误" in unknown and "账号或密码错误" in wrong
    assert SmsMessage.objects.count() == 0


def test_login_lockout_message(client, citizen):
    for _ in range(5):
        response = _login_password(client, citizen.id_number, "wrong-password")
    assert "账号已锁定" in response.content.decode()
    response = _login_password(client, citizen.id_number)
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_without_sms_when_policy_never(client, citizen, settings):
    settings.TONGBAN_LOGIN_OTP = "never"
    response = _login_password(client, citizen.id_number)
    assert response.status_code == 302
    assert client.session[auth.SESSION_AUTH]["otp"] is False


def test_login_next_url_must_be_local(client, citizen, settings):
    settings.TONGBAN_LOGIN_OTP = "never"
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"action": "password", "identifier": citizen.id_number, "password": PASSWORD},
    )
    assert response.url == reverse("identity:account")
    client.logout()
    response = client.post(
        LOGIN + "?next=/account/realname/",
        {"action": "password", "identifier": citizen.id_number, "password": PASSWORD},
    )
    assert response.url == "/account/realname/"


def test_new_device_notification(client, citizen, settings):
    settings.TONGBAN_LOGIN_OTP = "never"
    _login_password(client, citizen.id_number)
    assert not SmsMessage.objects.filter(purpose="new_device").exists()  # first device ever
    client.post(reverse("identity:logout"))
    _login_password(client, citizen.id_number)  # same browser: known device
    assert not SmsMessage.objects.filter(purpose="new_device").exists()
    other = type(client)()
    _login_password(other, citizen.id_number)
    assert SmsMessage.objects.filter(purpose="new_device", mobile=citizen.mobile).count() == 1
    assert citizen.known_devices.count() == 2


def test_step_up_when_client_requires_otp(client, citizen, settings):
    settings.TONGBAN_LOGIN_OTP = "never"
    _login_password(client, citizen.id_number)
    session = client.session
    session[auth.SESSION_CLIENT_OTP] = True
    session.save()
    response = client.get(LOGIN + "?next=/o/authorize/")
    assert "短信验证" in response.content.decode()
    response = client.post(
        LOGIN, {"action": "otp", "code": last_code(citizen.mobile), "next": "/o/authorize/"}
    )
    assert response.url == "/o/authorize/"
    assert client.session[auth.SESSION_AUTH]["otp"] is True


def test_logout_clears_session(client, citizen):
    _full_login(client, citizen)
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session and auth.SESSION_AUTH not in client.session
    assert client.get(reverse("identity:account")).status_code == 302


# --- 我的 --------------------------------------------------------------------------------------
def test_account_page_masks_and_shows_only_own_history(client, citizen, outsider):
    client.force_login(outsider)
    LoginEvent.objects.create(user=outsider, result="succeeded", method="password", ip="10.7.7.7")
    LoginEvent.objects.create(
        user=citizen,
        result="bad_credentials",
        method="password",
        ip="10.3.3.3",
        user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile",
    )
    client.force_login(citizen)
    body = client.get(reverse("identity:account")).content.decode()
    assert citizen.id_number not in body and "440***" in body
    assert citizen.mobile not in body and "138****8000" in body
    assert "10.3.3.3" in body and "Chrome · Android" in body
    assert "10.7.7.7" not in body
    assert 'data-level="2"' in body


def test_account_page_requires_login(client):
    response = client.get(reverse("identity:account"))
    assert response.status_code == 302 and reverse("identity:login") in response.url


def test_realname_page_l2(client):
    user = User.objects.create_user(
        new_id_number(), PASSWORD, name="陈小明", mobile=MOBILE, id_number=None
    )
    user.id_number = user.username
    user.save()
    client.force_login(user)
    response = client.post(reverse("identity:realname"), {"action": "l2", "name": "陈小明"})
    assert "人口库中没有" in response.content.decode()
    user.refresh_from_db()
    assert user.realname_level == 1
    registry_person(user.id_number, "陈小明", phone=MOBILE)
    response = client.post(reverse("identity:realname"), {"action": "l2", "name": "陈小明"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.realname_level == 2
    page = client.get(reverse("identity:realname")).content.decode()
    assert "开始刷脸认证" in page


def test_realname_page_face_check(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("identity:realname")).content.decode()
    token = page.split('name="selfie" value="')[1].split('"')[0]
    client.post(reverse("identity:realname"), {"action": "face", "selfie": "wrong"})
    citizen.refresh_from_db()
    assert citizen.realname_level == 2
    assert (
        client.post(reverse("identity:realname"), {"action": "face", "selfie": token}).status_code
        == 302
    )
    citizen.refresh_from_db()
    assert citizen.realname_level == 3


def test_password_change_signs_out_other_sessions(client, citizen):
    other = type(client)()
    other.force_login(citizen)
    client.force_login(citizen)
    response = client.post(
        reverse("identity:password_change"),
        {"old_password": PASSWORD, "new_password": "Another#2026", "new_password2": "Another#2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("identity:account")).status_code == 200
    assert other.get(reverse("identity:account")).status_code == 302


def test_password_change_wrong_old_password(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("identity:password_change"),
        {"old_password": "nope", "new_password": "Another#2026", "new_password2": "Another#2026"},
    )
    assert "原密码不正确" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def _connected_app(user, token="t1"):
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    from tongban.identity.oidc import services as oidc_services

    app = Application.objects.create(
        name="市场监管系统",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://dept.example/cb",
    )
    oidc_services.grant_consent(actor=user, application=app, scopes=["openid", "profile"])
    AccessToken.objects.create(
        user=user, application=app, token=token, expires=timezone.now() + timedelta(hours=1)
    )
    return app


def _app_state(app):
    from oauth2_provider.models import AccessToken

    from tongban.identity.models import OidcConsent

    return (
        list(OidcConsent.objects.filter(application=app).values_list("user", "revoked_at")),
        AccessToken.objects.count(),
        AuditEvent.objects.count(),
    )


def test_account_lists_consents_and_revokes_through_oidc_service(client, citizen):
    from oauth2_provider.models import AccessToken

    from tongban.identity.models import OidcConsent

    app = _connected_app(citizen)
    client.force_login(citizen)
    page = client.get(reverse("identity:account")).content.decode()
    assert "市场监管系统" in page and reverse("identity:app_revoke", args=[app.pk]) in page
    assert "姓名" in page  # what the consent shares, in plain words
    events = AuditEvent.objects.count()
    assert client.post(reverse("identity:app_revoke", args=[app.pk])).status_code == 302
    assert OidcConsent.objects.get(user=citizen, application=app).revoked_at is not None
    assert not AccessToken.objects.filter(user=citizen).exists()
    assert (
        AuditEvent.objects.filter(event_type="identity.oidc_consent_revoked", actor=citizen).count()
        == 1
    )
    assert AuditEvent.objects.count() == events + 1
    assert "市场监管系统" not in client.get(reverse("identity:account")).content.decode()
    # a second revoke finds nothing
    before = _app_state(app)
    assert client.post(reverse("identity:app_revoke", args=[app.pk])).status_code == 404
    assert _app_state(app) == before


def test_outsider_cannot_revoke_citizens_app(client, citizen, outsider):
    app = _connected_app(citizen)
    before = _app_state(app)
    client.force_login(outsider)
    assert client.post(reverse("identity:app_revoke", args=[app.pk])).status_code == 404
    assert client.post(reverse("identity:app_revoke", args=[app.pk + 1000])).status_code == 404
    assert _app_state(app) == before
    assert "市场监管系统" not in client.get(reverse("identity:account")).content.decode()


def test_revoke_needs_login_and_post(client, citizen):
    app = _connected_app(citizen)
    before = _app_state(app)
    response = client.post(reverse("identity:app_revoke", args=[app.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(citizen)
    assert client.get(reverse("identity:app_revoke", args=[app.pk])).status_code == 405
    assert _app_state(app) == before


# --- clerk and console -------------------------------------------------------------------------
def test_inperson_page(client, citizen, clerk, outsider):
    registry_person(citizen.id_number, citizen.name, phone=citizen.mobile)
    client.force_login(outsider)
    assert (
        client.post(
            reverse("identity:inperson_verify"), {"id_number": citizen.id_number}
        ).status_code
        == 403
    )
    citizen.refresh_from_db()
    assert citizen.realname_level == 2
    client.force_login(clerk)
    assert (
        client.post(
            reverse("identity:inperson_verify"), {"id_number": citizen.id_number}
        ).status_code
        == 302
    )
    citizen.refresh_from_db()
    assert citizen.realname_level == 3


def test_sms_outbox_for_operators_only(client, operator, citizen, settings):
    SmsMessage.objects.create(mobile="13712345678", text="验证码 123456", purpose="otp_login")
    url = reverse("sms:outbox")
    assert client.get(url).status_code == 302
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    client.force_login(operator)
    body = client.get(url).content.decode()
    assert "验证码 123456" in body and "13712345678" in body
    settings.SIMULATORS_ENABLED = False
    assert client.get(url).status_code == 404
