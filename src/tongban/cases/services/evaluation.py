"""好差评: the applicant rates a concluded case once; a bad rating opens a rectification item.

* ``rate_case`` — 一次一评 (one rating per case, by its applicant, after conclusion). A rating
  of 不满意/非常不满意 opens a ``Rectification`` for the case's department unit, due
  ``settings.RECTIFICATION_WORKING_DAYS`` (default 15) working days later.
* ``record_callback`` — the department calls the applicant back (回访) and records it.
* ``close_rectification`` — the department closes the item with its result (整改结果).

Every function runs in one transaction with its audit event. Refused staff actions on a
rectification are audited too (``cases.rectification_action_refused``), in their own
transaction, before the error is raised.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.cases.errors_evaluation import Errors
from tongban.cases.models import Case, Evaluation, Rectification
from tongban.cases.permissions import CASES_HANDLE_RECTIFICATION
from tongban.core import audit, calendar
from tongban.core.exceptions import DomainError, PermissionDenied
from tongban.core.permissions import has_perm_in

DEFAULT_RECTIFICATION_WORKING_DAYS = 15
COMMENT_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 1000


def rectification_working_days() -> int:
    """Working days a department has to rectify a bad rating (setting, default 15)."""
    return int(getattr(settings, "RECTIFICATION_WORKING_DAYS", DEFAULT_RECTIFICATION_WORKING_DAYS))


def _today():
    return timezone.localdate()


# --- rating ----------------------------------------------------------------------------------
def _clean_rating(level, tags, comment) -> tuple[int, list[str], str]:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in Evaluation.Level.values:
        raise DomainError(Errors.INVALID_LEVEL, _("请选择满意程度（1–5 级）。"), "level")
    allowed = Evaluation.tags_for_level(level)
    cleaned: list[str] = []
    for tag in tags or []:
        tag = str(tag).strip()
        if tag not in allowed:
            raise DomainError(
                Errors.INVALID_TAG,
                _("标签“%(tag)s”不适用于所选评价等级。") % {"tag": tag[:20]},
                "tags",
            )
        if tag not in cleaned:
            cleaned.append(tag)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise DomainError(
            Errors.COMMENT_TOO_LONG,
            _("评价内容不能超过 %(max)d 字。") % {"max": COMMENT_MAX_LENGTH},
            "comment",
        )
    if Evaluation.level_is_bad(level) and not cleaned and not comment:
        raise DomainError(
            Errors.REASON_REQUIRED, _("差评请至少选择一个标签或填写评价内容。"), "comment"
        )
    return level, cleaned, comment


def rate_case(
    case: Case, *, actor, level: int, tags: list[str], comment: str, channel: str = "online"
) -> Evaluation:
    """Rate a concluded case once, as its applicant.

    Refusals (nothing changes): ``forbidden`` (403, not the applicant),
    ``case_not_concluded``, ``already_rated`` (409), ``invalid_level``, ``invalid_tag``,
    ``comment_too_long``, ``reason_required`` (400).
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("org_unit").get(pk=case.pk)
        if actor is None or locked.applicant_id != getattr(actor, "pk", None):
            raise PermissionDenied(Errors.FORBIDDEN, _("只有申请人本人可以评价该办件。"))
        if locked.status != Case.Status.CONCLUDED:
            raise DomainError(Errors.CASE_NOT_CONCLUDED, _("办件办结后才能评价。"), status=409)
        if Evaluation.objects.filter(case=locked).exists():
            raise DomainError(
                Errors.ALREADY_RATED, _("该办件已评价过，每件只能评价一次。"), status=409
            )
        level, tags, comment = _clean_rating(level, tags, comment)
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    case=locked,
                    level=level,
                    tags=tags,
                    comment=comment,
                    channel=channel,
                    rated_by=actor,
                )
        except IntegrityError:  # a concurrent rating won the race
            raise DomainError(
                Errors.ALREADY_RATED, _("该办件已评价过，每件只能评价一次。"), status=409
            ) from None
        audit.record(
            "cases.case_rated",
            actor=actor,
            target=locked,
            org_unit=locked.org_unit,
            data={"level": level, "tags": tags, "bad": evaluation.is_bad},
        )
        if evaluation.is_bad:
            _open_rectification(evaluation, locked, actor=actor)
    case.evaluation = evaluation
    return evaluation


