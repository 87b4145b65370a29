"""Choices of the registries (population and legal entities)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PersonStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    DECEASED = "deceased", _("死亡")
    CANCELLED = "cancelled", _("注销")


class EntityStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("吊销")


class EntityType(models.TextChoices):
    """Derived from the USCC's registration authority (char 1) and institution type (char 2),
    GB 32100-2015."""

    ENTERPRISE = "enterprise", _("企业")
    SOLE_TRADER = "sole_trader", _("个体工商户")
    FARMER_COOP = "farmer_coop", _("农民专业合作社")
    GOVERNMENT = "government", _("机关")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    MASS_ORGANISATION = "mass_organisation", _("群众团体")
    SOCIAL_ORGANISATION = "social_organisation", _("社会团体")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("民办非企业单位")
    FOUNDATION = "foundation", _("基金会")
    OTHER = "other", _("其他")


# (authority, type) → entity type; anything else is OTHER.
USCC_ENTITY_TYPES = {
    ("9", "1"): EntityType.ENTERPRISE,
    ("9", "2"): EntityType.SOLE_TRADER,
    ("9", "3"): EntityType.FARMER_COOP,
    ("1", "1"): EntityType.GOVERNMENT,
    ("1", "2"): EntityType.PUBLIC_INSTITUTION,
    ("1", "3"): EntityType.MASS_ORGANISATION,
    ("5", "1"): EntityType.SOCIAL_ORGANISATION,
    ("5", "2"): EntityType.PRIVATE_NON_ENTERPRISE,
    ("5", "3"): EntityType.FOUNDATION,
}


def entity_type_from_uscc(uscc: str) -> str:
    return USCC_ENTITY_TYPES.get((uscc[:1], uscc[1:2]), EntityType.OTHER)
