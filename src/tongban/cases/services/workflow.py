"""Review workflow: stages run in order, the tasks of one stage in parallel (并联审批).

On acceptance ``create_tasks`` copies the item version's ``ProcessStage``/``StageTask``
definitions into ``CaseTask`` rows. Each task belongs to an org unit: the department named
by the task in the case's region, or in the nearest ancestor region that has it (a county
case whose process needs the city's 规划和自然资源局, say). When no such department exists
the task falls back to the case's own unit (and the audit event of the acceptance says so).
An item version without stages gets one review task in the case's unit.

The first stage's tasks are ACTIVE, the others WAITING. ``record_decision`` applies one
decision: a denial cancels the other open tasks and ends the case as denied; when every task
of a stage has approved, the next stage becomes active, and after the last stage the case is
approved. Callers (``lifecycle.decide_task``) hold the case row lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from tongban.cases.models.case import Case, CaseTask
from tongban.core.models import OrgUnit
from tongban.core.orgunits import ancestors, department_unit

DEFAULT_STAGE_NAME = "审查"
DEFAULT_TASK_NAME = "审查决定"


def region_of(unit: OrgUnit) -> OrgUnit:
    """The region unit (province/city/county) a department belongs to (itself for regions)."""
    if unit.kind == OrgUnit.Kind.DEPARTMENT and unit.parent_id:
        return unit.parent
    return unit


def resolve_task_unit(case_unit: OrgUnit, department_name: str) -> OrgUnit | None:
    """The department ``department_name`` in the case's region or its nearest ancestor."""
    if case_unit.kind == OrgUnit.Kind.DEPARTMENT and case_unit.name == department_name:
        return case_unit
    region = region_of(case_unit)
    for candidate in [region, *reversed(ancestors(region))]:
        if candidate.kind == OrgUnit.Kind.DEPARTMENT:
            continue
        unit = department_unit(candidate.division_code, department_name)
        if unit is not None and unit.is_active:
            return unit
    return None


@dataclass
class CreatedTasks:
    tasks: list[CaseTask]
    unresolved: list[str]


def create_tasks(case: Case) -> CreatedTasks:
    stages = list(case.item_version.stages.prefetch_related("tasks").order_by("position"))
    rows: list[CaseTask] = []
    unresolved: list[str] = []
    cache: dict[str, OrgUnit | None] = {}
    first_position = None
    for stage in stages:
        stage_tasks = list(stage.tasks.all())
        if not stage_tasks:
            continue
        if first_position is None:
            first_position = stage.position
        for definition in stage_tasks:
            name = definition.department_name
            if name not in cache:
                cache[name] = resolve_task_unit(case.org_unit, name)
            unit = cache[name]
            if unit is None:
                unresolved.append(name)
                unit = case.org_unit
            rows.append(
                CaseTask(
                    case=case,
                    stage_position=stage.position,
                    stage_name=stage.name,
                    name=definition.name,
                    org_unit=unit,
                    role=definition.role or "approver",
                    status=CaseTask.Status.ACTIVE
                    if stage.position == first_position
                    else CaseTask.Status.WAITING,
                )
            )
    if not rows:
        rows.append(
            CaseTask(
                case=case,
                stage_position=1,
                stage_name=DEFAULT_STAGE_NAME,
                name=DEFAULT_TASK_NAME,
                org_unit=case.org_unit,
                status=CaseTask.Status.ACTIVE,
            )
        )
    for row in rows:
        row.save()
    return CreatedTasks(rows, sorted(set(unresolved)))


@dataclass
class DecisionOutcome:
    """What one task decision did to the case: ``new_status`` is set when the case moves."""

    new_status: str | None = None
    activated: list[CaseTask] | None = None


def record_decision(task: CaseTask, *, actor, approve: bool, opinion: str) -> DecisionOutcome:
    now = timezone.now()
    task.status = CaseTask.Status.APPROVED if approve else CaseTask.Status.DENIED
    task.opinion = opinion
    task.decided_by = actor if getattr(actor, "pk", None) else None
    task.decided_at = now
    task.save(update_fields=["status", "opinion", "decided_by", "decided_at"])
    case = task.case
    open_statuses = (CaseTask.Status.ACTIVE, CaseTask.Status.WAITING)
    if not approve:
        case.tasks.filter(status__in=open_statuses).update(status=CaseTask.Status.CANCELLED)
        return DecisionOutcome(new_status=Case.Status.DENIED)
    if case.tasks.filter(
        stage_position=task.stage_position, status=CaseTask.Status.ACTIVE
    ).exists():
        return DecisionOutcome()
    waiting = case.tasks.filter(status=CaseTask.Status.WAITING).order_by("stage_position", "id")
    next_task = waiting.first()
    if next_task is None:
        return DecisionOutcome(new_status=Case.Status.APPROVED)
    activated = list(waiting.filter(stage_position=next_task.stage_position))
    for row in activated:
        row.status = CaseTask.Status.ACTIVE
    CaseTask.objects.bulk_update(activated, ["status"])
    return DecisionOutcome(activated=activated)


def cancel_open_tasks(case: Case) -> int:
    return case.tasks.filter(status__in=(CaseTask.Status.ACTIVE, CaseTask.Status.WAITING)).update(
        status=CaseTask.Status.CANCELLED
    )
