"""Login security records: one-time codes, login history, known devices, the SMS outbox.

All counters live in the database (not a per-process cache) so lockout and rate limits hold
across several app processes.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.masking import mask_mobile


class OtpPurpose(models.TextChoices):
    REGISTER = "register", _("注册")
    LOGIN = "login", _("登录")


class OtpChallenge(models.Model):
    """A 6-digit code sent by SMS. Only its keyed hash is stored.

    At most one challenge per (mobile, purpose) is active: issuing a new one supersedes the
    previous. A challenge is spent when verified, and dead after too many wrong tries.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        USED = "used", _("已使用")
        SUPERSEDED = "superseded", _("已被替换")
        LOCKED = "locked", _("尝试次数过多")

    mobile = models.CharField(_("手机号"), max_length=11)
    purpose = models.CharField(_("用途"), max_length=16, choices=OtpPurpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="otp_challenges",
    )
    code_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["mobile", "purpose", "status"])]
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {mask_mobile(self.mobile)}"


class LoginEvent(models.Model):
    """One login attempt: the user's login history and the source of lockout/rate counts."""

    class Result(models.TextChoices):
        SUCCEEDED = "succeeded", _("成功")
        BAD_CREDENTIALS = "bad_credentials", _("账号或密码错误")
        LOCKED = "locked", _("账号已锁定")
        OTP_FAILED = "otp_failed", _("验证码错误")
        RATE_LIMITED = "rate_limited", _("尝试过于频繁")
        INACTIVE = "inactive", _("账号已停用")

    class Method(models.TextChoices):
        PASSWORD = "password", _("密码")
        PASSWORD_SMS = "password_sms", _("密码+短信验证码")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="login_events",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    result = models.CharField(_("结果"), max_length=20, choices=Result.choices)
    method = models.CharField(_("方式"), max_length=20, choices=Method.choices)
    new_device = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "result", "created_at"])]
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_result_display()}"


class KnownDevice(models.Model):
    """A browser the user has logged in from (identified by a long-lived signed cookie)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices"
    )
    device_id = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    last_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "device_id"], name="uniq_known_device")
        ]
        verbose_name = _("常用设备")
        verbose_name_plural = _("常用设备")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.device_id[:8]}"


class SmsMessage(models.Model):
    """Outbox of the built-in SMS simulator (demo mode): operators read it in the console."""

    mobile = models.CharField(_("手机号"), max_length=11, db_index=True)
    text = models.CharField(_("内容"), max_length=500)
    purpose = models.CharField(_("类别"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信（模拟器）")
        verbose_name_plural = _("短信（模拟器）")

    def __str__(self) -> str:
        return f"{self.mobile}: {self.text[:20]}"
