"""Cases (办件): one unified number from application to archive.

The lifecycle is an explicit state machine (``Case.Status`` + ``TRANSITIONS``); services in
``tongban.cases.services`` are the only writers and refuse illegal transitions.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        CORRECTION_REQUESTED = "correction_requested", _("待补正")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        IN_REVIEW = "in_review", _("审查中")
        SUSPENDED = "suspended", _("特别程序")
        AWAITING_PAYMENT = "awaiting_payment", _("待缴费")
        APPROVED = "approved", _("准予许可")
        DENIED = "denied", _("不予许可")
        CONCLUDED = "concluded", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上办理")
        HALL = "hall", _("窗口办理")
        MOBILE = "mobile", _("移动端")

    # Unified case number, assigned at submission (drafts have none).
    number = models.CharField(_("办件编号"), max_length=32, unique=True, null=True, blank=True)
    implementation = models.ForeignKey(
        "catalog.Implementation", on_delete=models.PROTECT, related_name="cases"
    )
    item_version = models.ForeignKey(
        "catalog.ItemVersion", on_delete=models.PROTECT, related_name="+"
    )
    # The implementing department unit: the tenant of the case.
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.ONLINE)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    # Applying for a company (the legal rep, or an authorised agent within scope).
    company = models.ForeignKey(
        "identity.CompanyAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applicant_code = models.CharField(_("申请人证件号码"), max_length=18)
    # {"<field>": {"value": ..., "source": "registry" | "applicant"}}
    form_data = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    # Deadlines in working days from acceptance, moved out by paused periods.
    legal_deadline = models.DateField(_("法定办结日期"), null=True, blank=True)
    promised_deadline = models.DateField(_("承诺办结日期"), null=True, blank=True, db_index=True)
    paused_working_days = models.PositiveIntegerField(default=0)

    # Time limits snapshotted at acceptance (working days), from the implementation.
    legal_days = models.PositiveIntegerField(null=True, blank=True)
    promised_days = models.PositiveIntegerField(null=True, blank=True)
    # Results of the eligibility chain (joint punishment hook), shown to the clerk:
    # [{"code", "message", "blocking", "checked_at"}]
    eligibility_warnings = models.JSONField(default=list, blank=True)

    decision_reason = models.TextField(_("决定理由"), blank=True)
    remedies = models.TextField(_("救济途径"), blank=True)
    hall_visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)

    restrict_field = "org_unit"

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="uniq_case_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["org_unit", "status", "promised_deadline"])]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")

    def __str__(self) -> str:
        return self.number or f"草稿#{self.pk}"

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())

    @property
    def is_terminal(self) -> bool:
        return not TRANSITIONS.get(self.status)


_S = Case.Status

# The state machine, in one place: {from: {to, ...}}. Every lifecycle service checks it
# (``tongban.cases.services.lifecycle``) and refuses anything else with "illegal_transition".
TRANSITIONS: dict[str, frozenset[str]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED}),
    _S.SUBMITTED: frozenset({_S.IN_REVIEW, _S.NOT_ACCEPTED, _S.CORRECTION_REQUESTED, _S.WITHDRAWN}),
    # Back to submitted (correction before acceptance) or to in_review (during review).
    _S.CORRECTION_REQUESTED: frozenset({_S.SUBMITTED, _S.IN_REVIEW, _S.WITHDRAWN}),
    _S.IN_REVIEW: frozenset(
        {
            _S.APPROVED,
            _S.DENIED,
            _S.SUSPENDED,
            _S.AWAITING_PAYMENT,
            _S.CORRECTION_REQUESTED,
            _S.WITHDRAWN,
        }
    ),
    _S.SUSPENDED: frozenset({_S.IN_REVIEW, _S.WITHDRAWN}),
    _S.AWAITING_PAYMENT: frozenset({_S.IN_REVIEW, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.CONCLUDED}),
    _S.DENIED: frozenset({_S.CONCLUDED}),
    _S.NOT_ACCEPTED: frozenset(),
    _S.CONCLUDED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}
# States in which the applicant may still withdraw (before a decision).
WITHDRAWABLE = frozenset(
    {_S.SUBMITTED, _S.CORRECTION_REQUESTED, _S.IN_REVIEW, _S.SUSPENDED, _S.AWAITING_PAYMENT}
)
# States in which the time limit runs or is paused (accepted, no decision yet).
CLOCK_STATES = frozenset({_S.IN_REVIEW, _S.SUSPENDED, _S.AWAITING_PAYMENT, _S.CORRECTION_REQUESTED})


class CaseNumberSequence(models.Model):
    """Daily sequence per division: claimed with SELECT … FOR UPDATE so numbers never
    repeat or skip under concurrency."""

    division_code = models.CharField(max_length=12)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division_code", "day"], name="uniq_case_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.division_code} {self.day} #{self.last_value}"


class CaseTask(models.Model):
    """A review task of one stage (tasks of a stage run in parallel)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("未开始")
        ACTIVE = "active", _("办理中")
        APPROVED = "approved", _("同意")
        DENIED = "denied", _("不同意")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    stage_position = models.PositiveSmallIntegerField()
    stage_name = models.CharField(max_length=64)
    name = models.CharField(max_length=64)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32, default="approver")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    opinion = models.TextField(_("审查意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    restrict_field = "org_unit"

    class Meta:
        ordering = ["case", "stage_position", "id"]

    def __str__(self) -> str:
        return f"{self.stage_name}·{self.name}"


class ClockPause(models.Model):
    """A period excluded from the time limit: correction, special procedure, payment."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("补正")
        SUSPENSION = "suspension", _("特别程序")
        PAYMENT = "payment", _("缴费")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.TextField(blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    working_days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["case", "started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class CorrectionNotice(models.Model):
    """一次性告知: everything missing, listed once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    items = models.JSONField(default=list)  # [{"material": "<name>", "problem": "<text>"}]
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-created_at"]

    def __str__(self) -> str:
        return f"补正通知 {self.case}"
