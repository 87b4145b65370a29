"""Accounts: natural persons (citizens) and civil servants (staff).

Companies (法人) are not login accounts of their own: a company account binds a registry
entity to the natural person who controls it (its legal representative), who may
authorise agents (经办人).
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", User.Kind.STAFF)
        return self.create_user(username, password, **extra)


class RealnameMethod(models.TextChoices):
    REGISTRY = "registry", _("人口库比对")
    IN_PERSON = "in_person", _("窗口现场核验")
    FACE_CHECK = "face_check", _("刷脸认证")


class User(AbstractBaseUser, PermissionsMixin):
    class Kind(models.TextChoices):
        NATURAL = "natural", _("自然人")
        STAFF = "staff", _("公务人员")

    class Level(models.IntegerChoices):
        L1 = 1, _("L1 注册用户")
        L2 = 2, _("L2 实名核验")
        L3 = 3, _("L3 实人认证")

    # Natural persons: the 18-digit ID number. Staff: the login name from the roster.
    username = models.CharField(_("登录名"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.NATURAL)
    name = models.CharField(_("姓名"), max_length=64)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, null=True, blank=True)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True, db_index=True)
    realname_level = models.PositiveSmallIntegerField(
        _("实名等级"), choices=Level.choices, default=Level.L1
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Django admin access only.")
    date_joined = models.DateTimeField(default=timezone.now)

    # Real-name verification: how and when the current level was reached.
    realname_method = models.CharField(
        _("认证方式"), max_length=16, choices=RealnameMethod.choices, blank=True
    )
    realname_verified_at = models.DateTimeField(_("认证时间"), null=True, blank=True)
    realname_verified_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核验人员"),
    )
    mobile_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    # Lockout after repeated failed passwords (see identity.services.auth).
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # One citizen account per mobile number (staff accounts may share a citizen's).
            models.UniqueConstraint(
                fields=["mobile"],
                condition=models.Q(kind="natural") & ~models.Q(mobile=""),
                name="uniq_natural_person_mobile",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def is_natural_person(self) -> bool:
        return self.kind == self.Kind.NATURAL

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))
