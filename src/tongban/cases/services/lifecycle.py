"""Case lifecycle services: the only writers of a case's status.

Every function takes a keyword-only ``actor``, runs in ``transaction.atomic`` with the case
row locked (``SELECT … FOR UPDATE``), checks the actor's permission and the state machine
(``tongban.cases.models.case.TRANSITIONS``), writes its audit event, queues the webhooks and
notifies the applicant — all in the same transaction. A refused request changes nothing;
a refused *staff* action still leaves a ``cases.action_refused`` audit event (written in its
own transaction after the refused one rolled back).

Who may do what:

* applicant only (the case's applicant, or for a company case an agent with scope
  "apply"): ``submit_case``, ``submit_correction``, ``withdraw_case``;
* ``cases.accept_case`` in the case's org unit: ``accept_case``, ``reject_case``,
  ``request_correction`` (in review also ``cases.review_case``), ``record_hall_visit``;
* ``cases.review_case`` in the *task's* org unit: ``decide_task`` (joint tasks belong to
  other departments);
* ``cases.decide_case`` or ``cases.review_case`` in the case's org unit: ``suspend_case``,
  ``resume_case``, ``conclude_case``;
* payment hooks: the payments service (a system actor string) or such staff.
"""

from __future__ import annotations

import functools

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.errors import CaseError
from tongban.cases.models.case import (
    TRANSITIONS,
    WITHDRAWABLE,
    Case,
    CaseTask,
    ClockPause,
    CorrectionNotice,
)
from tongban.cases.services import clock, eligibility, hooks, notifications, webhooks, workflow
from tongban.cases.services.numbering import next_case_number
from tongban.core import audit, permissions
from tongban.core.exceptions import DomainError, PermissionDenied

S = Case.Status
ACCEPT = permissions.CASES_ACCEPT_CASE
REVIEW = permissions.CASES_REVIEW_CASE
DECIDE = permissions.CASES_DECIDE_CASE

DEFAULT_REMEDIES = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法向本级人民政府申请行政复议，"
    "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
)

remaining_working_days = clock.remaining_working_days
deadline_light = clock.deadline_light

__all__ = [
    "accept_case",
    "conclude_case",
    "deadline_light",
    "decide_task",
    "enter_awaiting_payment",
    "payment_received",
    "record_hall_visit",
    "reject_case",
    "remaining_working_days",
    "request_correction",
    "resume_case",
    "submit_case",
    "submit_correction",
    "suspend_case",
    "withdraw_case",
]


# --- helpers -----------------------------------------------------------------------------------
def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related(
            "org_unit",
            "org_unit__parent",
            "item_version",
            "item_version__item",
            "implementation",
            "applicant",
        )
        .get(pk=case.pk)
    )


def _illegal(case: Case) -> DomainError:
    return DomainError(
        CaseError.ILLEGAL_TRANSITION,
        _("办件当前状态为“%(status)s”，不能执行此操作。") % {"status": case.get_status_display()},
        status=409,
    )


def _check_transition(case: Case, new_status: str, allowed_from=None) -> None:
    if allowed_from is not None and case.status not in allowed_from:
        raise _illegal(case)
    if new_status not in TRANSITIONS.get(case.status, ()):
        raise _illegal(case)


def _require_perm(actor, perms, unit) -> None:
    if not any(permissions.has_perm_in(actor, perm, unit) for perm in perms):
        raise PermissionDenied(CaseError.PERMISSION_DENIED, _("您没有在该部门办理此办件的权限。"))


def _is_system(actor) -> bool:
    return actor is None or isinstance(actor, str)


def _require_applicant(case: Case, actor) -> None:
    from tongban.identity.services.companies import acting_for

    if _is_system(actor) or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(CaseError.NOT_APPLICANT, _("只有申请人本人可以办理此操作。"))
    if case.company_id is not None:
        if actor.pk == case.applicant_id or acting_for(actor, case.company, "apply"):
            return
    elif actor.pk == case.applicant_id:
        return
    raise PermissionDenied(CaseError.NOT_APPLICANT, _("只有申请人本人可以办理此操作。"))


def _required_text(value, field: str, message) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(CaseError.REASON_REQUIRED, message, field)
    return text


