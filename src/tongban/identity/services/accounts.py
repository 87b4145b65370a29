"""Citizen accounts: registration, real-name levels, password change.

Connected applications (OIDC consents) are revoked through
``tongban.identity.oidc.services.revoke_consent``.

Real-name levels: L1 registered (ID number checksum valid, mobile proven by SMS code);
L2 ID number, name and mobile match the population registry; L3 verified in person by a
window clerk or by the face-check adapter.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tongban.core import audit, codes
from tongban.core.exceptions import DomainError, PermissionDenied
from tongban.core.permissions import IDENTITY_VERIFY_REALNAME, units_for
from tongban.identity import facecheck
from tongban.identity.errors import AccountError
from tongban.identity.models import OtpPurpose, RealnameMethod, User
from tongban.identity.services import otp


def normalize_id_number(value: str) -> str:
    result = codes.require("citizen-id", (value or "").strip(), field="id_number")
    return result.normalized


def normalize_mobile(value: str) -> str:
    result = codes.require("mobile", (value or "").strip(), field="mobile")
    return result.normalized


def clean_name(value: str) -> str:
    name = "".join((value or "").split())
    if not (2 <= len(name) <= 30) or any(ch.isdigit() for ch in name):
        raise DomainError(
            AccountError.INVALID_NAME, _("请输入与身份证一致的姓名（2–30 个字）。"), field="name"
        )
    return name


def _check_password_strength(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise DomainError(
            AccountError.WEAK_PASSWORD,
            " ".join(exc.messages),
            field="new_password" if user and user.pk else "password",
        ) from exc


# Registration must not tell a stranger whether an ID number or mobile already has an
# account (account enumeration). The SMS code is checked first; a taken mobile gets a notice
# instead of a code (only the phone's owner learns it is registered); a valid code for a
# taken ID number or mobile gets one generic refusal. (Code kept here: the identity errors
# module lists the other codes.)
REGISTRATION_REFUSED = "registration_refused"
REGISTERED_NOTICE = "【广东政务服务】该手机号已注册，如非本人操作请忽略。"


def _registration_refused() -> DomainError:
    return DomainError(
        REGISTRATION_REFUSED,
        _("该证件或手机号无法注册，如已注册请直接登录。"),
        status=409,
    )


def _mobile_taken(mobile: str) -> bool:
    return User.objects.filter(kind=User.Kind.NATURAL, mobile=mobile).exists()


def send_registration_code(mobile: str, *, ip: str | None = None):
    """Send the SMS code that proves possession of ``mobile`` for a new registration.

    The answer is the same whether or not the mobile is taken; when it is, the SMS says so
    (to the phone's owner) instead of carrying a code. Cooldown and limits apply alike."""
    mobile = normalize_mobile(mobile)
    notice = REGISTERED_NOTICE if _mobile_taken(mobile) else None
    return otp.issue_otp(mobile, OtpPurpose.REGISTER, ip=ip, notice=notice)


def register_natural_person(
    *, id_number: str, name: str, mobile: str, password: str, otp_code: str
) -> User:
    """Create an L1 citizen account; username is the normalised 18-digit ID number.

    The SMS code is verified (and spent) before looking for existing accounts; a taken ID
    number or mobile then gets the generic ``registration_refused``."""
    id_number = normalize_id_number(id_number)
    name = clean_name(name)
    mobile = normalize_mobile(mobile)
    candidate = User(username=id_number, id_number=id_number, name=name, mobile=mobile)
    _check_password_strength(password, candidate)
    # Spends the code (its attempt counter commits even if the code is wrong).
    otp.verify_otp(mobile, OtpPurpose.REGISTER, otp_code)
    if (
        User.objects.filter(id_number=id_number).exists()
        or User.objects.filter(username=id_number).exists()
        or _mobile_taken(mobile)
    ):
        raise _registration_refused()
    now = timezone.now()
    try:
        with transaction.atomic():
            user = User(
                username=id_number,
                id_number=id_number,
                name=name,
                mobile=mobile,
                kind=User.Kind.NATURAL,
                realname_level=User.Level.L1,
                mobile_verified_at=now,
            )
            user.set_password(password)
            user.save(force_insert=True)
            audit.record(
                "identity.user_registered", actor=user, target=user, data={"realname_level": 1}
            )
    except IntegrityError as exc:  # a concurrent registration won the race
        raise _registration_refused() from exc
    return user


REGISTRY_REASONS = {
    "not_found": (
        AccountError.REALNAME_NOT_FOUND,
        _l("人口库中没有该身份证号的记录，请核对后再试，或到政务服务窗口办理。"),
        "id_number",
    ),
    "name_mismatch": (
        AccountError.REALNAME_NAME_MISMATCH,
        _l("姓名与身份证号不一致，请按身份证上的姓名填写。"),
        "name",
    ),
    "phone_mismatch": (
        AccountError.REALNAME_PHONE_MISMATCH,
        _l("手机号与人口库登记的号码不一致，请到政务服务窗口办理实名核验。"),
        "mobile",
    ),
    "deceased": (
        AccountError.REALNAME_DECEASED,
        _l("该身份信息状态异常，无法完成实名核验，请到政务服务窗口咨询。"),
        "id_number",
    ),
    "cancelled": (
        AccountError.REALNAME_CANCELLED,
        _l("该身份证号的户籍已注销，无法完成实名核验，请到政务服务窗口咨询。"),
        "id_number",
    ),
}


def _registry_match(id_number: str, name: str, phone: str | None) -> None:
    from tongban.registries.selectors import match_person

    result = match_person(id_number, name, phone=phone)
    if result.ok:
        return
    code, message, field = REGISTRY_REASONS.get(
        result.reason,
        (AccountError.REALNAME_UNAVAILABLE, _l("实名核验暂时无法完成，请稍后再试。"), None),
    )
    raise DomainError(code, str(message), field=field)


def _require_natural(user) -> None:
    if user.kind != User.Kind.NATURAL or not user.id_number:
        raise DomainError(AccountError.NOT_NATURAL_PERSON, _("仅自然人账号可以办理实名认证。"))


def _set_level(user, level, method, *, actor, verified_by=None, org_unit=None, data=None):
    old = user.realname_level
    user.realname_level = level
    user.realname_method = method
    user.realname_verified_at = timezone.now()
    user.realname_verified_by = verified_by
    user.save(
        update_fields=[
            "realname_level",
            "realname_method",
            "realname_verified_at",
            "realname_verified_by",
            "name",
        ]
    )
    audit.record(
        "identity.realname_verified",
        actor=actor,
        target=user,
        org_unit=org_unit,
        data={"old": old, "new": level, "method": method, **(data or {})},
    )


def verify_realname_l2(user, *, actor, name: str | None = None) -> User:
    """L2: ID number, name and mobile match the population registry. Nothing changes on failure.

    ``name`` corrects the account's name when given (saved only if the registry agrees).
    """
    if actor.pk != user.pk:
        raise PermissionDenied("forbidden", _("只能为本人账号办理实名认证。"))
    _require_natural(user)
    if user.realname_level >= User.Level.L2:
        raise DomainError(AccountError.ALREADY_VERIFIED, _("账号已完成实名核验。"))
    checked_name = clean_name(name) if name else user.name
    _registry_match(user.id_number, checked_name, user.mobile or None)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.realname_level >= User.Level.L2:
            raise DomainError(AccountError.ALREADY_VERIFIED, _("账号已完成实名核验。"))
        locked.name = checked_name
        _set_level(locked, User.Level.L2, RealnameMethod.REGISTRY, actor=actor)
    return locked


def _clerk_org_unit(actor):
    """The (topmost) org unit in which ``actor`` may verify people in person."""
    org_unit = units_for(actor, IDENTITY_VERIFY_REALNAME).order_by("path").first()
    if org_unit is None:
        raise PermissionDenied(
            AccountError.NOT_WINDOW_CLERK, _("只有窗口受理员可以办理现场实人认证。")
        )
    return org_unit


def verify_in_person(user, *, actor) -> User:
    """L3 by a window clerk who has checked the person and the ID card face to face."""
    org_unit = _clerk_org_unit(actor)
    _require_natural(user)
    if user.realname_level >= User.Level.L3:
        raise DomainError(AccountError.ALREADY_VERIFIED, _("账号已完成实人认证。"))
    _registry_match(user.id_number, user.name, None)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _set_level(
            locked,
            User.Level.L3,
            RealnameMethod.IN_PERSON,
            actor=actor,
            verified_by=actor,
            org_unit=org_unit,
        )
    return locked


def start_face_check(user) -> str:
    _require_natural(user)
    if user.realname_level < User.Level.L2:
        raise DomainError(AccountError.REALNAME_L2_REQUIRED, _("请先完成 L2 实名核验。"))
    return facecheck.get_backend().start(user)


FACE_REASONS = {
    "liveness_failed": _l("活体检测未通过，请正对镜头、光线充足后重试。"),
    "mismatch": _l("人脸与身份证照片比对不一致。"),
}


def verify_face_check(user, *, actor, selfie: str) -> User:
    """L3 through the face-check adapter (simulator in demo mode)."""
    if actor.pk != user.pk:
        raise PermissionDenied("forbidden", _("只能为本人账号办理实人认证。"))
    _require_natural(user)
    if user.realname_level >= User.Level.L3:
        raise DomainError(AccountError.ALREADY_VERIFIED, _("账号已完成实人认证。"))
    if user.realname_level < User.Level.L2:
        raise DomainError(AccountError.REALNAME_L2_REQUIRED, _("请先完成 L2 实名核验。"))
    result = facecheck.get_backend().verify(user, selfie)
    if not result.ok:
        raise DomainError(
            AccountError.FACECHECK_FAILED,
            str(FACE_REASONS.get(result.reason, _l("刷脸认证未通过。"))),
            field="selfie",
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _set_level(locked, User.Level.L3, RealnameMethod.FACE_CHECK, actor=actor)
    return locked


def change_password(user, *, actor, old_password: str, new_password: str) -> User:
    """Change the password. Other sessions stop validating (Django's session auth hash);
    the page keeps the current one with ``update_session_auth_hash``."""
    if actor.pk != user.pk:
        raise PermissionDenied("forbidden", _("只能修改本人账号的密码。"))
    if not user.check_password(old_password):
        raise DomainError(AccountError.WRONG_PASSWORD, _("原密码不正确。"), field="old_password")
    _check_password_strength(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit.record("identity.password_changed", actor=actor, target=user)
    return user
