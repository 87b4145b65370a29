"""Workbench queries (reads only): the staff queue and the case page.

Reach: a staff member sees the cases

- whose org unit is within ``units_for(user, CASES_VIEW_CASE)``, and
- the cases in which a task of one of those units has started (并联审批: the other
  departments of a joint approval see the case while and after they work on it).

Nothing else: another city's or department's cases are "not found" (404).

The queue has two views:

- ``todo`` (待办): submitted cases waiting for acceptance in the units where the user may
  accept (窗口受理员), cases with an ACTIVE task in the units where the user may decide
  (审批员), and approved/denied cases of those units waiting to be concluded;
- ``all`` (全部): every submitted case within reach.

The list runs a constant number of queries whatever the page size: the reach is built from
subqueries, rows come with ``select_related`` and the active tasks in one prefetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case, CaseTask, ClockPause
from tongban.cases.selectors import case_not_found, staff_reach_q
from tongban.cases.services import clock
from tongban.core import calendar
from tongban.core.exceptions import NotFound
from tongban.core.masking import (
    PII_KEYS,
    can_view_pii,
    mask_name,
    mask_text,
    mask_value,
    pii_checker,
)
from tongban.core.models import AuditEvent
from tongban.core.permissions import (
    CASES_ACCEPT_CASE,
    CASES_DECIDE_CASE,
    CASES_REVIEW_CASE,
    CASES_VIEW_CASE,
    has_perm,
    has_perm_in,
    units_for,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CASE_TARGET_TYPE = "cases.case"
TASK_TARGET_TYPE = "cases.casetask"

Status = Case.Status
TaskStatus = CaseTask.Status

# Deadline-light statuses and rules: one implementation, in ``services.clock``.
LIGHT_STATUSES = tuple(clock.LIGHT_STATES)
PAUSED_STATUSES = tuple(clock.PAUSED_STATES)

VIEW_TODO = "todo"
VIEW_ALL = "all"
SORT_DEADLINE = "deadline"
SORT_SUBMITTED = "submitted"
SORT_NEWEST = "newest"
LIGHTS = ("green", "yellow", "red")


@dataclass
class QueueFilters:
    """What the queue form or the API asked for (already shape-checked)."""

    view: str = ""  # "" → todo for accepting/deciding staff, else all
    status: str = ""
    item: int | None = None  # ServiceItem pk
    channel: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    light: str = ""
    q: str = ""
    sort: str = SORT_DEADLINE


# --- reach -----------------------------------------------------------------------------------
def reach_q(user) -> Q:
    """Cases the user may see on the workbench (as a Q over Case): the staff side of
    ``access_case(user, number, "view")``, one rule (:func:`staff_reach_q`)."""
    return staff_reach_q(user, CASES_VIEW_CASE)


def todo_q(user) -> Q:
    """The cases waiting for this user (see the module docstring)."""
    if user.is_superuser:
        return Q(status__in=[Status.SUBMITTED, Status.APPROVED, Status.DENIED]) | Q(
            pk__in=CaseTask.objects.filter(status=TaskStatus.ACTIVE).values("case_id")
        )
    accept_units = units_for(user, CASES_ACCEPT_CASE)
    review_units = units_for(user, CASES_REVIEW_CASE)
    decide_units = units_for(user, CASES_DECIDE_CASE)
    active = CaseTask.objects.filter(org_unit__in=review_units, status=TaskStatus.ACTIVE)
    return (
        Q(status=Status.SUBMITTED, org_unit__in=accept_units)
        | Q(pk__in=active.values("case_id"))
        | (
            Q(status__in=[Status.APPROVED, Status.DENIED])
            & (Q(org_unit__in=review_units) | Q(org_unit__in=decide_units))
        )
    )


def default_view(user) -> str:
    if any(has_perm(user, p) for p in (CASES_ACCEPT_CASE, CASES_REVIEW_CASE, CASES_DECIDE_CASE)):
        return VIEW_TODO
    return VIEW_ALL


def workbench_cases(user) -> QuerySet[Case]:
    """Every non-draft case within the user's reach (unordered, no related rows)."""
    return Case.objects.filter(reach_q(user)).exclude(status=Status.DRAFT)