def _apply(case: Case, new_status: str, *, actor, event_type: str, notify: str | None, data=None):
    """Move ``case`` to ``new_status`` (already checked), save, audit, webhooks, notify."""
    old_status = case.status
    case.status = new_status
    case.save()
    audit.record(
        event_type,
        actor=actor,
        target=case,
        org_unit=case.org_unit,
        data={"old": {"status": old_status}, "new": {"status": new_status}, **(data or {})},
    )
    webhooks.queue_status_change(case, old_status, new_status)
    hooks.status_changed(case, old_status, new_status, actor=actor)
    if notify:
        notifications.notify_applicant(case, notify)


def _sync(original, fresh):
    """Let the caller's instance reflect the committed row."""
    if original is not fresh:
        for field in type(fresh)._meta.concrete_fields:
            setattr(original, field.attname, getattr(fresh, field.attname))
    return original


def _record_refusal(action: str, case: Case | None, actor, exc: DomainError, extra=None) -> None:
    with transaction.atomic():
        audit.record(
            "cases.action_refused",
            actor=actor,
            target=case,
            org_unit=getattr(case, "org_unit", None),
            data={
                "action": action,
                "code": exc.code,
                "status": getattr(case, "status", None),
                **(extra or {}),
            },
        )


def _staff_action(action: str):
    """Refused staff actions leave an audit event (and change nothing)."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(target, *args, **kwargs):
            try:
                return func(target, *args, **kwargs)
            except DomainError as exc:
                if isinstance(target, CaseTask):
                    case, extra = target.case, {"task": target.pk}
                else:
                    case, extra = target, None
                case = Case.objects.select_related("org_unit").filter(pk=case.pk).first()
                _record_refusal(action, case, kwargs.get("actor"), exc, extra)
                raise

        return wrapper

    return decorator


# --- applicant actions ---------------------------------------------------------------------------
def submit_case(case: Case, *, actor, idempotency_key: str = "") -> Case:
    """draft → submitted: assigns the unified number and runs the eligibility chain (its
    results are stored for the clerk; blocking results refuse the later acceptance)."""
    key = (idempotency_key or "").strip()
    if len(key) > 64:
        raise DomainError(CaseError.DUPLICATE_SUBMISSION, _("幂等键过长。"), "idempotency_key")
    with transaction.atomic():
        fresh = _lock(case)
        _require_applicant(fresh, actor)
        if key:
            other = (
                Case.objects.filter(applicant_id=fresh.applicant_id, idempotency_key=key)
                .exclude(pk=fresh.pk)
                .exists()
            )
            if other:
                raise DomainError(
                    CaseError.DUPLICATE_SUBMISSION,
                    _("该申请已提交，请勿重复提交。"),
                    "idempotency_key",
                    status=409,
                )
            if fresh.status != S.DRAFT and fresh.idempotency_key == key:
                return _sync(case, fresh)  # the same request again: same answer
        _check_transition(fresh, S.SUBMITTED, {S.DRAFT})
        if fresh.item_version.item.is_withdrawn or not fresh.implementation.is_active:
            raise DomainError(
                CaseError.ITEM_WITHDRAWN, _("该事项已停止受理，无法提交申请。"), status=409
            )
        hooks.validate_submission(fresh)
        now = timezone.now()
        if not fresh.number:
            fresh.number = next_case_number(fresh.org_unit.division_code, timezone.localdate(now))
        fresh.submitted_at = now
        if key:
            fresh.idempotency_key = key
        results = eligibility.run_checks(fresh)
        eligibility.store_results(fresh, results)
        _apply(
            fresh,
            S.SUBMITTED,
            actor=actor,
            event_type="cases.case_submitted",
            notify="submitted",
            data={"number": fresh.number, "eligibility": [r.code for r in results]},
        )
    return _sync(case, fresh)


def submit_correction(case: Case, *, actor) -> Case:
    """correction_requested → submitted (before acceptance) or in_review (during review);
    the clock pause ends and the deadlines move out by its working days."""
    with transaction.atomic():
        fresh = _lock(case)
        _require_applicant(fresh, actor)
        new_status = S.IN_REVIEW if fresh.accepted_at else S.SUBMITTED
        _check_transition(fresh, new_status, {S.CORRECTION_REQUESTED})
        now = timezone.now()
        CorrectionNotice.objects.filter(case=fresh, resolved_at__isnull=True).update(
            resolved_at=now
        )
        pause = clock.end_pause(fresh, now=now)
        _apply(
            fresh,
            new_status,
            actor=actor,
            event_type="cases.correction_submitted",
            notify="correction_submitted",
            data={"paused_working_days": pause.working_days if pause else 0},
        )
    return _sync(case, fresh)


def withdraw_case(case: Case, *, actor, reason: str = "") -> Case:
    """The applicant withdraws before a decision."""
    with transaction.atomic():
        fresh = _lock(case)
        _require_applicant(fresh, actor)
        _check_transition(fresh, S.WITHDRAWN, WITHDRAWABLE)
        clock.end_pause(fresh)
        workflow.cancel_open_tasks(fresh)
        fresh.decision_reason = (reason or "").strip()[:2000]
        _apply(
            fresh,
            S.WITHDRAWN,
            actor=actor,
            event_type="cases.case_withdrawn",
            notify="withdrawn",
            data={"reason": fresh.decision_reason},
        )
    return _sync(case, fresh)


# --- acceptance ---------------------------------------------------------------------------------
@_staff_action("accept")
def accept_case(case: Case, *, actor) -> Case:
    """submitted → in_review: deadlines from today, tasks of every stage created, the first
    stage active. A blocking eligibility result refuses ("eligibility_blocked")."""
    with transaction.atomic():
        fresh = _lock(case)
        _require_perm(actor, (ACCEPT,), fresh.org_unit)
        _check_transition(fresh, S.IN_REVIEW, {S.SUBMITTED})
        results = eligibility.run_checks(fresh)
        blocked = eligibility.blocking(results)
        if blocked:
            raise DomainError(
                CaseError.ELIGIBILITY_BLOCKED,
                _("资格核查未通过，不能受理：%s") % "；".join(str(r.message) for r in blocked),
                status=409,
            )
        eligibility.store_results(fresh, results)
        fresh.accepted_at = timezone.now()
        if clock.is_immediate(fresh):  # 即办件: concluded on the acceptance day
            fresh.legal_days = fresh.promised_days = 0
        else:
            fresh.legal_days = fresh.implementation.legal_days
            fresh.promised_days = min(fresh.implementation.promised_days, fresh.legal_days)
        fresh.paused_working_days = 0
        clock.set_deadlines(fresh)
        created = workflow.create_tasks(fresh)
        _apply(
            fresh,
            S.IN_REVIEW,
            actor=actor,
            event_type="cases.case_accepted",
            notify="accepted",
            data={
                "legal_deadline": fresh.legal_deadline,
                "promised_deadline": fresh.promised_deadline,
                "tasks": len(created.tasks),
                "unresolved_departments": created.unresolved,
                "warnings": [r.code for r in results],
            },
        )
    return _sync(case, fresh)


@_staff_action("reject")
def reject_case(case: Case, *, actor, reason: str) -> Case:
    """submitted → not_accepted (不予受理), with the reason and the remedies."""
    with transaction.atomic():
        fresh = _lock(case)
        _require_perm(actor, (ACCEPT,), fresh.org_unit)
        _check_transition(fresh, S.NOT_ACCEPTED, {S.SUBMITTED})
        reason = _required_text(reason, "reason", _("请填写不予受理的理由。"))
        fresh.decision_reason = reason
        fresh.remedies = DEFAULT_REMEDIES
        fresh.decided_at = timezone.now()
        _apply(
            fresh,
            S.NOT_ACCEPTED,
            actor=actor,
            event_type="cases.case_rejected",
            notify="not_accepted",
            data={"reason": reason},
        )
    return _sync(case, fresh)


def _clean_correction_items(items) -> list[dict]:
    if not isinstance(items, list | tuple) or not items:
        raise DomainError(
            CaseError.CORRECTION_ITEMS_REQUIRED,
            _("请一次性列明需要补正的全部材料及问题。"),
            "items",
        )
    cleaned = []
    for item in items:
        material = str(item.get("material", "") if isinstance(item, dict) else "").strip()
        problem = str(item.get("problem", "") if isinstance(item, dict) else "").strip()
        if not material or not problem or len(material) > 200 or len(problem) > 1000:
            raise DomainError(
                CaseError.CORRECTION_ITEM_INVALID,
                _("每项补正须写明材料名称和存在的问题。"),
                "items",
            )
        cleaned.append({"material": material, "problem": problem})
    return cleaned


@_staff_action("request_correction")
def request_correction(case: Case, *, actor, items: list[dict], note: str = "") -> CorrectionNotice:
    """一次性告知: one notice listing everything missing; the clock stops until the
    applicant corrects. From submitted (window) or in review."""
    with transaction.atomic():
        fresh = _lock(case)
        perms = (ACCEPT, REVIEW) if fresh.status == S.IN_REVIEW else (ACCEPT,)
        _require_perm(actor, perms, fresh.org_unit)
        _check_transition(fresh, S.CORRECTION_REQUESTED, {S.SUBMITTED, S.IN_REVIEW})
        cleaned = _clean_correction_items(items)
        notice = CorrectionNotice.objects.create(
            case=fresh, items=cleaned, note=(note or "").strip()[:2000], requested_by=actor
        )
        clock.start_pause(fresh, ClockPause.Kind.CORRECTION, reason=_("补正材料"))
        _apply(
            fresh,
            S.CORRECTION_REQUESTED,
            actor=actor,
            event_type="cases.correction_requested",
            notify="correction_requested",
            data={"items": cleaned, "notice": notice.pk},
        )
    _sync(case, fresh)
    return notice


@_staff_action("record_hall_visit")
def record_hall_visit(case: Case, *, actor) -> Case:
    """The applicant came to the hall for this case (counts for 零跑动 / 最多跑一次)."""
    with transaction.atomic():
        fresh = _lock(case)
        _require_perm(actor, (ACCEPT,), fresh.org_unit)
        if fresh.status == S.DRAFT:
            raise _illegal(fresh)
        fresh.hall_visits += 1
        fresh.save(update_fields=["hall_visits", "updated_at"])
        audit.record(
            "cases.hall_visit_recorded",
            actor=actor,
            target=fresh,
            data={
                "old": {"hall_visits": fresh.hall_visits - 1},
                "new": {"hall_visits": fresh.hall_visits},
            },
        )
    return _sync(case, fresh)


# --- review ------------------------------------------------------------------------------------
@_staff_action("decide_task")
def decide_task(task: CaseTask, *, actor, approve: bool, opinion: str) -> CaseTask:
    """Approve or deny one task (parallel within a stage). A stage ends when all its tasks
    approve (the next stage starts; after the last the case is approved); any denial ends
    the case as denied."""
    with transaction.atomic():
        case = _lock(task.case)
        fresh = (
            CaseTask.objects.select_for_update(of=("self",))
            .select_related("org_unit")
            .get(pk=task.pk)
        )
        _require_perm(actor, (REVIEW,), fresh.org_unit)
        if fresh.status in (CaseTask.Status.APPROVED, CaseTask.Status.DENIED):
            raise DomainError(
                CaseError.TASK_ALREADY_DECIDED, _("该审查任务已办理，不能重复决定。"), status=409
            )
        if case.status != S.IN_REVIEW:
            raise _illegal(case)
        if fresh.status != CaseTask.Status.ACTIVE:
            raise DomainError(
                CaseError.TASK_NOT_ACTIVE, _("该审查任务尚未开始或已取消。"), status=409
            )
        opinion = (opinion or "").strip()[:2000]
        if not approve and not opinion:
            raise DomainError(CaseError.OPINION_REQUIRED, _("不同意时须填写审查意见。"), "opinion")
        opinion = opinion or _("同意")
        fresh.case = case
        outcome = workflow.record_decision(
            fresh, actor=actor, approve=bool(approve), opinion=opinion
        )
        audit.record(
            "cases.task_decided",
            actor=actor,
            target=fresh,
            org_unit=fresh.org_unit,
            data={
                "case": case.number,
                "approve": bool(approve),
                "opinion": opinion,
                "activated": [t.pk for t in outcome.activated or []],
            },
        )
        if outcome.new_status is not None:
            _check_transition(case, outcome.new_status)
            case.decided_at = timezone.now()
            if outcome.new_status == S.DENIED:
                case.decision_reason = opinion
                case.remedies = DEFAULT_REMEDIES
            _apply(
                case,
                outcome.new_status,
                actor=actor,
                event_type="cases.case_approved"
                if outcome.new_status == S.APPROVED
                else "cases.case_denied",
                notify=outcome.new_status,
            )
    _sync(task, fresh)
    return task


def _decider_perms():
    return (DECIDE, REVIEW)


def _require_decider(actor, case: Case) -> None:
    _require_perm(actor, _decider_perms(), case.org_unit)


def _clock_step(case: Case, *, actor, authorise, allowed, to_status, step, event_type, notify):
    """One locked transition that opens or closes a clock pause: ``authorise(actor, fresh)``,
    the transition check, ``step(fresh)`` (starts or ends the pause and returns the audit
    data), then the status change with its audit event and notification."""
    with transaction.atomic():
        fresh = _lock(case)
        authorise(actor, fresh)
        _check_transition(fresh, to_status, allowed)
        data = step(fresh)
        _apply(fresh, to_status, actor=actor, event_type=event_type, notify=notify, data=data)
    return _sync(case, fresh)


def _paused_days(pause) -> int:
    return pause.working_days if pause else 0


@_staff_action("suspend")
def suspend_case(case: Case, *, actor, reason: str) -> Case:
    """in_review → suspended (hearing, expert review, testing…): excluded from the clock."""

    def step(fresh):
        text = _required_text(reason, "reason", _("请填写特别程序的原因。"))
        clock.start_pause(fresh, ClockPause.Kind.SUSPENSION, reason=text)
        return {"reason": text}

    return _clock_step(
        case,
        actor=actor,
        authorise=_require_decider,
        allowed={S.IN_REVIEW},
        to_status=S.SUSPENDED,
        step=step,
        event_type="cases.case_suspended",
        notify="suspended",
    )


@_staff_action("resume")
def resume_case(case: Case, *, actor) -> Case:
    def step(fresh):
        pause = clock.end_pause(fresh)
        return {
            "paused_working_days": _paused_days(pause),
            "promised_deadline": fresh.promised_deadline,
        }

    return _clock_step(
        case,
        actor=actor,
        authorise=_require_decider,
        allowed={S.SUSPENDED},
        to_status=S.IN_REVIEW,
        step=step,
        event_type="cases.case_resumed",
        notify="resumed",
    )


@_staff_action("conclude")
def conclude_case(case: Case, *, actor) -> Case:
    """approved | denied → concluded; an approved case's outputs are issued through the
    registered output issuers (licences)."""
    with transaction.atomic():
        fresh = _lock(case)
        _require_decider(actor, fresh)
        _check_transition(fresh, S.CONCLUDED, {S.APPROVED, S.DENIED})
        was_approved = fresh.status == S.APPROVED
        fresh.concluded_at = timezone.now()
        issued = hooks.issue_outputs(fresh, actor=actor) if was_approved else []
        _apply(
            fresh,
            S.CONCLUDED,
            actor=actor,
            event_type="cases.case_concluded",
            notify="concluded",
            data={
                "approved": was_approved,
                "outputs_issued": len([x for x in issued if x is not None]),
            },
        )
    return _sync(case, fresh)


# --- payment hooks -----------------------------------------------------------------------------
def _require_payment_actor(actor, case: Case) -> None:
    if _is_system(actor):
        return
    _require_perm(actor, (DECIDE, REVIEW, ACCEPT), case.org_unit)


@_staff_action("enter_awaiting_payment")
def enter_awaiting_payment(case: Case, *, actor, reason: str = "") -> Case:
    """in_review → awaiting_payment (the clock pauses). For the payments service."""

    def step(fresh):
        pause_reason = (reason or "").strip() or _("待缴费")
        clock.start_pause(fresh, ClockPause.Kind.PAYMENT, reason=pause_reason)
        return {"reason": reason}

    return _clock_step(
        case,
        actor=actor,
        authorise=_require_payment_actor,
        allowed={S.IN_REVIEW},
        to_status=S.AWAITING_PAYMENT,
        step=step,
        event_type="cases.payment_requested",
        notify="awaiting_payment",
    )


@_staff_action("payment_received")
def payment_received(case: Case, *, actor) -> Case:
    """awaiting_payment → in_review (the clock runs again, deadlines pushed)."""

    def step(fresh):
        return {"paused_working_days": _paused_days(clock.end_pause(fresh))}

    return _clock_step(
        case,
        actor=actor,
        authorise=_require_payment_actor,
        allowed={S.AWAITING_PAYMENT},
        to_status=S.IN_REVIEW,
        step=step,
        event_type="cases.payment_received",
        notify="payment_received",
    )
