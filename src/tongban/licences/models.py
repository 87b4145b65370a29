"""Trusted electronic licences (可信电子证照) and electronic seals (电子印章).

* ``LicenceType`` — catalogue metadata (GB/T 36902/36903): type code, defining authority,
  holder type, validity, trust level, field schema and render layout.
* ``Seal`` / ``SealKey`` — a department's seal; each key pair (private key envelope-encrypted
  at rest) carries a seal certificate (GB/T 38540 ``SESeal``-like DER signed by the platform
  key). Rotating adds a key; old keys stay for verification.
* ``Licence`` — one version of one licence (GB/T 36904 identifier), its fields, the signed
  canonical data and the ``SES_Signature``-like DER signature.
* ``ShareLink`` / ``LicenceUsage`` — purpose-bound sharing and the holder-readable usage log.
* ``TrustedIssuer`` — public keys of other platforms' issuers whose licences verify here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderType(models.TextChoices):
    NATURAL = "natural", _("自然人")
    LEGAL = "legal", _("法人")


class LicenceType(models.Model):
    class TrustLevel(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    key = models.SlugField(max_length=64, unique=True)  # stable slug from the data file
    code = models.CharField(
        _("证照类型代码"), max_length=21, unique=True
    )  # authority USCC + 3 digits
    name = models.CharField(_("证照类型名称"), max_length=100)
    defining_authority = models.CharField(_("证照定义机构"), max_length=100)
    defining_authority_uscc = models.CharField(_("定义机构代码"), max_length=18)
    department_name = models.CharField(_("颁发部门"), max_length=64)
    holder_type = models.CharField(_("持证主体类型"), max_length=16, choices=HolderType.choices)
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), default=0)  # 0 = no expiry
    trust_level = models.CharField(
        _("可信级别"), max_length=1, choices=TrustLevel.choices, default="A"
    )
    # [{"name", "label", "type", "required", "source"}] — source maps a field from the case /
    # registries at automatic issuance ("entity.name", "person.name", "case.<form field>"...).
    field_schema = models.JSONField(_("照面信息项"), default=list, blank=True)
    layout = models.JSONField(_("版式"), default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")

    def __str__(self) -> str:
        return self.name


class Seal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        SUSPENDED = "suspended", _("暂停使用")
        REVOKED = "revoked", _("已注销")

    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("印章名称"), max_length=100)
    esid = models.CharField(_("印章编码"), max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    created_at = models.DateTimeField(auto_now_add=True)
    status_reason = models.CharField(max_length=200, blank=True)

    restrict_field = "org_unit"

    class Meta:
        ordering = ["org_unit__code", "name"]
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")

    def __str__(self) -> str:
        return self.name


class SealKey(models.Model):
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="keys")
    fingerprint = models.CharField(max_length=64, unique=True)  # SM3 of the DER public key
    public_pem = models.TextField()
    private_key_encrypted = models.TextField()  # envelope token (SM4-GCM under the master key)
    certificate_der = models.BinaryField()  # SESeal-like structure signed by the platform key
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seal", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["seal"], condition=models.Q(is_active=True), name="one_active_key_per_seal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seal} {self.fingerprint[:12]}"


class LicenceNumberSequence(models.Model):
    """Numbers per (type, issuer) allocated under a row lock: no gaps, no repeats."""

    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["licence_type", "issuer"], name="uniq_licence_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.licence_type_id}/{self.issuer_id}#{self.last_value}"


class Licence(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("已暂停")
        REVOKED = "revoked", _("已撤销")
        SUPERSEDED = "superseded", _("已被新版本替代")
        EXPIRED = "expired", _("已过期")

    identifier = models.CharField(_("证照标识"), max_length=128, unique=True)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences")
    issuer = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    seal_key = models.ForeignKey(SealKey, on_delete=models.PROTECT, related_name="licences")
    number = models.CharField(_("证照编号"), max_length=32)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    holder_type = models.CharField(max_length=16, choices=HolderType.choices)
    holder_name = models.CharField(_("持证主体"), max_length=200)
    holder_code = models.CharField(_("持证主体代码"), max_length=18, db_index=True)  # ID no. / USCC
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_company = models.ForeignKey(
        "identity.CompanyAccount", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fields = models.JSONField(default=dict)
    issued_on = models.DateField(_("颁证日期"))
    valid_from = models.DateField(_("有效期起始"))
    valid_to = models.DateField(_("有效期截止"), null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.VALID, db_index=True
    )
    status_reason = models.CharField(max_length=200, blank=True)
    signed_data = models.BinaryField()  # canonical JSON of metadata + fields (UTF-8, sorted keys)
    signature_der = models.BinaryField()  # SES_Signature-like DER
    source_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    restrict_field = "issuer"

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.number}"


class ShareLink(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="shares")
    token = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(_("用途"), max_length=100)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.licence} → {self.purpose}"


class LicenceUsage(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", _("办事使用")
        SHARE_VIEW = "share_view", _("分享查看")
        DOWNLOAD = "download", _("下载")
        VERIFICATION = "verification", _("核验")

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="usages")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    used_by = models.CharField(_("使用方"), max_length=200)  # person / department / share viewer
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    share = models.ForeignKey(
        ShareLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.licence} {self.kind}"


class TrustedIssuer(models.Model):
    """Another platform's issuer key: its licences verify here (trust list)."""

    name = models.CharField(max_length=200)
    issuer_code = models.CharField(max_length=18, db_index=True)  # issuer USCC in identifiers
    fingerprint = models.CharField(max_length=64, unique=True)
    public_pem = models.TextField()
    is_active = models.BooleanField(default=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
