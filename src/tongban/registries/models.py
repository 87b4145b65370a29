"""The base registries (一数一源): population and legal entities.

They are the platform's single authoritative copy of who a person or a company is: real-name
checks (identity) and form pre-filling (cases) read them; nothing else keeps its own copy.
Registries are province-wide, not tenant-owned: reads are gated by the
``registries.view_person`` / ``registries.view_entity`` permissions, and personal data is
masked unless the reader holds ``core.view_pii`` for the person's region.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.registries.choices import EntityStatus, EntityType, Gender, PersonStatus


class Person(models.Model):
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    # Household registration (户籍): county-level division code and address.
    division_code = models.CharField(_("户籍地区划"), max_length=6, db_index=True)
    address = models.CharField(_("户籍地址"), max_length=200)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=PersonStatus.choices, default=PersonStatus.NORMAL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人口")
        verbose_name_plural = _("人口库")

    def __str__(self) -> str:
        return self.name


class LegalEntity(models.Model):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    entity_type = models.CharField(_("主体类型"), max_length=32, choices=EntityType.choices)
    legal_rep_id_number = models.CharField(_("法定代表人身份证号"), max_length=18, db_index=True)
    legal_rep_name = models.CharField(_("法定代表人"), max_length=64)
    address = models.CharField(_("住所"), max_length=200)
    division_code = models.CharField(_("登记地区划"), max_length=6, db_index=True)
    status = models.CharField(
        _("登记状态"), max_length=16, choices=EntityStatus.choices, default=EntityStatus.ACTIVE
    )
    established_date = models.DateField(_("成立日期"))
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    business_scope = models.TextField(_("经营范围"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人库")

    def __str__(self) -> str:
        return self.name
