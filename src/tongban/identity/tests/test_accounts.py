"""Services: registration, real-name levels, password change, app revocation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import OtpChallenge, User
from tongban.identity.services import accounts
from tongban.identity.tests._accounts import PASSWORD, last_code, new_id_number, registry_person

pytestmark = pytest.mark.django_db

MOBILE = "13712345678"


def _register(id_number=None, name="陈小明", mobile=MOBILE, password=PASSWORD, code=None):
    if code is None:
        accounts.send_registration_code(mobile)
        code = last_code(mobile)
    return accounts.register_natural_person(
        id_number=id_number or new_id_number(),
        name=name,
        mobile=mobile,
        password=password,
        otp_code=code,
    )


def _snapshot(user):
    user.refresh_from_db()
    return (user.realname_level, user.name, user.realname_method, user.realname_verified_at)


# --- registration ------------------------------------------------------------------------------
def test_register_creates_l1_account_with_id_as_username_and_audits():
    id_number = new_id_number()
    user = _register(id_number=id_number.lower())
    assert user.username == id_number == user.id_number
    assert user.realname_level == 1 and user.kind == "natural"
    assert user.check_password(PASSWORD)
    assert user.mobile_verified_at is not None
    event = AuditEvent.objects.get(event_type="identity.user_registered")
    assert event.target_id == str(user.pk) and event.actor_id == user.pk


def test_register_refuses_legacy_15_digit_id():
    # First-generation cards expired in 2013: registration asks for the 18-digit number.
    with pytest.raises(DomainError) as exc:
        _register(id_number="440106900101123")
    assert exc.value.field == "id_number" and exc.value.code
    assert User.objects.count() == 0


def test_register_rejects_bad_checksum_and_changes_nothing():
    accounts.send_registration_code(MOBILE)
    bad = new_id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    with pytest.raises(DomainError) as exc:
        accounts.register_natural_person(
            id_number=bad,
            name="陈小明",
            mobile=MOBILE,
            password=PASSWORD,
            otp_code=last_code(MOBILE),
        )
    assert exc.value.code == "invalid_checksum" and exc.value.field == "id_number"
    assert User.objects.count() == 0
    # the code was not spent: it still registers afterwards
    assert OtpChallenge.objects.get().status == "active"


def test_register_rejects_invalid_mobile():
    with pytest.raises(DomainError) as exc:
        accounts.send_registration_code("12345")
    assert exc.value.field == "mobile" and exc.value.code
    assert OtpChallenge.objects.count() == 0


def test_register_rejects_weak_password():
    accounts.send_registration_code(MOBILE)
    with pytest.raises(DomainError) as exc:
        accounts.register_natural_person(
            id_number=new_id_number(),
            name="陈小明",
            mobile=MOBILE,
            password="12345678",
            otp_code=last_code(MOBILE),
        )
    assert exc.value.code == "weak_password"
    assert User.objects.count() == 0


def test_duplicate_id_number_is_refused_generically_after_the_code(citizen):
    before = User.objects.count()
    with pytest.raises(DomainError) as exc:
        _register(id_number=citizen.id_number)
    assert exc.value.code == "registration_refused" and exc.value.field is None
    assert "无法注册" in exc.value.message and "身份证号已注册" not in exc.value.message
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(event_type="identity.user_registered").exists()


def test_duplicate_id_number_with_a_wrong_code_looks_like_any_wrong_code(citizen):
    accounts.send_registration_code(MOBILE)
    wrong = "000000" if last_code(MOBILE) != "000000" else "111111"
    with pytest.raises(DomainError) as taken:
        _register(id_number=citizen.id_number, code=wrong)
    assert taken.value.code == "otp_invalid"
    assert User.objects.count() == 1


def test_mobile_taken_after_the_code_was_sent_is_refused_generically(citizen):
    accounts.send_registration_code(MOBILE)
    code = last_code(MOBILE)
    User.objects.filter(pk=citizen.pk).update(mobile=MOBILE)
    with pytest.raises(DomainError) as exc:
        _register(code=code)
    assert exc.value.code == "registration_refused"
    assert User.objects.count() == 1


def test_duplicate_mobile_gets_a_notice_not_a_code(citizen):
    from tongban.identity.models import SmsMessage

    taken = accounts.send_registration_code(citizen.mobile)
    free = accounts.send_registration_code(MOBILE)
    assert taken.mobile == citizen.mobile and free.mobile == MOBILE
    notice = SmsMessage.objects.get(mobile=citizen.mobile)
    assert "该手机号已注册，如非本人操作请忽略" in notice.text
    assert not re.search(r"\d{6}", notice.text)  # no code to register with
    assert "验证码" in SmsMessage.objects.get(mobile=MOBILE).text
    # the cooldown applies alike, so the two cases cannot be told apart by it either
    for mobile in (citizen.mobile, MOBILE):
        with pytest.raises(DomainError) as exc:
            accounts.send_registration_code(mobile)
        assert exc.value.code == "otp_cooldown"
    with pytest.raises(DomainError) as exc:
        _register(mobile=citizen.mobile, code="123456")
    assert exc.value.code == "otp_invalid"
    assert User.objects.count() == 1


def test_wrong_code_refuses_registration_and_counts_the_attempt():
    accounts.send_registration_code(MOBILE)
    good = last_code(MOBILE)
    wrong = "000000" if good != "000000" else "111111"
    with pytest.raises(DomainError) as exc:
        _register(code=wrong)
    assert exc.value.code == "otp_invalid"
    assert User.objects.count() == 0
    assert OtpChallenge.objects.get().attempts == 1
    assert _register(code=good).pk  # the right code still works


def test_expired_code_refuses_registration():
    accounts.send_registration_code(MOBILE)
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as exc:
        _register(code=last_code(MOBILE))
    assert exc.value.code == "otp_expired"
    assert User.objects.count() == 0


def test_code_cannot_be_reused():
    accounts.send_registration_code(MOBILE)
    code = last_code(MOBILE)
    _register(code=code)
    with pytest.raises(DomainError) as exc:
        accounts.register_natural_person(
            id_number=new_id_number(),
            name="陈小红",
            mobile="13712345679",
            password=PASSWORD,
            otp_code=code,
        )
    assert exc.value.code == "otp_not_sent"
    assert User.objects.count() == 1


# --- real-name L2 --------------------------------------------------------------------------------
def test_l2_matches_registry_and_audits():
    user = _register()
    registry_person(user.id_number, "陈小明", phone=MOBILE)
    accounts.verify_realname_l2(user, actor=user)
    user.refresh_from_db()
    assert user.realname_level == 2 and user.realname_method == "registry"
    event = AuditEvent.objects.get(event_type="identity.realname_verified")
    assert event.data["old"] == 1 and event.data["new"] == 2


@pytest.mark.parametrize(
    ("registry", "code"),
    [
        (None, "realname_not_found"),
        ({"name": "陈大明", "phone": MOBILE}, "realname_name_mismatch"),
        ({"name": "陈小明", "phone": "13900001111"}, "realname_phone_mismatch"),
        ({"name": "陈小明", "phone": MOBILE, "status": "deceased"}, "realname_deceased"),
    ],
)
def test_l2_failures_change_nothing(registry, code):
    user = _register()
    if registry:
        registry_person(user.id_number, **registry)
    before = _snapshot(user)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        accounts.verify_realname_l2(user, actor=user)
    assert exc.value.code == code
    assert exc.value.message  # a clear Chinese message
    assert _snapshot(user) == before
    assert AuditEvent.objects.count() == events


def test_l2_name_correction_only_saved_on_success():
    user = _register(name="陈晓明")
    registry_person(user.id_number, "陈小明", phone=MOBILE)
    with pytest.raises(DomainError):
        accounts.verify_realname_l2(user, actor=user, name="陈大明")
    assert _snapshot(user)[1] == "陈晓明"
    accounts.verify_realname_l2(user, actor=user, name="陈小明")
    user.refresh_from_db()
    assert user.name == "陈小明" and user.realname_level == 2


def test_l2_for_someone_else_is_refused(citizen, outsider):
    citizen.realname_level = 1
    citizen.save()
    with pytest.raises(DomainError) as exc:
        accounts.verify_realname_l2(citizen, actor=outsider)
    assert exc.value.status == 403
    assert _snapshot(citizen)[0] == 1


def test_l2_twice_is_refused(citizen):
    with pytest.raises(DomainError) as exc:
        accounts.verify_realname_l2(citizen, actor=citizen)
    assert exc.value.code == "already_verified"


# --- real-name L3 --------------------------------------------------------------------------------
def test_in_person_by_clerk_reaches_l3_and_audits_with_org_unit(citizen, clerk, gz_market_dept):
    registry_person(citizen.id_number, citizen.name, phone=citizen.mobile)
    accounts.verify_in_person(citizen, actor=clerk)
    citizen.refresh_from_db()
    assert citizen.realname_level == 3 and citizen.realname_method == "in_person"
    assert citizen.realname_verified_by == clerk
    event = AuditEvent.objects.get(event_type="identity.realname_verified")
    assert event.actor_id == clerk.pk and event.org_unit_id == gz_market_dept.pk


def test_in_person_by_non_clerk_is_refused(citizen, approver, outsider):
    registry_person(citizen.id_number, citizen.name, phone=citizen.mobile)
    for actor in (approver, outsider):
        with pytest.raises(DomainError) as exc:
            accounts.verify_in_person(citizen, actor=actor)
        assert exc.value.code == "not_window_clerk"
    assert _snapshot(citizen)[0] == 2
    assert not AuditEvent.objects.exists()


def test_face_check_simulator(citizen, settings):
    settings.FACE_CHECK_BACKEND = "tongban.identity.facecheck.SimulatorFaceCheck"
    token = accounts.start_face_check(citizen)
    with pytest.raises(DomainError) as exc:
        accounts.verify_face_check(citizen, actor=citizen, selfie="not-the-token")
    assert exc.value.code == "facecheck_failed"
    assert _snapshot(citizen)[0] == 2
    settings.FACE_CHECK_SIMULATOR_RESULT = "mismatch"
    with pytest.raises(DomainError) as exc:
        accounts.verify_face_check(citizen, actor=citizen, selfie=token)
    assert exc.value.code == "facecheck_failed"
    assert _snapshot(citizen)[0] == 2
    settings.FACE_CHECK_SIMULATOR_RESULT = "pass"
    accounts.verify_face_check(citizen, actor=citizen, selfie=token)
    citizen.refresh_from_db()
    assert citizen.realname_level == 3 and citizen.realname_method == "face_check"
    assert AuditEvent.objects.filter(event_type="identity.realname_verified").count() == 1


def test_face_check_needs_l2():
    user = _register()
    with pytest.raises(DomainError) as exc:
        accounts.verify_face_check(user, actor=user, selfie="x")
    assert exc.value.code == "realname_l2_required"


def test_face_check_unavailable_without_backend(citizen, settings):
    settings.FACE_CHECK_BACKEND = ""
    with pytest.raises(DomainError) as exc:
        accounts.verify_face_check(citizen, actor=citizen, selfie="x")
    assert exc.value.code == "facecheck_unavailable"


# --- password ----------------------------------------------------------------------------------
def test_change_password(citizen):
    with pytest.raises(DomainError) as exc:
        accounts.change_password(
            citizen, actor=citizen, old_password="wrong", new_password="Another#2026"
        )
    assert exc.value.code == "wrong_password"
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    accounts.change_password(
        citizen, actor=citizen, old_password=PASSWORD, new_password="Another#2026"
    )
    citizen.refresh_from_db()
    assert citizen.check_password("Another#2026")
    assert AuditEvent.objects.filter(event_type="identity.password_changed").count() == 1


def test_change_password_of_someone_else_is_refused(citizen, outsider):
    with pytest.raises(DomainError) as exc:
        accounts.change_password(
            citizen, actor=outsider, old_password=PASSWORD, new_password="Another#2026"
        )
    assert exc.value.status == 403
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


# --- connected applications (OIDC consents) ---------------------------------------------------
def _token(user, app, n):
    from oauth2_provider.models import AccessToken, RefreshToken

    access = AccessToken.objects.create(
        user=user,
        application=app,
        token=f"at-{user.pk}-{n}",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )
    RefreshToken.objects.create(
        user=user, application=app, token=f"rt-{user.pk}-{n}", access_token=access
    )


def _app(name, host):
    from oauth2_provider.models import Application

    return Application.objects.create(
        name=name,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=f"https://{host}/cb",
    )


def test_revoking_consent_revokes_it_and_deletes_only_this_users_tokens(citizen, outsider):
    from oauth2_provider.models import AccessToken, RefreshToken

    from tongban.identity.models import OidcConsent
    from tongban.identity.oidc import selectors as oidc_selectors
    from tongban.identity.oidc import services as oidc_services

    app, other_app = _app("市场监管系统", "dept.example"), _app("人社系统", "hr.example")
    oidc_services.grant_consent(actor=citizen, application=app, scopes=["openid", "profile"])
    oidc_services.grant_consent(actor=citizen, application=other_app, scopes=["openid"])
    oidc_services.grant_consent(actor=outsider, application=app, scopes=["openid"])
    _token(citizen, app, 1)
    _token(citizen, other_app, 2)
    _token(outsider, app, 3)
    assert sorted(c.application.name for c in oidc_selectors.consents_of(citizen)) == [
        "人社系统",
        "市场监管系统",
    ]

    # Consents are keyed by the actor: an outsider can only ever reach their own.
    oidc_services.revoke_consent(actor=outsider, application=app)
    assert AccessToken.objects.filter(user=citizen).count() == 2
    assert OidcConsent.objects.get(user=citizen, application=app).revoked_at is None

    events = AuditEvent.objects.count()
    oidc_services.revoke_consent(actor=citizen, application=app)
    assert OidcConsent.objects.get(user=citizen, application=app).revoked_at is not None
    assert not AccessToken.objects.filter(user=citizen, application=app).exists()
    assert not RefreshToken.objects.filter(user=citizen, application=app).exists()
    assert AccessToken.objects.filter(user=citizen, application=other_app).exists()
    assert [c.application.name for c in oidc_selectors.consents_of(citizen)] == ["人社系统"]
    event = AuditEvent.objects.get(event_type="identity.oidc_consent_revoked", actor=citizen)
    assert event.data["tokens_deleted"] == 2 and AuditEvent.objects.count() == events + 1

    before = (AuditEvent.objects.count(), AccessToken.objects.count())
    with pytest.raises(DomainError) as exc:  # already revoked
        oidc_services.revoke_consent(actor=citizen, application=app)
    assert exc.value.status == 404
    assert (AuditEvent.objects.count(), AccessToken.objects.count()) == before
