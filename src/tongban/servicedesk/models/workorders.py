"""12345 hotline work orders (工单): the order, its timeline, and the notices it sends.

Lifecycle (STANDARDS §12: 受理 → 派单 → 办理 → 回复 → 督办 → 办结 → 回访 → 评价)::

    accepted ──dispatch──▶ dispatched ──reply──▶ replied ──conclude──▶ concluded
       ▲  │                  │    ▲                 │                     │
       │  └─link─▶ linked    │    └──send back (督办)┘          callback  │  rate
       └──────return─────────┘                                  ▼        ▼
                                                           called_back ─rate─▶ rated

* ``accepted`` (已受理): registered, waiting for the hotline to dispatch it.
* ``dispatched`` (办理中): with a department (``org_unit``); the department replies, or
  returns a wrongly dispatched order with a reason (back to ``accepted``, ``return_count``).
* ``replied`` (已回复): the department's answer waits for the hotline's review; the hotline
  concludes it or sends it back with a supervision note (督办, back to ``dispatched``).
* ``concluded`` (已办结): the answer reaches the citizen; duplicates linked to this order
  (``linked``, 已并案) are concluded with the same answer.
* ``called_back`` (已回访) and ``rated`` (已评价) close the loop.

督办 is also a flag (``is_supervised``): set when the hotline sends a reply back, presses
"督办" on an order in progress, or when the periodic escalation finds it overdue.

Tenancy: ``hotline_unit`` is the city's region unit whose 12345 centre owns the order (the
hotline reads through it); ``org_unit`` is the department it is dispatched to (departments
read through it, and only while it is theirs).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedManager

__all__ = ["WorkOrder", "WorkOrderEvent", "WorkOrderNotice"]


class WorkOrder(models.Model):
    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("咨询")
        COMPLAINT = "complaint", _("投诉")
        SUGGESTION = "suggestion", _("建议")
        HELP = "help", _("求助")

    class Channel(models.TextChoices):
        WEB = "web", _("网站")
        CHAT = "chat", _("智能客服转人工")
        HOTLINE = "hotline", _("12345热线")
        OPEN311 = "open311", _("Open311接口")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已受理")
        DISPATCHED = "dispatched", _("办理中")
        REPLIED = "replied", _("已回复")
        CONCLUDED = "concluded", _("已办结")
        CALLED_BACK = "called_back", _("已回访")
        RATED = "rated", _("已评价")
        LINKED = "linked", _("已并案")

    class RatingChannel(models.TextChoices):
        ONLINE = "online", _("网上评价")
        HOTLINE = "hotline", _("12345回访评价")

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        BASICALLY_SATISFIED = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    OPEN_STATUSES = (Status.ACCEPTED, Status.DISPATCHED, Status.REPLIED, Status.LINKED)
    DONE_STATUSES = (Status.CONCLUDED, Status.CALLED_BACK, Status.RATED)

    number = models.CharField(_("工单编号"), max_length=32, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    is_urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACCEPTED, db_index=True
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("诉求内容"))
    # Normalised terms of title + content (jieba), used by duplicate detection.
    terms = models.JSONField(default=list, blank=True)

    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_mobile = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    submitter_ip = models.GenericIPAddressField(null=True, blank=True)
    division_code = models.CharField(_("所在区划"), max_length=12, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True)
    service_code = models.CharField(_("Open311服务代码"), max_length=32, blank=True)
    open311_client = models.CharField(max_length=100, blank=True)

    hotline_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("受理中心")
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    suggested_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议承办部门"),
    )
    master = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("并入工单"),
    )

    accepted_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateField(_("办理时限"))
    dispatched_at = models.DateTimeField(null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(default=0)
    last_return_reason = models.CharField(max_length=500, blank=True)
    is_supervised = models.BooleanField(_("督办"), default=False)
    supervised_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    callback_note = models.TextField(_("回访记录"), blank=True)
    called_back_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评价"), choices=Level.choices, null=True, blank=True
    )
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rating_channel = models.CharField(
        _("评价渠道"), max_length=16, choices=RatingChannel.choices, blank=True
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    restrict_field = "org_unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["hotline_unit", "status", "deadline"]),
            models.Index(fields=["org_unit", "status", "deadline"]),
            models.Index(fields=["submitter", "accepted_at"]),
        ]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.deadline

    @property
    def can_be_rated(self) -> bool:
        return self.status in (self.Status.CONCLUDED, self.Status.CALLED_BACK)


class WorkOrderEvent(models.Model):
    """One step of an order's timeline (shown to the citizen; the audit chain has the
    authoritative record)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor_name = models.CharField(max_length=100, blank=True)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.action}"


class WorkOrderNotice(models.Model):
    """A site message about an order: to a citizen (``user``) or to the staff of a unit
    (``org_unit``: the department, or the hotline centre's supervisors)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:30]
