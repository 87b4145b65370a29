"""Reads of cases: ``access_case`` (one case, or 404) and ``cases_of_applicant``.

``access_case(user, number, action)`` — the one way a page or API route gets a case:

* "apply": the applicant (own case) or, for a company case, an agent with scope "apply";
* "view": the applicant (as for "apply", any agent scope) or staff holding
  ``cases.view_case`` in the case's org unit or in the org unit of one of its started tasks
  (joint-approval departments see the cases they review; :func:`staff_reach_q`, the same
  rule as the workbench's reach);
* "accept": ``cases.accept_case`` in the case's org unit;
* "review": ``cases.review_case`` in the case's org unit or in a started task's org unit;
* "decide": ``cases.decide_case`` or ``cases.review_case`` in the case's org unit.

Anything else — including a case that does not exist — is ``NotFound`` (404), so other
units' case numbers cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.cases.errors import CaseError
from tongban.cases.models.case import Case, CaseTask
from tongban.core import permissions
from tongban.core.exceptions import NotFound

ACTIONS = ("view", "apply", "accept", "review", "decide")
_STAFF_PERMS = {
    "view": (permissions.CASES_VIEW_CASE,),
    "accept": (permissions.CASES_ACCEPT_CASE,),
    "review": (permissions.CASES_REVIEW_CASE,),
    "decide": (permissions.CASES_DECIDE_CASE, permissions.CASES_REVIEW_CASE),
}
# Actions for which a started task's org unit also gives access.
_TASK_UNIT_ACTIONS = {"view", "review"}
# Tasks of a unit that bring the case within its reach (waiting tasks of later stages do not).
STARTED_TASK_STATUSES = (CaseTask.Status.ACTIVE, CaseTask.Status.APPROVED, CaseTask.Status.DENIED)


def case_not_found() -> NotFound:
    return NotFound(CaseError.NOT_FOUND, _("未找到该办件，或您无权查看。"))


def _is_active_user(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_applicant_side(user, case: Case, scope: str | None = "apply") -> bool:
    """Is ``user`` the applicant of ``case`` (or acting for its company within ``scope``;
    ``scope=None`` accepts any scope)?"""
    from tongban.identity.models import AgentAuthorisation
    from tongban.identity.services.companies import acting_for

    if not _is_active_user(user):
        return False
    if case.applicant_id == user.pk:
        return True
    if case.company_id is None:
        return False
    if scope is not None:
        return acting_for(user, case.company, scope)
    if case.company.legal_rep_id == user.pk:
        return True
    return AgentAuthorisation.objects.active().filter(company=case.company, agent=user).exists()


def staff_reach_q(user, permission: str = permissions.CASES_VIEW_CASE) -> Q:
    """Cases within a staff member's reach for ``permission`` (a Q over Case): the case's
    org unit is one where the user holds it, or a started task of the case is in such a unit
    (并联审批). The one implementation of that rule: ``access_case`` and the workbench's
    queue and case page use it."""
    if not _is_active_user(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    units = permissions.units_for(user, permission)
    joint = CaseTask.objects.filter(org_unit__in=units, status__in=STARTED_TASK_STATUSES)
    return Q(org_unit__in=units) | Q(pk__in=joint.values("case_id"))


def staff_may(user, case: Case, action: str) -> bool:
    perms = _STAFF_PERMS.get(action)
    if not perms or not _is_active_user(user):
        return False
    if any(permissions.has_perm_in(user, perm, case.org_unit) for perm in perms):
        return True
    if action in _TASK_UNIT_ACTIONS:
        reach = Q(pk__in=[])
        for perm in perms:
            reach |= staff_reach_q(user, perm)
        return Case.objects.filter(reach, pk=case.pk).exists()
    return False


def access_case(user, number: str, action: str = "view") -> Case:
    if action not in ACTIONS:
        raise ValueError(f"unknown case action {action!r}")
    if not _is_active_user(user) or not number:
        raise case_not_found()
    case = (
        Case.objects.select_related(
            "org_unit",
            "org_unit__parent",
            "implementation",
            "item_version",
            "item_version__item",
            "applicant",
            "company",
        )
        .filter(number=str(number).strip())
        .first()
    )
    if case is None:
        raise case_not_found()
    if action == "apply":
        allowed = is_applicant_side(user, case, "apply")
    elif action == "view":
        allowed = is_applicant_side(user, case, None) or staff_may(user, case, "view")
    else:
        allowed = staff_may(user, case, action)
    if not allowed:
        raise case_not_found()
    return case


def cases_of_applicant(user) -> QuerySet[Case]:
    """The user's own cases (drafts included), newest first."""
    if not _is_active_user(user):
        return Case.objects.none()
    return (
        Case.objects.filter(applicant=user)
        .select_related("item_version__item", "org_unit", "org_unit__parent")
        .order_by("-created_at", "-id")
    )


# --- deadline status per org unit (console) --------------------------------------------------
def deadline_status_by_unit(user, today=None) -> list[dict]:
    """Accepted, unconcluded cases within the user's ``cases.view_case`` reach, counted per
    org unit: ``{"org_unit", "green", "yellow", "red", "total"}``, units with overdue cases
    first. Three queries whatever the number of cases."""
    from django.utils import timezone

    from tongban.cases.models.case import ClockPause
    from tongban.cases.services import clock
    from tongban.core.models import OrgUnit

    today = today or timezone.localdate()
    rows = list(
        permissions.restrict(Case.objects.all(), user, permissions.CASES_VIEW_CASE)
        .filter(status__in=clock.LIGHT_STATES, promised_deadline__isnull=False)
        .values_list(
            "pk", "org_unit_id", "status", "promised_deadline", "promised_days", "decided_at"
        )
    )
    paused_ids = [pk for pk, _u, status, *_rest in rows if status in clock.PAUSED_STATES]
    pause_start = {}
    for case_id, started_at in (
        ClockPause.objects.filter(case_id__in=paused_ids, ended_at__isnull=True)
        .order_by("started_at")
        .values_list("case_id", "started_at")
    ):
        pause_start[case_id] = started_at  # the newest open pause wins
    counts: dict[int, dict] = {}
    for pk, unit_id, status, deadline, promised_days, decided_at in rows:
        remaining = clock.remaining_for(
            status, deadline, today, pause_started_at=pause_start.get(pk), decided_at=decided_at
        )
        light = clock.light_for(remaining, promised_days)
        entry = counts.setdefault(unit_id, {"green": 0, "yellow": 0, "red": 0, "total": 0})
        entry[light] += 1
        entry["total"] += 1
    units = OrgUnit.objects.select_related("parent").in_bulk(list(counts))
    result = [{"org_unit": units[unit_id], **entry} for unit_id, entry in counts.items()]
    result.sort(key=lambda e: (-e["red"], -e["yellow"], e["org_unit"].code))
    return result