def _open_rectification(evaluation: Evaluation, case: Case, *, actor) -> Rectification:
    days = rectification_working_days()
    deadline = calendar.add_working_days(_today(), days)
    rectification = Rectification.objects.create(
        evaluation=evaluation, org_unit=case.org_unit, deadline=deadline
    )
    audit.record(
        "cases.rectification_opened",
        actor=actor,
        target=rectification,
        org_unit=case.org_unit,
        data={"case": case.number, "level": evaluation.level, "deadline": deadline, "days": days},
    )
    return rectification


# --- rectification -----------------------------------------------------------------------------
def _clean_note(note, field: str) -> str:
    note = (note or "").strip()
    if not note:
        message = _("请填写回访记录。") if field == "note" else _("请填写整改结果。")
        raise DomainError(Errors.NOTE_REQUIRED, message, field)
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(
            Errors.NOTE_TOO_LONG, _("内容不能超过 %(max)d 字。") % {"max": NOTE_MAX_LENGTH}, field
        )
    return note


def _refuse(rectification: Rectification, error: DomainError, *, actor, action: str):
    """Audit a refused staff action in its own transaction, then raise the error."""
    with transaction.atomic():
        audit.record(
            "cases.rectification_action_refused",
            actor=actor,
            target=rectification,
            org_unit=rectification.org_unit,
            data={"action": action, "code": error.code},
        )
    raise error


def _check_handler(rectification: Rectification, *, actor, action: str) -> None:
    if not has_perm_in(actor, CASES_HANDLE_RECTIFICATION, rectification.org_unit):
        _refuse(
            rectification,
            PermissionDenied(Errors.FORBIDDEN, _("只有本部门工作人员可以处理该整改事项。")),
            actor=actor,
            action=action,
        )


def record_callback(rectification: Rectification, *, actor, note: str) -> Rectification:
    """Record the callback (回访) to the applicant: open → called back (a later callback
    replaces the note while the item is not closed)."""
    _check_handler(rectification, actor=actor, action="callback")
    note = _clean_note(note, "note")
    error = None
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if locked.status == Rectification.Status.CLOSED:
            error = DomainError(Errors.RECTIFICATION_CLOSED, _("该整改事项已办结。"), status=409)
        else:
            old = {"status": locked.status, "callback_note": locked.callback_note}
            locked.status = Rectification.Status.CALLED_BACK
            locked.callback_note = note
            locked.called_back_at = timezone.now()
            locked.called_back_by = actor
            locked.save(
                update_fields=["status", "callback_note", "called_back_at", "called_back_by"]
            )
            audit.record(
                "cases.rectification_called_back",
                actor=actor,
                target=locked,
                org_unit=locked.org_unit,
                data={"old": old, "new": {"status": locked.status, "callback_note": note}},
            )
    if error is not None:
        _refuse(rectification, error, actor=actor, action="callback")
    return locked


def close_rectification(rectification: Rectification, *, actor, result: str) -> Rectification:
    """Close the item with its result (called back → closed)."""
    _check_handler(rectification, actor=actor, action="close")
    result = _clean_note(result, "result")
    error = None
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if locked.status == Rectification.Status.CLOSED:
            error = DomainError(Errors.RECTIFICATION_CLOSED, _("该整改事项已办结。"), status=409)
        elif locked.status != Rectification.Status.CALLED_BACK:
            error = DomainError(
                Errors.CALLBACK_REQUIRED, _("请先回访申请人并记录，再办结整改。"), status=409
            )
        else:
            now = timezone.now()
            locked.status = Rectification.Status.CLOSED
            locked.result = result
            locked.closed_at = now
            locked.closed_by = actor
            locked.save(update_fields=["status", "result", "closed_at", "closed_by"])
            audit.record(
                "cases.rectification_closed",
                actor=actor,
                target=locked,
                org_unit=locked.org_unit,
                data={
                    "old": {"status": Rectification.Status.CALLED_BACK},
                    "new": {"status": locked.status, "result": result},
                    "overdue": _today() > locked.deadline,
                },
            )
    if error is not None:
        _refuse(rectification, error, actor=actor, action="close")
    return locked
