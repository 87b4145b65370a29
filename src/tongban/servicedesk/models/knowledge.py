"""Service-desk models: the knowledge base of the Q&A assistant (智能问答).

* ``FaqEntry`` — a question with its answer, maintained by a department (its ``org_unit``),
  linked to the catalogue items it points to. Active → retired (never deleted: answers given
  earlier keep their reference).
* ``AnswerLog`` — one answered question: what was asked, what was shown, the feedback given
  and the work order it was handed to. The client's address is kept only as a keyed hash
  (``client_key``), which is what the per-client rate limit counts.
* ``AnswerBoost`` — learnt from feedback: for questions with the same content words
  (``signature``) an item's score is multiplied by ``1 + weight``; ``weight`` stays within
  ``±settings.SERVICEDESK_QA_MAX_BOOST``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedManager

__all__ = ["AnswerBoost", "AnswerLog", "FaqEntry"]


class FaqEntry(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("启用")
        RETIRED = "retired", _("已停用")

    TRANSITIONS = {Status.ACTIVE: {Status.RETIRED}, Status.RETIRED: set()}

    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        related_name="faq_entries",
        verbose_name=_("维护单位"),
    )
    question = models.CharField(_("问题"), max_length=100)
    # other ways people ask the same thing, one per line
    alternatives = models.TextField(_("其他问法"), blank=True)
    answer = models.TextField(_("解答"))
    items = models.ManyToManyField(
        "catalog.ServiceItem", blank=True, related_name="faq_entries", verbose_name=_("关联事项")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")

    def __str__(self) -> str:
        return self.question

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def alternative_list(self) -> list[str]:
        return [line.strip() for line in self.alternatives.splitlines() if line.strip()]


class AnswerLog(models.Model):
    class Feedback(models.TextChoices):
        NONE = "", _("未评价")
        USEFUL = "useful", _("有帮助")
        NOT_USEFUL = "not_useful", _("没帮助")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    question = models.CharField(_("问题"), max_length=500)
    signature = models.CharField(max_length=200, db_index=True)
    # keyed SM3 hash of the client's IP address (rate limit), never the address itself
    client_key = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    channel = models.CharField(max_length=16, default="web")  # web | widget | api
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # catalogue item keys shown, best first; FAQ entries shown
    item_keys = models.JSONField(default=list)
    faq_ids = models.JSONField(default=list)
    asked_back = models.BooleanField(default=False)
    answered = models.BooleanField(default=True)  # False: no item, no FAQ (worth an entry)
    feedback = models.CharField(
        max_length=16, choices=Feedback.choices, default=Feedback.NONE, blank=True
    )
    feedback_item_key = models.CharField(max_length=80, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    work_order_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client_key", "created_at"])]
        verbose_name = _("问答记录")
        verbose_name_plural = _("问答记录")

    def __str__(self) -> str:
        return f"问答 {str(self.public_id)[:8]}"


class AnswerBoost(models.Model):
    signature = models.CharField(max_length=200)
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.CASCADE, related_name="answer_boosts"
    )
    weight = models.FloatField(default=0.0)
    useful_count = models.PositiveIntegerField(default=0)
    not_useful_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signature", "item"], name="servicedesk_boost_unique")
        ]
        verbose_name = _("回答权重调整")
        verbose_name_plural = _("回答权重调整")

    def __str__(self) -> str:
        return f"{self.signature} → {self.item_id}: {self.weight:+.2f}"
