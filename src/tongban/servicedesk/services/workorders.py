"""12345 work orders: every change of an order's state (受理 → 派单 → 办理 → 回复 → 督办 →
办结 → 回访 → 评价). See ``servicedesk.models.workorders`` for the state machine.

Each function locks the order (``select_for_update``), refuses an illegal transition with
``illegal_work_order_transition`` before anything changes, writes the timeline event and the
audit event in the same transaction, and sends notices (SMS after commit).

Who may act:

* citizens file orders (web, chat fallback) and rate their own concluded orders;
* the 12345 centre (``servicedesk.dispatch_work_order`` in the order's ``hotline_unit``)
  files orders for callers, dispatches, supervises, concludes and calls back;
* the department the order is dispatched to (``servicedesk.handle_work_order`` in
  ``org_unit``) replies or returns it with a reason.

Deadlines are working days by type (``settings.WORKORDER_DEADLINE_DAYS``; urgent orders are
due the day they are accepted), counted from the day of acceptance by ``core.calendar``.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.core import audit
from tongban.core.calendar import add_working_days
from tongban.core.codes import divisions
from tongban.core.codes.mobile import validate_mobile
from tongban.core.middleware import current_client_ip
from tongban.core.models import OrgUnit
from tongban.core.permissions import SERVICEDESK_HANDLE_WORK_ORDER, has_perm_in
from tongban.servicedesk.errors_workorders import WorkOrderError as E
from tongban.servicedesk.errors_workorders import error
from tongban.servicedesk.models import WorkOrder, WorkOrderEvent
from tongban.servicedesk.permissions_workorders import SERVICEDESK_DISPATCH_WORK_ORDER
from tongban.servicedesk.services import duplicates
from tongban.servicedesk.services.dispatch import suggest_departments
from tongban.servicedesk.services.workorder_notices import notify_submitter, notify_unit

TITLE_MAX = 100
CONTENT_MAX = 2000
REASON_MAX = 500
REPLY_MAX = 2000
NOTE_MAX = 1000
COMMENT_MAX = 500
S = WorkOrder.Status


# --- helpers -----------------------------------------------------------------------------------
def deadline_for(kind: str, accepted_on: date, *, is_urgent: bool = False) -> date:
    """The last day of the order's time limit: the day itself for urgent orders, else the
    n-th working day after acceptance (n by type, configurable)."""
    if is_urgent:
        return accepted_on
    days = settings.WORKORDER_DEADLINE_DAYS.get(kind, settings.WORKORDER_DEADLINE_DAYS["complaint"])
    return add_working_days(accepted_on, days)


def hotline_unit_for(division_code: str) -> OrgUnit:
    """The city region unit whose 12345 centre takes orders of ``division_code``."""
    city_code = division_code[:4] + "00"
    unit = OrgUnit.objects.filter(code=city_code, kind=OrgUnit.Kind.CITY, is_active=True).first()
    if unit is None:
        raise error(E.NO_HOTLINE_CENTRE, field="division_code")
    return unit


def _clean_text(value, *, required: E, too_long: E, limit: int, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise error(required, field=field)
    if len(text) > limit:
        raise error(too_long, field=field)
    return text


def _is_citizen(actor) -> bool:
    return (
        actor is not None
        and not isinstance(actor, str)
        and getattr(actor, "is_authenticated", False)
        and getattr(actor, "kind", "") != "staff"
        and not actor.is_superuser
    )


def _check_rate_limit(*, submitter, ip, mobile, channel) -> None:
    since = timezone.now() - timedelta(seconds=settings.WORKORDER_RATE_WINDOW_SECONDS)
    limit = settings.WORKORDER_RATE_LIMIT
    recent = WorkOrder.objects.filter(accepted_at__gte=since)
    checks = []
    if submitter is not None:
        checks.append(Q(submitter=submitter))
    if ip and channel in (WorkOrder.Channel.WEB, WorkOrder.Channel.CHAT):
        checks.append(Q(submitter_ip=ip))
    if mobile:
        checks.append(Q(contact_mobile=mobile))
    for check in checks:
        if recent.filter(check).count() >= limit:
            raise error(E.RATE_LIMITED)


def _lock(order: WorkOrder) -> WorkOrder:
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("hotline_unit", "org_unit__parent")
        .get(pk=order.pk)
    )


def _require(order: WorkOrder, *statuses) -> None:
    if order.status == S.LINKED:
        raise error(E.LINKED_ORDER)
    if order.status not in statuses:
        raise error(E.ILLEGAL_TRANSITION)


def _require_hotline(actor, order: WorkOrder) -> None:
    if not has_perm_in(actor, SERVICEDESK_DISPATCH_WORK_ORDER, order.hotline_unit):
        raise error(E.NOT_FOUND)


def _require_department(actor, order: WorkOrder) -> None:
    if order.org_unit is None or not has_perm_in(
        actor, SERVICEDESK_HANDLE_WORK_ORDER, order.org_unit
    ):
        raise error(E.NOT_FOUND)


def _actor_name(actor) -> str:
    if isinstance(actor, str):
        return actor
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"
    return getattr(actor, "name", "") or str(actor)


def _event(order: WorkOrder, action: str, actor, from_status: str, note: str = "", unit=None):
    WorkOrderEvent.objects.create(
        order=order,
        action=action,
        from_status=from_status,
        to_status=order.status,
        actor_name=_actor_name(actor),
        org_unit=unit,
        note=note,
    )


def _audit(event: str, order: WorkOrder, actor, **data) -> None:
    audit.record(
        f"servicedesk.work_order_{event}",
        actor=actor,
        target=order,
        org_unit=order.org_unit or order.hotline_unit,
        data={"status": order.status, **data},
    )


# --- 受理 ------------------------------------------------------------------------------------
def create_work_order(
    *,
    actor,
    kind: str,
    channel: str,
    title: str,
    content: str,
    contact_name: str = "",
    contact_mobile: str = "",
    division_code: str = "",
    location: str = "",
    source_ref: str = "",
    is_urgent: bool = False,
    latitude=None,
    longitude=None,
    service_code: str = "",
    open311_client: str = "",
    ip: str | None = None,
):
    """Register a work order (受理) and return it. ``kind``: consultation | complaint |
    suggestion | help; ``channel``: web | chat | hotline | open311. Raises DomainError on bad
    input (empty or oversized text, rate limit).

    ``actor``: the citizen filing online (web, chat), the hotline operator taking a call
    (``hotline``: needs ``servicedesk.dispatch_work_order`` in the area's centre), or a
    string naming the Open311 client. Orders without a signed-in citizen need a mobile.
    A new order that duplicates an open one is linked to it (``linked``)."""
    if kind not in WorkOrder.Kind.values:
        raise error(E.INVALID_KIND, field="kind")
    if channel not in WorkOrder.Channel.values:
        raise error(E.INVALID_CHANNEL, field="channel")
    content = _clean_text(
        content,
        required=E.CONTENT_REQUIRED,
        too_long=E.CONTENT_TOO_LONG,
        limit=CONTENT_MAX,
        field="content",
    )
    title = (title or "").strip()
    if not title and channel in (WorkOrder.Channel.CHAT, WorkOrder.Channel.OPEN311):
        title = content[:30]
    title = _clean_text(
        title, required=E.TITLE_REQUIRED, too_long=E.TITLE_TOO_LONG, limit=TITLE_MAX, field="title"
    )
    contact_mobile = (contact_mobile or "").strip()
    submitter = actor if _is_citizen(actor) and channel != WorkOrder.Channel.HOTLINE else None
    if not contact_mobile and submitter is not None:
        contact_mobile = submitter.mobile or ""  # the 12345 centre calls back on it
    if contact_mobile:
        checked = validate_mobile(contact_mobile)
        if not checked.valid:
            raise error(E.INVALID_MOBILE, field="contact_mobile")
        contact_mobile = checked.normalized
    if submitter is None and not contact_mobile:
        raise error(E.INVALID_MOBILE, field="contact_mobile")
    division_code = (division_code or "").strip() or settings.WORKORDER_DEFAULT_DIVISION
    division = divisions.get(division_code)
    if division is None or not division.in_guangdong or division.level == "province":
        raise error(E.INVALID_DIVISION, field="division_code")
    hotline_unit = hotline_unit_for(division_code)
    if channel == WorkOrder.Channel.HOTLINE:
        if not has_perm_in(actor, SERVICEDESK_DISPATCH_WORK_ORDER, hotline_unit):
            raise error(E.PERMISSION_DENIED)
    elif channel == WorkOrder.Channel.WEB and submitter is None:
        raise error(E.PERMISSION_DENIED)
    ip = ip or current_client_ip() or None
    if channel != WorkOrder.Channel.HOTLINE:  # on the phone, the operator is the filter
        _check_rate_limit(submitter=submitter, ip=ip, mobile=contact_mobile, channel=channel)

    location = (location or "").strip()[:200]
    now = timezone.now()
    suggestions = suggest_departments(f"{title} {content}", division_code, limit=1)
    with transaction.atomic():
        order = WorkOrder.objects.create(
            number=f"TMP-{uuid.uuid4().hex[:28]}",  # replaced by the real number below
            kind=kind,
            channel=channel,
            is_urgent=bool(is_urgent),
            title=title,
            content=content,
            terms=duplicates.order_terms(title, content, location),
            submitter=submitter,
            contact_name=(contact_name or (submitter.name if submitter else "")).strip()[:50],
            contact_mobile=contact_mobile,
            submitter_ip=ip or None,
            division_code=division_code,
            location=location,
            latitude=latitude,
            longitude=longitude,
            source_ref=(source_ref or "")[:100],
            service_code=(service_code or "")[:32],
            open311_client=(open311_client or "")[:100],
            hotline_unit=hotline_unit,
            suggested_unit=suggestions[0].unit if suggestions else None,
            accepted_at=now,
            deadline=deadline_for(kind, timezone.localdate(now), is_urgent=is_urgent),
        )
        order.number = f"{timezone.localdate(now):%Y%m%d}{order.pk:07d}"
        order.save(update_fields=["number"])
        _event(order, "accepted", actor, "", unit=hotline_unit)
        _audit(
            "created",
            order,
            actor,
            kind=kind,
            channel=channel,
            division_code=division_code,
            deadline=order.deadline.isoformat(),
        )
        match = duplicates.find_master(order)
        if match is not None:
            master, score = match
            order.master = master
            order.status = S.LINKED
            order.org_unit = master.org_unit
            order.save(update_fields=["master", "status", "org_unit"])
            _event(order, "linked", "system", S.ACCEPTED, note=master.number)
            _audit("linked", order, actor, master=master.number, similarity=round(score, 3))
        notify_submitter(
            order,
            f"您的诉求已受理，工单编号 {order.number}，"
            f"办理时限至 {order.deadline:%Y-%m-%d}。"
            + (
                f"同一问题已有工单 {order.master.number} 在办理，将一并答复。"
                if order.master
                else ""
            ),
        )
    return order


# --- 派单 / 退回 --------------------------------------------------------------------------------
def dispatch_work_order(order: WorkOrder, *, actor, department: OrgUnit) -> WorkOrder:
    """派单: the hotline sends an accepted (or returned) order to a department of its city."""
    with transaction.atomic():
        order = _lock(order)
        _require_hotline(actor, order)
        _require(order, S.ACCEPTED)
        if (
            department is None
            or department.kind != OrgUnit.Kind.DEPARTMENT
            or not department.is_active
        ):
            raise error(E.NOT_A_DEPARTMENT, field="department")
        if not department.path.startswith(order.hotline_unit.path):
            raise error(E.DEPARTMENT_OUT_OF_REACH, field="department")
        before = order.status
        order.status = S.DISPATCHED
        order.org_unit = department
        order.dispatched_at = timezone.now()
        order.save(update_fields=["status", "org_unit", "dispatched_at", "updated_at"])
        order.duplicates.filter(status=S.LINKED).update(org_unit=department)
        _event(order, "dispatched", actor, before, note=department.full_name, unit=department)
        _audit(
            "dispatched",
            order,
            actor,
            department=department.code,
            suggested=order.suggested_unit.code if order.suggested_unit_id else "",
        )
        notify_unit(order, department, f"新派工单 {order.number}：{order.title}")
    return order


def return_work_order(order: WorkOrder, *, actor, reason: str) -> WorkOrder:
    """退回: the department returns a wrongly dispatched order to the hotline with a reason."""
    reason = _clean_text(
        reason,
        required=E.REASON_REQUIRED,
        too_long=E.REASON_TOO_LONG,
        limit=REASON_MAX,
        field="reason",
    )
    with transaction.atomic():
        order = _lock(order)
        _require_department(actor, order)
        _require(order, S.DISPATCHED)
        department = order.org_unit
        order.status = S.ACCEPTED
        order.org_unit = None
        order.return_count += 1
        order.last_return_reason = reason
        order.save(
            update_fields=["status", "org_unit", "return_count", "last_return_reason", "updated_at"]
        )
        order.duplicates.filter(status=S.LINKED).update(org_unit=None)
        _event(order, "returned", actor, S.DISPATCHED, note=reason, unit=department)
        audit.record(
            "servicedesk.work_order_returned",
            actor=actor,
            target=order,
            org_unit=department,
            data={"status": order.status, "department": department.code, "reason": reason},
        )
        notify_unit(
            order, order.hotline_unit, f"工单 {order.number} 被{department.full_name}退回：{reason}"
        )
    return order


# --- 办理 / 回复 / 督办 ---------------------------------------------------------------------------
def reply_work_order(order: WorkOrder, *, actor, reply: str) -> WorkOrder:
    """回复: the department answers; the hotline reviews the answer before it concludes."""
    reply = _clean_text(
        reply, required=E.REPLY_REQUIRED, too_long=E.REPLY_TOO_LONG, limit=REPLY_MAX, field="reply"
    )
    with transaction.atomic():
        order = _lock(order)
        _require_department(actor, order)
        _require(order, S.DISPATCHED)
        order.status = S.REPLIED
        order.reply = reply
        order.replied_at = timezone.now()
        order.replied_by = actor
        order.save(update_fields=["status", "reply", "replied_at", "replied_by", "updated_at"])
        _event(order, "replied", actor, S.DISPATCHED, note=reply, unit=order.org_unit)
        _audit("replied", order, actor, length=len(reply))
        notify_unit(order, order.hotline_unit, f"工单 {order.number} 已答复，待审核办结")
    return order


def supervise_work_order(order: WorkOrder, *, actor, note: str) -> WorkOrder:
    """督办: the hotline presses the department (order in progress) or sends an answer back
    for rework (order replied → in progress). The order keeps the 督办 flag."""
    note = _clean_text(
        note, required=E.NOTE_REQUIRED, too_long=E.NOTE_TOO_LONG, limit=NOTE_MAX, field="note"
    )
    with transaction.atomic():
        order = _lock(order)
        _require_hotline(actor, order)
        _require(order, S.DISPATCHED, S.REPLIED)
        before = order.status
        order.status = S.DISPATCHED
        order.is_supervised = True
        order.supervised_at = timezone.now()
        order.save(update_fields=["status", "is_supervised", "supervised_at", "updated_at"])
        _event(order, "supervised", actor, before, note=note, unit=order.org_unit)
        _audit("supervised", order, actor, note=note, reply_sent_back=before == S.REPLIED)
        notify_unit(order, order.org_unit, f"督办：工单 {order.number}。{note}")
    return order


# --- 办结 / 回访 / 评价 --------------------------------------------------------------------------
def conclude_work_order(order: WorkOrder, *, actor) -> WorkOrder:
    """办结: the hotline accepts the department's answer; it concludes the order and every
    duplicate linked to it, and each submitter is told the answer."""
    with transaction.atomic():
        order = _lock(order)
        _require_hotline(actor, order)
        _require(order, S.REPLIED)
        now = timezone.now()
        order.status = S.CONCLUDED
        order.concluded_at = now
        order.save(update_fields=["status", "concluded_at", "updated_at"])
        _event(order, "concluded", actor, S.REPLIED, unit=order.org_unit)
        linked = list(order.duplicates.select_for_update().filter(status=S.LINKED))
        _audit("concluded", order, actor, linked=[d.number for d in linked])
        notify_submitter(order, f"您的工单 {order.number} 已办结，答复：{order.reply[:200]}")
        for duplicate in linked:
            duplicate.status = S.CONCLUDED
            duplicate.org_unit = order.org_unit
            duplicate.reply = order.reply
            duplicate.replied_at = order.replied_at
            duplicate.replied_by = order.replied_by
            duplicate.concluded_at = now
            duplicate.save(
                update_fields=[
                    "status",
                    "org_unit",
                    "reply",
                    "replied_at",
                    "replied_by",
                    "concluded_at",
                    "updated_at",
                ]
            )
            _event(duplicate, "concluded", actor, S.LINKED, note=order.number, unit=order.org_unit)
            _audit("concluded", duplicate, actor, master=order.number)
            notify_submitter(
                duplicate,
                f"您的工单 {duplicate.number} 已随同类工单办结，答复：{order.reply[:200]}",
            )
    return order


def call_back_work_order(order: WorkOrder, *, actor, note: str, level=None) -> WorkOrder:
    """回访: the hotline calls the citizen back after the order concluded (once). ``level``
    records the caller's rating given on the phone (好差评 channel 12345) when the order has
    none yet — the only way callers without an account rate."""
    note = _clean_text(
        note, required=E.NOTE_REQUIRED, too_long=E.NOTE_TOO_LONG, limit=NOTE_MAX, field="note"
    )
    if level not in (None, ""):
        level = _check_level(level)
    else:
        level = None
    with transaction.atomic():
        order = _lock(order)
        _require_hotline(actor, order)
        if order.called_back_at is not None:
            raise error(E.ALREADY_CALLED_BACK)
        _require(order, S.CONCLUDED, S.RATED)
        if level is not None and order.rating is not None:
            raise error(E.ALREADY_RATED, field="level")
        before = order.status
        if order.status == S.CONCLUDED:
            order.status = S.CALLED_BACK
        order.callback_note = note
        order.called_back_at = timezone.now()
        order.save(update_fields=["status", "callback_note", "called_back_at", "updated_at"])
        _event(order, "called_back", actor, before, note=note, unit=order.hotline_unit)
        _audit("called_back", order, actor, note=note)
        if level is not None:
            _record_rating(order, actor, level, "", WorkOrder.RatingChannel.HOTLINE)
    return order


def _check_level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise error(E.INVALID_LEVEL, field="level") from None
    if level not in WorkOrder.Level.values:
        raise error(E.INVALID_LEVEL, field="level")
    return level


def _record_rating(order: WorkOrder, actor, level: int, comment: str, channel: str) -> None:
    before = order.status
    order.status = S.RATED
    order.rating = level
    order.rating_comment = comment
    order.rating_channel = channel
    order.rated_at = timezone.now()
    order.save(
        update_fields=[
            "status",
            "rating",
            "rating_comment",
            "rating_channel",
            "rated_at",
            "updated_at",
        ]
    )
    _event(order, "rated", actor, before, note=WorkOrder.Level(level).label)
    _audit("rated", order, actor, level=level, channel=channel)
    if level <= WorkOrder.Level.DISSATISFIED:
        text = f"差评：工单 {order.number} 评价为“{WorkOrder.Level(level).label}”，请回访整改"
        notify_unit(order, order.hotline_unit, text)
        notify_unit(order, order.org_unit, text)


def rate_work_order(order: WorkOrder, *, actor, level, comment: str = "") -> WorkOrder:
    """评价: the submitter rates a concluded order once (five levels, 好差评). A bad rating
    (不满意, 非常不满意) is sent to the hotline and the department for follow-up."""
    level = _check_level(level)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise error(E.NOTE_TOO_LONG, field="comment")
    with transaction.atomic():
        order = _lock(order)
        if order.submitter_id is None or getattr(actor, "pk", None) != order.submitter_id:
            raise error(E.NOT_FOUND)
        if order.rating is not None:
            raise error(E.ALREADY_RATED)
        _require(order, S.CONCLUDED, S.CALLED_BACK)
        _record_rating(order, actor, level, comment, WorkOrder.RatingChannel.ONLINE)
    return order


# --- 超期督办 (periodic) --------------------------------------------------------------------------
def escalate_overdue_work_orders(*, today: date | None = None) -> list[str]:
    """Flag open orders past their deadline for supervision (督办), once each: audit event,
    timeline entry, notices to the department and the 12345 centre. Returns the numbers."""
    today = today or timezone.localdate()
    escalated = []
    overdue = WorkOrder.objects.filter(
        status__in=(S.ACCEPTED, S.DISPATCHED, S.REPLIED),
        deadline__lt=today,
        escalated_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(overdue[:1000]):
        with transaction.atomic():
            now = timezone.now()
            claimed = WorkOrder.objects.filter(pk=pk, escalated_at__isnull=True).update(
                escalated_at=now, is_supervised=True, supervised_at=now
            )
            if claimed != 1:
                continue
            order = WorkOrder.objects.select_related("hotline_unit", "org_unit").get(pk=pk)
            note = f"超过办理时限（{order.deadline:%Y-%m-%d}），自动督办"
            _event(order, "escalated", "worker", order.status, note=note, unit=order.org_unit)
            _audit("escalated", order, "worker", deadline=order.deadline.isoformat())
            text = f"超期督办：工单 {order.number}（时限 {order.deadline:%Y-%m-%d}）"
            notify_unit(order, order.org_unit, text)
            notify_unit(order, order.hotline_unit, text)
            escalated.append(order.number)
    return escalated