def access_workbench_case(user, number: str) -> Case:
    """The case ``number`` if it is within the user's workbench reach, else NotFound (404)."""
    case = (
        workbench_cases(user)
        .select_related(
            "implementation__item",
            "item_version",
            "org_unit__parent",
            "applicant",
            "company",
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise case_not_found()
    return case


# --- the queue -------------------------------------------------------------------------------
def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _working_day_on_or_before(day: date) -> date:
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, -1)


def remaining_and_light(case: Case, today: date | None = None) -> tuple[int | None, str | None]:
    """``clock.remaining_working_days`` and ``clock.deadline_light`` without a query per case
    (the open pauses come prefetched by :func:`queue`)."""
    remaining = clock.remaining_working_days(
        case, today, open_pauses=getattr(case, "open_pauses", None)
    )
    return remaining, clock.light_for(remaining, case.promised_days)


def light_q(light: str, today: date | None = None, *, base: QuerySet | None = None) -> Q:
    """Cases whose deadline light is ``light`` (the SQL form of ``deadline_light``).

    Running clocks (审查中) are a date comparison: red when a working day has passed since
    the promised deadline; yellow when at most ⌊P/5⌋ working days are left for a limit of P
    (80 % used) — one date threshold per distinct limit, a handful of values. Frozen clocks
    (paused or decided, few at any time) are computed one by one from their pause or decision
    day, within ``base`` (the queue being filtered), and enter as a list of ids: the cost of
    this filter grows with the number of such cases in reach, not with all cases.
    """
    today = today or timezone.localdate()
    last_working_day = _working_day_on_or_before(today)
    running = Q(status=Status.IN_REVIEW, promised_deadline__isnull=False)
    if light == "red":
        condition = running & Q(promised_deadline__lt=last_working_day)
    else:
        not_red = running & Q(promised_deadline__gte=last_working_day)
        limits = (
            Case.objects.filter(not_red)
            .order_by()
            .values_list("promised_days", flat=True)
            .distinct()
        )
        numerator, denominator = clock.WARNING_RATIO
        yellow = Q(pk__in=[])
        for limit in limits:
            if not limit:  # no promised limit: never yellow (as deadline_light)
                continue
            left_at_most = (limit * (denominator - numerator)) // denominator
            first_green = calendar.add_working_days(today, left_at_most + 1)
            yellow |= Q(promised_days=limit, promised_deadline__lt=first_green)
        condition = not_red & (yellow if light == "yellow" else ~yellow)
    frozen = (
        (base if base is not None else Case.objects.all())
        .filter(
            status__in=[s for s in LIGHT_STATUSES if s != Status.IN_REVIEW],
            promised_deadline__isnull=False,
        )
        .order_by()
        .annotate(
            pause_started_at=Subquery(
                ClockPause.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
                .order_by("-started_at")
                .values("started_at")[:1]
            )
        )
        .values_list(
            "pk", "status", "promised_deadline", "promised_days", "decided_at", "pause_started_at"
        )
    )
    frozen_ids = []
    for pk, status, deadline, limit, decided_at, pause_started_at in frozen:
        remaining = clock.remaining_for(
            status, deadline, today, pause_started_at=pause_started_at, decided_at=decided_at
        )
        if clock.light_for(remaining, limit) == light:
            frozen_ids.append(pk)
    return condition | Q(pk__in=frozen_ids)


def search_q(text: str) -> Q:
    text = text.strip()
    if not text:
        return Q()
    if text.isascii() and text.replace("X", "").replace("x", "").isalnum():
        # A case number (or its beginning), digits with a check character.
        return Q(number__istartswith=text) | Q(applicant_name__icontains=text)
    return Q(applicant_name__icontains=text)


def queue(user, filters: QueueFilters | None = None) -> QuerySet[Case]:
    """The filtered, sorted queue with the related rows a list row shows."""
    filters = filters or QueueFilters()
    view = filters.view or default_view(user)
    cases = workbench_cases(user)
    if view == VIEW_TODO:
        cases = cases.filter(todo_q(user))
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.item:
        cases = cases.filter(implementation__item_id=filters.item)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.submitted_from:
        cases = cases.filter(submitted_at__gte=_day_start(filters.submitted_from))
    if filters.submitted_to:
        cases = cases.filter(submitted_at__lt=_day_start(filters.submitted_to + timedelta(days=1)))
    if filters.light in LIGHTS:
        cases = cases.filter(light_q(filters.light, base=cases))
    if filters.q:
        cases = cases.filter(search_q(filters.q))
    if filters.sort == SORT_NEWEST:
        order = [F("submitted_at").desc(nulls_last=True), "-id"]
    elif filters.sort == SORT_SUBMITTED:
        order = [F("submitted_at").asc(nulls_last=True), "id"]
    else:
        # Remaining working days grow with the promised deadline date, so ordering by the
        # date is ordering by the remaining time (cases without a deadline last).
        order = [F("promised_deadline").asc(nulls_last=True), F("submitted_at").asc(), "id"]
    active_tasks = CaseTask.objects.filter(status=TaskStatus.ACTIVE).select_related(
        "org_unit__parent"
    )
    return (
        cases.select_related("implementation__item", "org_unit__parent")
        .prefetch_related(
            Prefetch("tasks", queryset=active_tasks, to_attr="active_tasks"), _open_pauses()
        )
        .order_by(*order)
    )


def _open_pauses() -> Prefetch:
    return Prefetch(
        "pauses",
        queryset=ClockPause.objects.filter(ended_at__isnull=True).order_by("-started_at"),
        to_attr="open_pauses",
    )


def queue_page(
    user, filters: QueueFilters | None = None, *, page: int = 1, per_page=PAGE_SIZE
) -> Page:
    per_page = max(1, min(int(per_page or PAGE_SIZE), MAX_PAGE_SIZE))
    paginator = Paginator(queue(user, filters), per_page)
    return paginator.get_page(page)


# --- the case page ---------------------------------------------------------------------------
def case_history(case: Case) -> QuerySet[AuditEvent]:
    """Audit events of the case and of its review tasks, oldest first."""
    task_ids = [str(pk) for pk in case.tasks.values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(target_type=CASE_TARGET_TYPE, target_id=str(case.pk))
        | Q(target_type=TASK_TARGET_TYPE, target_id__in=task_ids)
    ).order_by("seq")


def case_tasks(case: Case) -> QuerySet[CaseTask]:
    return case.tasks.select_related("org_unit__parent", "decided_by").order_by(
        "stage_position", "id"
    )


def decidable_tasks(user, case: Case) -> list[CaseTask]:
    """ACTIVE tasks of the case that ``user`` may decide (``cases.review_case`` in the
    task's unit: joint tasks belong to their own departments)."""
    tasks = case.tasks.filter(status=TaskStatus.ACTIVE).select_related("org_unit__parent")
    if not user.is_superuser:
        tasks = tasks.filter(org_unit__in=units_for(user, CASES_REVIEW_CASE))
    return list(tasks)


def access_workbench_task(user, task_id: int) -> CaseTask:
    """A task of a case within reach, else NotFound (404)."""
    task = (
        CaseTask.objects.filter(pk=task_id, case__in=workbench_cases(user))
        .select_related("case__implementation__item", "case__org_unit", "org_unit__parent")
        .first()
    )
    if task is None:
        raise NotFound("not_found", _("未找到该审查任务，或您无权查看。"))
    return task


@dataclass
class QueueRow:
    case: Case
    applicant_name: str  # masked unless the viewer may see PII of the case's unit
    remaining: int | None
    light: str | None
    active_tasks: list


def queue_rows(user, cases, today: date | None = None) -> list[QueueRow]:
    """Rows for a page of :func:`queue` (one query for the PII check, none per row)."""
    visible = pii_checker(user)
    today = today or timezone.localdate()
    rows = []
    for case in cases:
        remaining, light = remaining_and_light(case, today)
        name = case.applicant_name
        if not visible(case.org_unit_id, case.applicant_id):
            name = mask_name(name)
        rows.append(QueueRow(case, name, remaining, light, getattr(case, "active_tasks", [])))
    return rows


def can_batch_accept(user) -> bool:
    return has_perm(user, CASES_ACCEPT_CASE)


def item_choices(user) -> list[tuple[int, str]]:
    """Service items implemented in the user's units (for the queue's item filter)."""
    from tongban.catalog.models import ServiceItem

    if user.is_superuser:
        items = ServiceItem.objects.all()
    else:
        items = ServiceItem.objects.filter(
            implementations__org_unit__in=units_for(user, CASES_VIEW_CASE)
        ).distinct()
    return list(items.order_by("name").values_list("pk", "name"))


def item_materials(case: Case):
    """The materials of the item version the case was filed under (correction checklist)."""
    return list(case.item_version.materials.order_by("position", "id"))


# --- the case page ---------------------------------------------------------------------------
SOURCE_LABELS = {"registry": _("政府核验"), "applicant": _("本人填写")}
EVENT_LABELS = {
    "cases.case_submitted": _("提交申请"),
    "cases.case_accepted": _("受理"),
    "cases.case_rejected": _("不予受理"),
    "cases.correction_requested": _("一次性告知补正"),
    "cases.correction_submitted": _("提交补正材料"),
    "cases.task_decided": _("审查意见"),
    "cases.case_approved": _("准予许可"),
    "cases.case_denied": _("不予许可"),
    "cases.case_suspended": _("进入特别程序"),
    "cases.case_resumed": _("恢复办理"),
    "cases.case_concluded": _("办结"),
    "cases.case_withdrawn": _("撤回申请"),
    "cases.hall_visit_recorded": _("登记到现场"),
    "cases.action_refused": _("操作被拒绝"),
    "cases.payment_requested": _("待缴费"),
    "cases.payment_received": _("已缴费"),
}


@dataclass
class FormRow:
    name: str
    label: str
    value: str
    source: str
    source_label: str


def _pii_kind(name: str, source: str) -> str | None:
    for key in (name, (source or "").rpartition(".")[2]):
        kind = PII_KEYS.get((key or "").lower())
        if kind:
            return kind
    return None


def form_rows(case: Case, *, visible: bool) -> list[FormRow]:
    """The application form's values in schema order with their source labels, PII masked
    unless ``visible``."""
    schema = case.item_version.form_schema or []
    data = case.form_data or {}
    names = [f.get("name") for f in schema if f.get("name")]
    names += [n for n in data if n not in names]
    labels = {f.get("name"): f for f in schema}
    rows = []
    for name in names:
        entry = data.get(name)
        if isinstance(entry, dict):
            value, source = entry.get("value"), entry.get("source") or "applicant"
        else:
            value, source = entry, "applicant"
        if value is None or value == "":
            continue
        text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        field = labels.get(name) or {}
        if not visible:
            kind = _pii_kind(name, field.get("source", ""))
            text = mask_value(kind, text) if kind else mask_text(text)
        rows.append(
            FormRow(
                name=name,
                label=field.get("label") or name,
                value=text,
                source=source,
                source_label=str(SOURCE_LABELS.get(source, SOURCE_LABELS["applicant"])),
            )
        )
    return rows


def material_download_url(material) -> str:
    """The applications area's download view (served only to people allowed to see it)."""
    from django.urls import NoReverseMatch, reverse

    number = material.case.number or ""
    for name, kwargs in (
        ("my_cases:material_download", {"number": number, "pk": material.pk}),
        ("my_cases:material_download", {"number": number, "material_id": material.pk}),
        ("my_cases:material_download", {"pk": material.pk}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return f"/my/cases/{number}/materials/{material.pk}/"


def history_rows(case: Case, *, visible: bool) -> list[dict]:
    rows = []
    for event in case_history(case):
        data = event.data or {}
        detail = data.get("reason") or data.get("opinion") or data.get("note") or ""
        if isinstance(detail, str) and not visible:
            detail = mask_text(detail)
        rows.append(
            {
                "at": event.created_at,
                "event_type": event.event_type,
                "label": EVENT_LABELS.get(event.event_type, event.event_type),
                "actor": event.actor_name,
                "detail": detail,
                "status": data.get("new") or data.get("status") or "",
            }
        )
    return rows


def allowed_actions(user, case: Case) -> set[str]:
    """Which action forms to show. The lifecycle services decide (and audit refusals); this
    mirrors their permission rules only to avoid offering dead buttons."""
    may_accept = has_perm_in(user, CASES_ACCEPT_CASE, case.org_unit)
    may_review = has_perm_in(user, CASES_REVIEW_CASE, case.org_unit)
    may_decide = may_review or has_perm_in(user, CASES_DECIDE_CASE, case.org_unit)
    actions = set()
    if case.status == Status.SUBMITTED and may_accept:
        actions |= {"accept", "reject", "correction"}
    if case.status == Status.IN_REVIEW and (may_accept or may_review):
        actions.add("correction")
    if case.status == Status.IN_REVIEW and may_decide:
        actions.add("suspend")
    if case.status == Status.SUSPENDED and may_decide:
        actions.add("resume")
    if case.status in (Status.APPROVED, Status.DENIED) and may_decide:
        actions.add("conclude")
    if case.status != Status.DRAFT and may_accept:
        actions.add("hall_visit")
    return actions


def case_page_data(user, case: Case, today: date | None = None) -> dict:
    visible = can_view_pii(user, case.org_unit, subject_user=case.applicant)
    remaining, light = remaining_and_light(case, today)
    materials = list(case.materials.filter(replaced_at__isnull=True).select_related("case"))
    for material in materials:
        material.download_url = material_download_url(material)
    applicant_code = case.applicant_code
    applicant_name = case.applicant_name
    if not visible:
        applicant_code = (
            mask_value("id_number", applicant_code)
            if len(applicant_code) == 18
            else mask_text(applicant_code)
        )
        applicant_name = mask_name(applicant_name)
    return {
        "case": case,
        "pii_visible": visible,
        "applicant_name": applicant_name,
        "applicant_code": applicant_code,
        "form_rows": form_rows(case, visible=visible),
        "materials": materials,
        "history": history_rows(case, visible=visible),
        "warnings": list(getattr(case, "eligibility_warnings", None) or []),
        "corrections": list(case.corrections.select_related("requested_by")),
        "tasks": list(case_tasks(case)),
        "pauses": list(case.pauses.all()),
        "remaining": remaining,
        "light": light,
        "decidable_tasks": decidable_tasks(user, case) if case.status == Status.IN_REVIEW else [],
        "actions": allowed_actions(user, case),
        "item_materials": item_materials(case),
    }
