"""API: /api/v1/identity/registrations, /otp, /realname/l2, /me, /me/login-history."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.identity.models import LoginEvent, OtpChallenge, SmsMessage, User
from tongban.identity.tests._accounts import PASSWORD, last_code, new_id_number, registry_person

pytestmark = pytest.mark.django_db

BASE = "/api/v1/identity"
MOBILE = "13712345678"


def _post(client, path, data):
    return client.post(BASE + path, data=json.dumps(data), content_type="application/json")


def _registration(code, id_number=None, **over):
    data = {
        "id_number": id_number or new_id_number(),
        "name": "陈小明",
        "mobile": MOBILE,
        "password": PASSWORD,
        "otp_code": code,
    }
    data.update(over)
    return data


def test_register_via_api(client):
    response = _post(client, "/otp", {"mobile": MOBILE, "purpose": "register"})
    assert response.status_code == 202
    assert response.json()["mobile_masked"] == "137****5678"
    response = _post(client, "/registrations", _registration(last_code(MOBILE)))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["realname_level"] == 1 and "*" in body["id_number_masked"]
    assert User.objects.count() == 1


def test_register_errors_are_json_and_change_nothing(client, citizen):
    _post(client, "/otp", {"mobile": MOBILE, "purpose": "register"})
    code = last_code(MOBILE)
    bad = new_id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    response = _post(client, "/registrations", _registration(code, id_number=bad))
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_checksum",
        "message": response.json()["message"],
        "field": "id_number",
    }
    response = _post(client, "/registrations", _registration(code, id_number=citizen.id_number))
    assert response.status_code == 409 and response.json()["code"] == "registration_refused"
    assert response.json()["field"] is None
    _post(client, "/otp", {"mobile": MOBILE, "purpose": "register"})  # the code was spent
    OtpChallenge.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    _post(client, "/otp", {"mobile": MOBILE, "purpose": "register"})
    code = last_code(MOBILE)
    response = _post(
        client, "/registrations", _registration("999999" if code != "999999" else "888888")
    )
    assert response.json()["code"] == "otp_invalid"
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _post(client, "/registrations", _registration(code))
    assert response.json()["code"] == "otp_expired"
    assert User.objects.count() == 1  # only the citizen persona


def test_register_otp_does_not_reveal_accounts(client, citizen):
    taken = _post(client, "/otp", {"mobile": citizen.mobile, "purpose": "register"})
    free = _post(client, "/otp", {"mobile": "13012345678", "purpose": "register"})
    assert taken.status_code == free.status_code == 202
    assert taken.json().keys() == free.json().keys()
    assert taken.json()["expires_in"] == free.json()["expires_in"]
    notice = SmsMessage.objects.get(mobile=citizen.mobile)
    assert "该手机号已注册，如非本人操作请忽略" in notice.text and "验证码" not in notice.text
    assert "验证码" in SmsMessage.objects.get(mobile="13012345678").text
    assert User.objects.count() == 1


def test_login_otp_does_not_reveal_accounts(client, citizen):
    known = _post(client, "/otp", {"mobile": citizen.mobile, "purpose": "login"})
    unknown = _post(client, "/otp", {"mobile": "13012345678", "purpose": "login"})
    assert known.status_code == unknown.status_code == 202
    assert OtpChallenge.objects.filter(mobile=citizen.mobile, purpose="login").count() == 1
    assert not OtpChallenge.objects.filter(mobile="13012345678").exists()


def test_otp_cooldown_via_api(client):
    _post(client, "/otp", {"mobile": MOBILE, "purpose": "register"})
    response = _post(client, "/otp", {"mobile": MOBILE, "purpose": "register"})
    assert response.status_code == 429 and response.json()["code"] == "otp_cooldown"


def test_realname_l2_via_api(client):
    user = User.objects.create_user(new_id_number(), PASSWORD, name="陈小明", mobile=MOBILE)
    User.objects.filter(pk=user.pk).update(id_number=user.username)
    assert _post(client, "/realname/l2", {}).status_code == 401
    client.force_login(user)
    response = _post(client, "/realname/l2", {"name": "陈小明"})
    assert response.status_code == 400 and response.json()["code"] == "realname_not_found"
    user.refresh_from_db()
    assert user.realname_level == 1
    registry_person(user.username, "陈小明", phone="13900001111")
    response = _post(client, "/realname/l2", {})
    assert response.json()["code"] == "realname_phone_mismatch"
    user.refresh_from_db()
    assert user.realname_level == 1


def test_realname_l2_success_via_api(client):
    user = User.objects.create_user(new_id_number(), PASSWORD, name="陈小明", mobile=MOBILE)
    User.objects.filter(pk=user.pk).update(id_number=user.username)
    registry_person(user.username, "陈小明", phone=MOBILE)
    client.force_login(user)
    response = _post(client, "/realname/l2", {})
    assert response.status_code == 200 and response.json()["realname_level"] == 2


def test_me_and_login_history_are_own_only(client, citizen, outsider):
    assert client.get(BASE + "/me").status_code == 401
    assert client.get(BASE + "/me/login-history").status_code == 401
    LoginEvent.objects.create(
        user=citizen, result="succeeded", method="password_sms", ip="10.1.1.1"
    )
    LoginEvent.objects.create(user=outsider, result="succeeded", method="password", ip="10.2.2.2")
    client.force_login(outsider)
    me = client.get(BASE + "/me").json()
    assert me["name"] == "李四" and outsider.id_number not in json.dumps(me)
    history = client.get(BASE + "/me/login-history").json()
    assert history["count"] == 1 and history["items"][0]["ip"] == "10.2.2.2"


def test_me_refuses_oidc_bearer_tokens(client, citizen):
    """Department systems read claims from /o/userinfo/ (approved scopes, pairwise sub), never
    /me, which would reveal the internal account id and let two systems correlate people."""
    from oauth2_provider.models import AccessToken, Application

    from tongban.identity.models.oidc import ClientPolicy

    app = Application.objects.create(
        name="dept",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://dept.example/cb",
    )
    ClientPolicy.objects.create(
        application=app,
        kind=ClientPolicy.Kind.PERSON_SSO,
        allowed_scopes=["openid", "profile"],
        sector_identifier="dept.example",
    )
    AccessToken.objects.create(
        user=citizen,
        application=app,
        token="good-token",
        scope="openid profile",
        expires=timezone.now() + timedelta(hours=1),
    )
    response = client.get(BASE + "/me", HTTP_AUTHORIZATION="Bearer good-token")
    assert response.status_code == 401
    assert str(citizen.pk) not in response.content.decode()


def test_operation_ids():
    from tongban.config.api import api

    schema = api.get_openapi_schema()
    ids = {
        op["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith(BASE)
        for op in item.values()
    }
    assert {
        "identity_create_registration",
        "identity_send_otp",
        "identity_verify_realname",
        "identity_get_me",
        "identity_list_login_history",
    } <= ids
