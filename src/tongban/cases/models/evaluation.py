"""好差评: one rating per concluded case; a bad rating opens a rectification item."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedManager


class Evaluation(models.Model):
    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        BASICALLY_SATISFIED = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    # Fixed tag lists per polarity (好评: 非常满意/满意/基本满意; 差评: 不满意/非常不满意).
    GOOD_TAGS = ("办事快", "态度好", "材料少", "一次办成")
    BAD_TAGS = ("时间长", "来回跑", "材料多", "态度差", "流程不清")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="evaluation")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    tags = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=16, default="online")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    restrict_field = "case__org_unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level <= self.Level.DISSATISFIED

    @classmethod
    def level_is_bad(cls, level: int) -> bool:
        return level <= cls.Level.DISSATISFIED

    @classmethod
    def tags_for_level(cls, level: int) -> tuple[str, ...]:
        """The tags an applicant may pick for a rating at ``level``."""
        return cls.BAD_TAGS if cls.level_is_bad(level) else cls.GOOD_TAGS


class Rectification(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        CALLED_BACK = "called_back", _("已回访")
        CLOSED = "closed", _("已办结")

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="rectification"
    )
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField()
    callback_note = models.TextField(_("回访记录"), blank=True)
    called_back_at = models.DateTimeField(null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.TextField(_("整改结果"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    restrict_field = "org_unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["org_unit", "status", "deadline"])]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"整改 {self.evaluation.case}"

    def is_overdue(self, today=None) -> bool:
        """Still open (or only called back) after its deadline."""
        if self.status == self.Status.CLOSED:
            return False
        return (today or timezone.localdate()) > self.deadline
