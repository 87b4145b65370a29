"""好差评: one rating per concluded case; a bad rating opens a rectification item."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Evaluation(models.Model):
    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        BASICALLY_SATISFIED = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="evaluation")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    tags = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=16, default="online")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level <= self.Level.DISSATISFIED


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
    callback_note = models.TextField(blank=True)
    result = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    restrict_field = "org_unit"

    def __str__(self) -> str:
        return f"整改 {self.evaluation.case}"
