"""Applicant notifications at each step: a site message (``Notification``) and an SMS.

Texts are Chinese, name the case number and the item, and carry no personal data beyond the
masked applicant name. The SMS goes out after the transaction commits
(``transaction.on_commit``); an SMS failure never undoes the case change (it is logged).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.cases.models.case import Case
from tongban.cases.models.notifications import Notification
from tongban.core.masking import mask_name

logger = logging.getLogger(__name__)

SMS_PURPOSE = "case_status"

# event → message template; placeholders: name (masked), number, item, extra
_TEMPLATES = {
    "submitted": "{name}，您申请的“{item}”已提交，办件编号 {number}。",
    "accepted": "{name}，您的办件 {number}（{item}）已受理，承诺办结日期 {deadline}。",
    "not_accepted": "{name}，您的办件 {number}（{item}）不予受理，请登录查看原因。",
    "correction_requested": "{name}，您的办件 {number}（{item}）需要补正材料，请登录查看一次性告知内容。",
    "correction_submitted": "{name}，您的办件 {number}（{item}）补正材料已提交。",
    "suspended": "{name}，您的办件 {number}（{item}）进入特别程序，期间不计入办理时限。",
    "resumed": "{name}，您的办件 {number}（{item}）特别程序结束，恢复办理。",
    "awaiting_payment": "{name}，您的办件 {number}（{item}）待缴费，请登录缴纳费用。",
    "payment_received": "{name}，您的办件 {number}（{item}）已收到缴费，继续办理。",
    "approved": "{name}，您的办件 {number}（{item}）已准予许可。",
    "denied": "{name}，您的办件 {number}（{item}）不予许可，请登录查看理由和救济途径。",
    "concluded": "{name}，您的办件 {number}（{item}）已办结，欢迎对本次服务进行评价。",
    "withdrawn": "{name}，您的办件 {number}（{item}）已撤回。",
}
EVENTS = tuple(_TEMPLATES)


def message_for(case: Case, event: str) -> str:
    template = _TEMPLATES[event]
    return _(template).format(
        name=mask_name(case.applicant_name) or _("申请人"),
        number=case.number or "",
        item=case.item_version.item.name,
        deadline=case.promised_deadline.isoformat() if case.promised_deadline else "-",
    )


def _send_sms_after_commit(mobile: str, text: str) -> None:
    def send():
        from tongban.identity.sms import send_sms

        try:
            with transaction.atomic():
                send_sms(mobile, text, purpose=SMS_PURPOSE)
        except Exception:  # noqa: BLE001 - an SMS outage must not break the case
            logger.exception("case notification SMS failed")

    transaction.on_commit(send)


def notify_applicant(case: Case, event: str) -> Notification:
    """Site message now (in the caller's transaction), SMS after commit."""
    text = message_for(case, event)
    notification = Notification.objects.create(user=case.applicant, case=case, text=text[:500])
    mobile = getattr(case.applicant, "mobile", "") or ""
    if mobile:
        _send_sms_after_commit(mobile, text)
    return notification


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user):
    return Notification.objects.filter(user=user).select_related("case")


def mark_read(user, notification_ids=None) -> int:
    from django.utils import timezone

    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())
