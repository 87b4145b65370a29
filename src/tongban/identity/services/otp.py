"""One-time SMS codes (6 digits): issue and verify.

Codes are stored as a keyed hash, expire after ``TONGBAN_OTP_TTL`` seconds (300), allow
``TONGBAN_OTP_MAX_ATTEMPTS`` wrong tries (5), and at most one is active per mobile and
purpose; a new one may be requested after ``TONGBAN_OTP_RESEND_SECONDS`` (60). Sends are
rate-limited per client IP and per mobile over a sliding hour.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from tongban.core.exceptions import DomainError
from tongban.core.middleware import current_client_ip
from tongban.identity import sms
from tongban.identity.errors import OtpError
from tongban.identity.models import OtpChallenge, OtpPurpose


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def otp_ttl() -> int:
    return _setting("TONGBAN_OTP_TTL", 300)


def otp_max_attempts() -> int:
    return _setting("TONGBAN_OTP_MAX_ATTEMPTS", 5)


def otp_resend_seconds() -> int:
    return _setting("TONGBAN_OTP_RESEND_SECONDS", 60)


def _hash(mobile: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "tongban.identity.otp", f"{mobile}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


MESSAGES = {
    OtpPurpose.REGISTER: "【广东政务服务】您正在注册通办账号，验证码 {code}，{minutes}分钟内有效。请勿告诉他人。",
    OtpPurpose.LOGIN: "【广东政务服务】您正在登录通办，验证码 {code}，{minutes}分钟内有效。如非本人操作请修改密码。",
}


def issue_otp(
    mobile: str, purpose: str, *, user=None, ip: str | None = None, notice: str | None = None
) -> OtpChallenge:
    """Create a new code for (mobile, purpose), supersede the previous one, send it by SMS.

    ``ip`` (for the per-IP limit) defaults to the request's proxy-aware client address.
    With ``notice`` the SMS carries that text instead of the code: the challenge is still
    created (same cooldown and limits, so callers cannot tell the cases apart) but its code
    is never revealed, so it cannot be used."""
    ip = ip or current_client_ip() or None
    now = timezone.now()
    with transaction.atomic():
        last = (
            OtpChallenge.objects.filter(mobile=mobile, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if last and last.created_at > now - timedelta(seconds=otp_resend_seconds()):
            wait = otp_resend_seconds() - int((now - last.created_at).total_seconds())
            raise DomainError(
                OtpError.OTP_COOLDOWN,
                _("验证码已发送，请 %(s)d 秒后再重新获取。") % {"s": max(wait, 1)},
                field="mobile",
                status=429,
            )
        hour_ago = now - timedelta(hours=1)
        if ip and OtpChallenge.objects.filter(ip=ip, created_at__gte=hour_ago).count() >= _setting(
            "TONGBAN_OTP_IP_HOURLY_LIMIT", 20
        ):
            raise DomainError(
                OtpError.OTP_RATE_LIMITED, _("获取验证码过于频繁，请稍后再试。"), status=429
            )
        if OtpChallenge.objects.filter(mobile=mobile, created_at__gte=hour_ago).count() >= _setting(
            "TONGBAN_OTP_MOBILE_HOURLY_LIMIT", 10
        ):
            raise DomainError(
                OtpError.OTP_RATE_LIMITED,
                _("该手机号获取验证码过于频繁，请稍后再试。"),
                field="mobile",
                status=429,
            )
        OtpChallenge.objects.filter(
            mobile=mobile, purpose=purpose, status=OtpChallenge.Status.ACTIVE
        ).update(status=OtpChallenge.Status.SUPERSEDED)
        code = f"{secrets.randbelow(10**6):06d}"
        challenge = OtpChallenge.objects.create(
            mobile=mobile,
            purpose=purpose,
            user=user,
            code_hash=_hash(mobile, purpose, code),
            created_at=now,
            expires_at=now + timedelta(seconds=otp_ttl()),
            ip=ip or None,
        )
        template = MESSAGES.get(purpose, MESSAGES[OtpPurpose.LOGIN])
        if notice is not None:
            sms.send_sms(mobile, notice, purpose=f"notice_{purpose}")
        else:
            sms.send_sms(
                mobile,
                template.format(code=code, minutes=max(otp_ttl() // 60, 1)),
                purpose=f"otp_{purpose}",
            )
    return challenge


def verify_otp(mobile: str, purpose: str, code: str) -> OtpChallenge:
    """Spend the active code for (mobile, purpose) or raise otp_* errors.

    The attempt counter is committed even when the code is wrong, so call this outside the
    caller's own transaction.
    """
    now = timezone.now()
    code = (code or "").strip()
    error = None
    with transaction.atomic():
        challenge = (
            OtpChallenge.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose)
            .exclude(status=OtpChallenge.Status.SUPERSEDED)
            .order_by("-created_at", "-id")
            .first()
        )
        if challenge is None or challenge.status == OtpChallenge.Status.USED:
            error = DomainError(OtpError.OTP_NOT_SENT, _("请先获取短信验证码。"), field="code")
        elif challenge.status == OtpChallenge.Status.LOCKED:
            error = _attempts_exceeded()
        elif challenge.expires_at <= now:
            error = DomainError(OtpError.OTP_EXPIRED, _("验证码已过期，请重新获取。"), field="code")
        elif not constant_time_compare(_hash(mobile, purpose, code), challenge.code_hash):
            challenge.attempts += 1
            if challenge.attempts >= otp_max_attempts():
                challenge.status = OtpChallenge.Status.LOCKED
                error = _attempts_exceeded()
            else:
                error = DomainError(
                    OtpError.OTP_INVALID,
                    _("验证码错误，还可尝试 %(n)d 次。")
                    % {"n": otp_max_attempts() - challenge.attempts},
                    field="code",
                )
            challenge.save(update_fields=["attempts", "status"])
        else:
            challenge.status = OtpChallenge.Status.USED
            challenge.used_at = now
            challenge.save(update_fields=["status", "used_at"])
    if error is not None:
        raise error
    return challenge


def _attempts_exceeded() -> DomainError:
    return DomainError(
        OtpError.OTP_ATTEMPTS_EXCEEDED,
        _("验证码错误次数过多，请重新获取。"),
        field="code",
        status=429,
    )
